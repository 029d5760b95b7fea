"""The access report in a real browser, checked with axe-core."""

import pytest

from patients.audit import audit_record
from patients.models import AuditAction
from tests.factories.people import PatientFactory, UserFactory


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_reads_the_access_report(live_server, page, assert_accessible):
    coordinator = UserFactory(username="meera", roles=["coordinator"])
    UserFactory(username="root", is_superuser=True)
    patient = PatientFactory(coordinator=coordinator, full_name="Report Patient Rekha")
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=patient)
    log_in(page, live_server, "root")
    page.goto(f"{live_server.url}/admin/access-report/")
    assert "Report Patient Rekha" in page.locator("#content-main table").inner_text()
    assert_accessible()
