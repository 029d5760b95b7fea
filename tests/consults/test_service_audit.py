"""Staff changes to a consult are audited by the service, inside its transaction: a failure after the audit
entry is written rolls the entry back with the change, and no door writes a second entry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consults import services
from consults.models import ConsultSource, ConsultStatus
from patients.models import AuditEntry
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


class MessageOutboxDown(Exception):
    pass


def broken(**kwargs) -> None:
    raise MessageOutboxDown


@pytest.fixture
def upcoming(alice):
    return ConsultFactory(
        patient=PatientFactory(coordinator=alice),
        expert=ExpertFactory(hours=[]),
        start=timezone.now() + timedelta(days=2),
    )


@pytest.fixture
def started(alice):
    return ConsultFactory(
        patient=PatientFactory(coordinator=alice),
        expert=ExpertFactory(hours=[]),
        start=timezone.now() - timedelta(hours=1),
    )


def test_a_staff_cancellation_writes_one_audit_entry(alice, upcoming):
    services.consult_cancel(consult=upcoming, reason="Clinic closed", source=ConsultSource.STAFF, cancelled_by=alice)
    assert AuditEntry.objects.filter(actor=alice, action="change", object_id=str(upcoming.pk)).count() == 1


def test_a_cancellation_that_fails_after_auditing_leaves_no_audit_entry(alice, upcoming, monkeypatch):
    monkeypatch.setattr(services, "consult_notify_cancelled", broken)
    with pytest.raises(MessageOutboxDown):
        services.consult_cancel(
            consult=upcoming, reason="Clinic closed", source=ConsultSource.STAFF, cancelled_by=alice
        )
    assert AuditEntry.objects.filter(object_id=str(upcoming.pk), action="change").count() == 0


def test_a_cancellation_that_fails_after_auditing_leaves_the_consult_confirmed(alice, upcoming, monkeypatch):
    monkeypatch.setattr(services, "consult_notify_cancelled", broken)
    with pytest.raises(MessageOutboxDown):
        services.consult_cancel(
            consult=upcoming, reason="Clinic closed", source=ConsultSource.STAFF, cancelled_by=alice
        )
    upcoming.refresh_from_db()
    assert upcoming.status == ConsultStatus.CONFIRMED


def test_a_patients_own_cancellation_writes_no_staff_audit_entry(upcoming):
    services.consult_cancel(consult=upcoming, reason="Feeling better", source=ConsultSource.WEB)
    assert AuditEntry.objects.filter(object_id=str(upcoming.pk)).count() == 0


def test_an_outcome_that_fails_after_auditing_leaves_no_audit_entry(alice, started, monkeypatch):
    monkeypatch.setattr(services, "consult_notify_completed", broken)
    with pytest.raises(MessageOutboxDown):
        services.consult_mark_completed(consult=started, by=alice)
    assert AuditEntry.objects.filter(object_id=str(started.pk), action="change").count() == 0


def test_the_staff_api_cancel_writes_one_audit_entry(client, alice, upcoming):
    client.force_login(alice)
    client.post(
        f"/api/v1/staff/consults/{upcoming.pk}/cancel/", {"reason": "Clinic closed"}, content_type="application/json"
    )
    assert AuditEntry.objects.filter(action="change", object_id=str(upcoming.pk), via="api").count() == 1


def test_the_console_outcome_writes_one_audit_entry(client, alice, started):
    client.force_login(alice)
    client.post(f"/admin/consults/consult/{started.pk}/outcome/", {"outcome": "no_show"})
    assert AuditEntry.objects.filter(action="change", object_id=str(started.pk), via="admin").count() == 1
