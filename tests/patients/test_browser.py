"""A coordinator's morning in a real browser: dashboard card → overdue list → care record → record a result."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.months import add_months
from patients.models import GeneticTest, MonitoringItem
from patients.services import monitoring_schedule_generate
from tests.factories.care import cml_patient
from tests.factories.people import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_follows_a_card_and_records_a_bcr_abl1_result(live_server, page, screenshot):
    coordinator = UserFactory(username="meera", first_name="Meera", roles=["coordinator"])
    today = timezone.localdate()
    started = add_months(today, -6) - timedelta(days=3)
    patient = cml_patient(started_on=started, coordinator=coordinator)
    patient.full_name = "Asha Browser-Test"
    patient.save(update_fields=["full_name"])
    monitoring_schedule_generate(patient=patient, on=today - timedelta(days=40))  # leaves overdue items
    assert MonitoringItem.objects.filter(patient=patient, status="planned", window_ends_on__lt=today).exists()

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "meera")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    card = page.locator('[data-card="overdue_monitoring"]')
    assert int(card.locator(".ct-count").inner_text()) >= 1
    screenshot("patients-dashboard")

    card.locator("a").click()
    page.wait_for_url("**/monitoringitem/?state=overdue&scope=mine")
    page.get_by_role("link", name="Asha Browser-Test").first.click()
    page.wait_for_url(f"**/patient/{patient.pk}/change/")
    assert "CML, chronic phase" in page.locator(".ct-summary").inner_text()

    page.get_by_role("link", name="Record BCR::ABL1 result").click()
    sample = add_months(started, 6)
    page.fill("#id_collected_on", sample.isoformat())
    page.fill("#id_is_percent", "4.5")
    page.fill("#id_control_copies", "52000")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"**/patient/{patient.pk}/change/**")
    assert "ELN 2020: Warning" in page.locator(".messagelist").inner_text()
    row = page.locator("#genetictest table tbody tr").first
    assert "4.5 % IS" in row.inner_text()
    assert "Warning" in row.inner_text()
    assert page.locator("#genetictest svg circle").count() == 1
    screenshot("patients-care-record-after-result")
    assert GeneticTest.objects.get(patient=patient, kind="bcr_abl1_qpcr").eln_assessment == "warning"
