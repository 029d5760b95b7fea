"""The new console pages in a real browser, each checked with axe-core: an expert opens break-glass
access, the admin reads the report, a coordinator puts an expert on the care team."""

import pytest

from patients.models import AuditEntry, BreakGlassAccess, CareTeamAssignment
from tests.factories.people import PatientFactory, UserFactory


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_expert_breaks_glass_and_the_admin_sees_it_on_the_report(live_server, page, assert_accessible, screenshot):
    coordinator = UserFactory(username="meera", roles=["coordinator"])
    UserFactory(username="dr.ravi", roles=["expert"])
    UserFactory(username="root", is_superuser=True)
    patient = PatientFactory(coordinator=coordinator, full_name="Glass Patient Gita")

    log_in(page, live_server, "dr.ravi")
    response = page.goto(f"{live_server.url}/admin/patients/patient/{patient.pk}/change/")
    assert response.status == 404
    assert "Glass Patient Gita" not in page.content()
    assert_accessible()
    page.get_by_role("link", name="Open break-glass access").click()
    page.wait_for_url("**/breakglassaccess/add/**")
    assert page.input_value("#id_patient") == str(patient.pk)
    assert_accessible()
    page.fill("#id_reason", "too short")
    page.click("input[name=_save]")
    assert "Say why you need this record now" in page.locator(".errorlist").first.inner_text()
    assert_accessible()
    page.fill("#id_reason", "Patient arrived unwell at the clinic; coordinator unreachable")
    page.click("input[name=_save]")
    page.wait_for_url(f"**/patient/{patient.pk}/change/")
    assert "Break-glass access open until" in page.locator(".messagelist").inner_text()
    screenshot("patients-break-glass-opened")
    assert BreakGlassAccess.objects.filter(patient=patient).count() == 1
    assert AuditEntry.objects.filter(action="breakglass", patient=patient).count() == 1

    page.context.clear_cookies()
    log_in(page, live_server, "root")
    page.goto(f"{live_server.url}/admin/patients/breakglassaccess/")
    assert "Patient arrived unwell" in page.locator("#result_list").inner_text()
    assert_accessible()
    screenshot("patients-break-glass-report")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_puts_an_expert_on_the_care_team(live_server, page, assert_accessible, screenshot):
    UserFactory(username="meera", roles=["coordinator"])
    expert = UserFactory(username="dr.ravi", first_name="Ravi", roles=["expert"])
    patient = PatientFactory(full_name="Team Patient Tara")

    log_in(page, live_server, "meera")
    page.goto(f"{live_server.url}/admin/patients/careteamassignment/add/")
    assert_accessible()
    page.fill("#id_patient", str(patient.pk))
    page.select_option("#id_member", str(expert.pk))
    page.fill("#id_reason", "Second opinion on imatinib dose")
    page.click("input[name=_save]")
    page.wait_for_url("**/careteamassignment/")
    assert "Team Patient Tara" in page.locator("#result_list").inner_text()
    assert_accessible()
    screenshot("patients-care-team-list")
    assert CareTeamAssignment.objects.filter(patient=patient, member=expert, ended_at__isnull=True).count() == 1
