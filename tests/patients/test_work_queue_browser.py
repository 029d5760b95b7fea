"""The work queue in a real browser (issue 14): a coordinator finds a patient by phone from the
dashboard; an expert marks today's consult completed from "My day"; every page axe-clean."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consults.models import ConsultStatus
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 30, 11, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture(autouse=True)
def mid_morning(time_machine):
    time_machine.move_to(NOW, tick=True)


def sign_in(page, live_server, username: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_coordinator_finds_a_patient_by_phone_from_the_dashboard(
    live_server, page, alice, assert_accessible, screenshot
):
    patient = PatientFactory(full_name="Kavya Phone-Search", phone="+919812345678")
    ConsultFactory(patient=patient, start=NOW + timedelta(hours=3))
    sign_in(page, live_server, "alice")
    assert page.locator('[data-card="triage_unassigned"] .ct-count').inner_text() == "1"
    assert_accessible()
    page.get_by_label("Find a patient").fill("098123 45678")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/admin/work/search/?q=*")
    screenshot("work-queue-search")
    assert_accessible()
    page.get_by_role("link", name="Kavya Phone-Search").click()
    page.wait_for_url(f"**/patient/{patient.pk}/change/")


def test_coordinator_takes_a_new_booking_from_the_triage_list(live_server, page, alice, assert_accessible):
    patient = PatientFactory(full_name="Kavya Triage", phone="+919812345679")
    ConsultFactory(patient=patient, start=NOW + timedelta(hours=3))
    sign_in(page, live_server, "alice")
    page.locator('[data-card="triage_unassigned"] a').click()
    page.wait_for_url("**/admin/work/triage/")
    assert_accessible()
    page.get_by_role("button", name="Assign to me: Kavya Triage").click()
    page.wait_for_url("**/admin/work/triage/")
    patient.refresh_from_db()
    assert patient.coordinator == alice


def test_expert_marks_todays_consult_completed_from_my_day(
    live_server, page, erin, alice, assert_accessible, screenshot
):
    patient = PatientFactory(full_name="Ravi My-Day", phone="+919811122233", coordinator=alice)
    consult = ConsultFactory(
        patient=patient,
        expert=ExpertFactory(user=erin),
        start=NOW - timedelta(minutes=40),
        mode="video",
        note="Asks about food with imatinib",
    )
    sign_in(page, live_server, "erin")
    day = page.locator('[data-section="my-day"]')
    assert "Asks about food with imatinib" in day.inner_text()
    assert page.locator("[data-card]").count() == 0
    screenshot("work-queue-my-day")
    assert_accessible()
    page.get_by_role("button", name=f"Completed: {consult.reference} with Ravi My-Day").click()
    page.wait_for_url("**/admin/")
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.COMPLETED


def test_admin_dashboard_and_settings_are_accessible(live_server, page, ada, assert_accessible):
    sign_in(page, live_server, "ada")
    assert_accessible()
    page.get_by_role("link", name="Settings", exact=True).click()
    page.wait_for_url("**/admin/?view=settings")
    assert page.locator(".app-patients").count() == 1
