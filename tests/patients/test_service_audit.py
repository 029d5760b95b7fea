"""A staff change and its audit entry commit together: the task-status and schedule-item services audit
inside their own transaction (a failing audit leaves nothing changed), and an API write's audit entry rolls
back with its row."""

from datetime import date

import pytest

from patients import audit as audit_module
from patients.models import AuditEntry, CareTask, ItemStatus, MonitoringItem, Note
from patients.services import care_task_create, monitoring_item_skip
from patients.services import monitoring as monitoring_services
from patients.services import tasks as task_services
from patients.services.tasks import care_task_set_status
from tests.factories.care import cml_patient
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


class AuditStoreDown(Exception):
    pass


def failing_audit(**kwargs) -> None:
    raise AuditStoreDown


@pytest.fixture
def task(alice):
    return care_task_create(
        patient=PatientFactory(coordinator=alice),
        title="Call about the refill",
        priority="normal",
        due=date(2026, 12, 2),
        created_by=alice,
    )


@pytest.fixture
def item(alice):
    return MonitoringItem.objects.filter(patient=cml_patient(started_on=date(2026, 6, 1), coordinator=alice)).first()


def test_a_task_status_change_from_a_door_is_audited_by_the_service(alice, task):
    care_task_set_status(task=task, status="done", by=alice, audit_via="api")
    assert AuditEntry.objects.filter(object_type="patients.CareTask", actor=alice, via="api").count() == 1


def test_a_task_status_change_whose_audit_fails_is_not_saved(alice, task, monkeypatch):
    monkeypatch.setattr(task_services, "audit_record", failing_audit)
    with pytest.raises(AuditStoreDown):
        care_task_set_status(task=task, status="done", by=alice, audit_via="admin")
    assert CareTask.objects.get(pk=task.pk).status == "open"


def test_the_task_form_leaves_the_audit_to_the_form(alice, task):
    care_task_set_status(task=task, status="done", by=alice)
    assert AuditEntry.objects.filter(object_type="patients.CareTask").count() == 0


def test_skipping_from_a_door_is_audited_by_the_service(alice, item):
    monitoring_item_skip(item=item, reason="Done at another hospital", by=alice, audit_via="admin")
    entry = AuditEntry.objects.get(object_type="patients.MonitoringItem")
    assert entry.changed_fields == ["reason"]


def test_a_skip_whose_audit_fails_is_not_saved(alice, item, monkeypatch):
    monkeypatch.setattr(monitoring_services, "audit_record", failing_audit)
    with pytest.raises(AuditStoreDown):
        monitoring_item_skip(item=item, reason="Done at another hospital", by=alice, audit_via="admin")
    assert MonitoringItem.objects.get(pk=item.pk).status == ItemStatus.PLANNED


def test_the_api_task_status_action_writes_one_audit_entry(client, alice, task):
    client.force_login(alice)
    client.post(f"/api/v1/tasks/{task.pk}/status/", {"status": "done"}, content_type="application/json")
    assert AuditEntry.objects.filter(object_type="patients.CareTask", via="api").count() == 1


def test_an_api_note_whose_audit_fails_is_not_saved(client, alice, task, monkeypatch):
    client.force_login(alice)
    monkeypatch.setattr(audit_module, "audit_record", failing_audit)
    with pytest.raises(AuditStoreDown):
        client.post(
            "/api/v1/notes/", {"patient": task.patient_id, "body": "Called, all well"}, content_type="application/json"
        )
    assert Note.objects.count() == 0
