"""The daily sweep: schedules roll forward, overdue items, expiring authorisations and follow-ups become tasks."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from patients.models import CareTask, InsurancePolicy, MonitoringItem, Resource
from patients.services import care_sweep, care_task_open, resource_assign
from patients.tasks import daily_care_sweep
from tests.factories.care import cml_patient
from tests.factories.people import PatientFactory

TODAY = date(2026, 6, 15)


@pytest.fixture
def frozen_today(time_machine):
    time_machine.move_to(datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    return time_machine


@pytest.mark.django_db
def test_sweep_opens_each_task_once(frozen_today, alice):
    patient = cml_patient(started_on=TODAY - timedelta(days=60), coordinator=alice)
    InsurancePolicy.objects.create(patient=patient, payer="Demo Insurer", prior_auth_status="approved",
                                   prior_auth_expires_on=TODAY + timedelta(days=10))
    InsurancePolicy.objects.create(patient=patient, payer="Later Insurer", prior_auth_status="approved",
                                   prior_auth_expires_on=TODAY + timedelta(days=200))
    resource_assign(patient=patient, resource=Resource.objects.first(), follow_up_on=TODAY)
    frozen_today.move_to(datetime(2026, 7, 20, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    overdue = MonitoringItem.objects.filter(patient=patient, status="planned",
                                            window_ends_on__lt=date(2026, 7, 20)).count()
    assert overdue > 0
    first = care_sweep()
    assert first == {"authorisation": 1, "monitoring_item": overdue, "resource": 1}
    tasks = CareTask.objects.count()
    care_sweep()
    assert CareTask.objects.count() == tasks
    auth = CareTask.objects.get(source_kind="authorisation")
    assert auth.assignee == alice and "Demo Insurer" in auth.title and auth.priority == "urgent"


@pytest.mark.django_db
def test_daily_task_rolls_schedules_forward(frozen_today):
    patient = cml_patient(started_on=TODAY)
    last = MonitoringItem.objects.filter(patient=patient).order_by("-due_on").first().due_on
    frozen_today.move_to(datetime(2026, 10, 1, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    result = daily_care_sweep()
    assert result["schedules"] == 1
    assert MonitoringItem.objects.filter(patient=patient).order_by("-due_on").first().due_on > last


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="a real race needs PostgreSQL; SQLite's in-memory test database locks its tables")
@pytest.mark.django_db(transaction=True)
def test_two_workers_opening_the_same_task_make_one():
    patient = PatientFactory()
    barrier, results, errors = threading.Barrier(2), [], []

    def open_task():
        try:
            barrier.wait(timeout=5)
            task = care_task_open(patient=patient, title="Failed message", priority="normal", due=TODAY,
                                  source_kind="message", source_id=77)
            results.append(task.pk)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_task) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert CareTask.objects.filter(source_kind="message", source_id=77).count() == 1
