"""Sweeps work in time-boxed slices: a run that used its budget queues its own continuation, and the
continuation picks up exactly where the slice stopped (no reminder lost, none sent twice)."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django_q.models import OrmQ

from clinic.tasks import TaskBudget
from followups import tasks
from followups.models import CheckinPlan, DoseRecord
from followups.plans import checkin_plan_save, medication_plan_save
from messaging.models import Message
from tests.factories.care import item_added_by_hand
from tests.factories.people import PatientFactory

MONDAY_MORNING = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 09:30 in Asia/Kolkata


class ChunksBudget(TaskBudget):
    """A budget that lasts for `chunks` chunk starts, whatever the clock says."""

    def __init__(self, chunks: int) -> None:
        super().__init__(3600)
        self.left = chunks

    def spent(self) -> bool:
        self.exhausted = self.exhausted or self.left <= 0
        self.left -= 1
        return self.exhausted


@pytest.fixture
def dose_patients(db):
    patients = [PatientFactory(phone=f"+9198765400{n:02d}", consent_sms=True) for n in range(5)]
    with time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), tick=False):
        for patient in patients:
            medication_plan_save(patient=patient, active=True, local_time=time(9, 0), cutoff_hours=12)
            checkin_plan_save(patient=patient, active=True, weekday=0, local_time=time(9, 0))
    return patients


def queued_continuations(func: str) -> int:
    return sum(1 for row in OrmQ.objects.all() if row.task["func"] == func)


def test_a_fresh_budget_is_not_spent_and_a_zero_budget_is():
    assert TaskBudget(60).spent() is False
    zero = TaskBudget(0)
    assert zero.spent() is True
    assert zero.exhausted is True


def test_timed_sweep_stops_at_its_budget_and_queues_a_continuation_that_finishes(dose_patients, monkeypatch):
    monkeypatch.setattr("followups.medication.CHUNK", 2)
    monkeypatch.setattr("followups.checkins.CHUNK", 2)
    monkeypatch.setattr(tasks, "TaskBudget", lambda seconds: ChunksBudget(chunks=1))

    with time_machine.travel(MONDAY_MORNING, tick=False):
        first = tasks.send_due_timed_follow_ups()
    assert first["medication"] == 2
    assert first["checkins"] == 0
    assert first["continued"] == 1
    assert queued_continuations("followups.tasks.send_due_timed_follow_ups") == 1

    monkeypatch.setattr(tasks, "TaskBudget", TaskBudget)  # the continuation, with a real budget
    with time_machine.travel(MONDAY_MORNING.replace(minute=1), tick=False):
        rest = tasks.send_due_timed_follow_ups()
    assert rest["medication"] == 3
    assert rest["checkins"] == 5
    assert rest["continued"] == 0
    assert queued_continuations("followups.tasks.send_due_timed_follow_ups") == 1  # no further one

    assert Message.objects.filter(kind="medication_reminder").count() == 5
    assert DoseRecord.objects.count() == 5
    assert Message.objects.filter(kind="checkin_questions").count() == 5
    assert not CheckinPlan.objects.filter(next_at__lte=MONDAY_MORNING).exists()


def test_daily_sweep_continues_monitoring_reminders_where_it_stopped(dose_patients, monkeypatch):
    for patient in dose_patients:
        item_added_by_hand(patient, kind="cbc", due_on=MONDAY_MORNING.date())
    monkeypatch.setattr("followups.monitoring.CHUNK", 2)
    monkeypatch.setattr(tasks, "TaskBudget", lambda seconds: ChunksBudget(chunks=2))

    with time_machine.travel(MONDAY_MORNING, tick=False):
        first = tasks.send_due_daily_follow_ups()
        assert first["monitoring"] == 4
        assert first["continued"] == 1
        assert queued_continuations("followups.tasks.send_due_daily_follow_ups") == 1
        monkeypatch.setattr(tasks, "TaskBudget", TaskBudget)
        rest = tasks.send_due_daily_follow_ups()
    assert rest["monitoring"] == 1
    assert rest["continued"] == 0
    assert Message.objects.filter(kind="monitoring_due").count() == 5
