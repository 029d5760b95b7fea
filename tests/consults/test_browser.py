"""Real pages in headless Chromium: book a consult, then move it, as a patient would."""

import pytest

from consults.models import Consult, ConsultStatus
from tests.factories.consults import ExpertFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patient_books_a_consult_and_reschedules_it(live_server, page, screenshot):
    ExpertFactory(display_name="Dr Anita Rao")
    page.goto(f"{live_server.url}/book/")
    assert page.locator("select[name=tz]").input_value() == "Asia/Kolkata"
    page.get_by_label("Side effects").check()
    page.get_by_role("button", name="See free times").click()

    page.wait_for_url("**/book/slots/**")
    screenshot("book-slots")
    first_slot = page.locator("label.slot").first
    first_time = first_slot.inner_text().splitlines()[0].strip()
    first_slot.click()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/book/details/**")
    screenshot("book-details")
    page.get_by_label("Your name").fill("Asha Test")
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_label("Yes, send me messages about this consult").check()
    page.get_by_label("Anything the expert should know").fill("Ankles swell in the evening.")
    page.get_by_role("button", name="Book my free consult").click()

    page.wait_for_url("**/booked/**")
    assert page.get_by_role("heading", name="You're booked").is_visible()
    consult = Consult.objects.get()
    assert consult.reference in page.content()
    assert first_time in page.content()
    assert page.get_by_role("link", name="Add to calendar").get_attribute("href").endswith("/calendar.ics")
    screenshot("consult-booked")

    page.get_by_role("link", name="Change time").click()
    page.wait_for_url("**/reschedule/**")
    page.locator("label.slot").nth(3).click()
    page.get_by_role("button", name="Move my consult").click()

    page.wait_for_url(f"**/c/{consult.manage_token}/**")
    assert page.get_by_text("Your consult has moved to").is_visible()
    screenshot("consult-rescheduled")
    moved = Consult.objects.get(reference=consult.reference)
    assert moved.pk != consult.pk
    assert moved.start > consult.start
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.CANCELLED
    assert moved.patient.consent_sms
    assert moved.note == "Ankles swell in the evening."


def test_the_time_zone_picker_follows_the_browser(live_server, browser):
    context = browser.new_context(timezone_id="Europe/London", locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/book/")
        assert page.locator("select[name=tz]").input_value() == "Europe/London"
        # A zone the visitor chose themselves is never overridden.
        page.goto(f"{live_server.url}/book/?tz=Asia/Dubai")
        assert page.locator("select[name=tz]").input_value() == "Asia/Dubai"
    finally:
        context.close()
