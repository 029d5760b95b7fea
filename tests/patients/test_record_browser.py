"""The care record in a real browser at 1280 x 800 (issue 14, done-when): a coordinator finds a patient by
phone from the dashboard, opens the record, records a BCR::ABL1 result through its own form and sees the
assessment and the chart, never scrolling sideways; every record and form page is axe-clean per role."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clinic.months import add_months
from patients.models import GeneticTest, Medication
from tests.conftest import axe_violations
from tests.factories.activity import inbound
from tests.factories.care import cml_patient, qpcr
from tests.factories.consults import ConsultFactory, ExpertFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREEN = {"width": 1280, "height": 800}


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: nothing to scroll sideways)."""
    return page.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")


def summary_bottom(page) -> float:
    box = page.locator(".ct-summary").bounding_box()
    return box["y"] + box["height"]


def busy_patient(coordinator, expert_user=None):
    """Six months on imatinib, two results (both warnings), a message, an interaction; an expert's consult."""
    today = timezone.localdate()
    started = add_months(today, -6) - timedelta(days=3)
    patient = cml_patient(started_on=started, coordinator=coordinator)
    patient.full_name, patient.phone = "Kavya Record-Browser", "+919812345678"
    patient.save(update_fields=["full_name", "phone"])
    qpcr(patient, add_months(started, 3), "12")
    qpcr(patient, add_months(started, 4), "6.5")
    patient.concomitant_medications.create(name="Clarithromycin 500 mg")
    inbound(
        patient,
        timezone.now() - timedelta(hours=2),
        "My ankles are a little swollen since Monday, is that the tablets? I also wanted to ask about the next test.",
    )
    if expert_user is not None:
        expert = ExpertFactory(user=expert_user, display_name="Dr Erin Rao")
        ConsultFactory(patient=patient, expert=expert, start=timezone.now() + timedelta(days=2))
    return patient


def test_coordinator_finds_the_patient_by_phone_and_records_a_bcr_abl1_result(
    live_server, page, alice, assert_accessible, screenshot
):
    patient = busy_patient(alice)
    page.set_viewport_size(SCREEN)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    page.get_by_label("Find a patient").fill("098123 45678")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/admin/work/search/?q=*")
    page.get_by_role("link", name="Kavya Record-Browser").click()
    page.wait_for_url(f"**/patient/{patient.pk}/change/")
    assert sideways_overflow(page) == 0
    assert summary_bottom(page) <= SCREEN["height"]
    assert page.get_by_role("heading", level=1).inner_text() == "Kavya Record-Browser"
    screenshot("record-summary-before")

    page.get_by_role("link", name="Record BCR::ABL1 result").click()
    page.wait_for_url(f"**/patient/{patient.pk}/record/bcr-abl1/")
    assert sideways_overflow(page) == 0
    sample = add_months(GeneticTest.objects.filter(patient=patient).order_by("collected_on").first().collected_on, 3)
    # Typed as an Indian user writes it, dd/mm/yyyy, as a browser without a date picker shows the field: a
    # plain text box (headless Chromium orders a date input's typed segments by its own UI language, so the
    # field is turned into the text box such browsers fall back to; the server reads both).
    sample_date = page.get_by_label("Sample date")
    sample_date.evaluate("input => { input.type = 'text'; }")
    sample_date.fill(sample.strftime("%d/%m/%Y"))
    page.get_by_label("BCR::ABL1 IS %").fill("4.5")
    page.get_by_label("ABL1 control copies").fill("52,000")
    page.get_by_label("Laboratory").fill("Metro Lab")
    assert_accessible()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"**/patient/{patient.pk}/change/#genetictest")
    assert "ELN 2020: Warning" in page.locator(".messagelist").inner_text()
    box = page.locator(".ct-summary")
    assert "4.5 % IS" in box.inner_text()
    assert "ELN 2020: Warning" in box.inner_text()
    assert page.locator("#genetictest svg circle").count() == 3  # the chart has the new point
    assert page.locator("#genetictest").is_visible()
    assert sideways_overflow(page) == 0
    screenshot("record-after-bcr-abl1")
    test = GeneticTest.objects.filter(patient=patient).order_by("-id").first()
    assert (test.collected_on, test.eln_assessment, test.control_copies) == (sample, "warning", 52000)


def test_a_bad_date_is_shown_on_the_date_field_in_the_browser(live_server, page, alice, assert_accessible):
    patient = busy_patient(alice)
    client = Client()
    client.force_login(alice)
    page.set_viewport_size(SCREEN)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/admin/patients/patient/{patient.pk}/record/bcr-abl1/")
    page.get_by_label("Sample date").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_label("BCR::ABL1 IS %").fill("0.8")
    page.get_by_label("ABL1 control copies").fill("52000")
    page.get_by_role("button", name="Save").click()
    field = page.get_by_label("Sample date")
    assert field.get_attribute("aria-invalid") == "true"
    assert "This date is in the future" in page.locator("#id_collected_on_error").inner_text()
    assert page.get_by_role("alert").count() == 1
    assert_accessible()


def test_the_section_menu_stays_on_screen_and_its_links_work_from_the_keyboard(live_server, page, alice):
    patient = busy_patient(alice)
    client = Client()
    client.force_login(alice)
    page.set_viewport_size(SCREEN)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/admin/patients/patient/{patient.pk}/change/")
    menu = page.get_by_role("navigation", name="Sections of this record")
    link = menu.get_by_role("link", name="Tasks")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#caretask")
    menu_box = menu.bounding_box()
    heading = page.get_by_role("heading", name="Tasks", level=2).bounding_box()
    assert menu_box["y"] == 0  # stuck to the top of the window
    assert heading["y"] >= menu_box["y"] + menu_box["height"]  # not hidden under the menu
    assert heading["y"] < SCREEN["height"]


def roles_pages(patient) -> list[str]:
    medication = Medication.objects.get(patient=patient, is_tki=True)
    base = f"/admin/patients/patient/{patient.pk}"
    return [
        f"{base}/change/",
        f"{base}/edit/",
        f"{base}/record/bcr-abl1/",
        f"{base}/record/blood-count/",
        f"{base}/record/symptom/",
        f"{base}/medication/{medication.pk}/change-dose/",
    ]


def visit_as(browser, live_server, user, urls: list[str]) -> dict[str, dict]:
    """Each page's status, sideways overflow, summary bottom and axe violations, for one signed-in user."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=SCREEN, locale="en-IN", timezone_id="Asia/Kolkata")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    found = {}
    try:
        for url in urls:
            response = page.goto(live_server.url + url)
            found[url] = {"status": response.status}
            if response.status != 200:
                continue
            found[url]["overflow"] = sideways_overflow(page)
            found[url]["violations"] = axe_violations(page)
            if page.locator(".ct-summary").count():
                found[url]["summary_bottom"] = summary_bottom(page)
    finally:
        context.close()
    return found


@pytest.mark.parametrize("role", ["alice", "ada"])
def test_record_and_form_pages_are_accessible_and_fit_1280_px_for_writers(
    browser, live_server, request, alice, erin, role
):
    patient = busy_patient(alice, erin)
    found = visit_as(browser, live_server, request.getfixturevalue(role), roles_pages(patient))
    assert {url: page["status"] for url, page in found.items()} == dict.fromkeys(found, 200)
    assert {url: page["violations"] for url, page in found.items()} == {url: [] for url in found}
    assert {url: page["overflow"] for url, page in found.items()} == dict.fromkeys(found, 0)
    record = found[f"/admin/patients/patient/{patient.pk}/change/"]
    assert record["summary_bottom"] <= SCREEN["height"]


def test_expert_reads_an_accessible_record_and_cannot_open_the_forms(browser, live_server, alice, erin):
    patient = busy_patient(alice, erin)
    pages = roles_pages(patient)
    found = visit_as(browser, live_server, erin, pages)
    record, details = found[pages[0]], found[pages[1]]
    assert (record["status"], record["violations"], record["overflow"]) == (200, [], 0)
    assert record["summary_bottom"] <= SCREEN["height"]
    assert (details["status"], details["violations"], details["overflow"]) == (200, [], 0)
    assert {url: found[url]["status"] for url in pages[2:]} == dict.fromkeys(pages[2:], 403)
