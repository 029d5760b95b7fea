"""Consult reminders (a follow-up): 24 h and 2 h before, once each, never for cancelled or late-booked consults;
the care record's "upcoming" list announces exactly the reminders the sweep sends."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule

from consults.services import consult_cancel, consult_reschedule
from followups.consult_reminders import consult_reminders_due, consult_reminders_send_due
from followups.selectors import follow_ups_overview
from messaging.models import Message, Status
from tests.factories.consults import ConsultFactory

START = datetime(2026, 12, 3, 5, 30, tzinfo=UTC)  # Thursday 11:00 in Kolkata
BOOKED = START - timedelta(days=5)


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    settings.MESSAGING_QUIET_HOURS_START = "00:00"
    settings.MESSAGING_QUIET_HOURS_END = "00:00"
    settings.CONSULT_REMINDER_LEAD_HOURS = [24, 2]


@pytest.fixture
def consult(db):
    with time_machine.travel(BOOKED, tick=False):
        return ConsultFactory(start=START, created_at=timezone.now())


def sweep_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return consult_reminders_send_due(now=timezone.now())


def reminders():
    return list(Message.objects.filter(kind="consult_reminder").order_by("created_at", "pk"))


def test_nothing_is_due_before_the_day_before(consult):
    assert sweep_at(START - timedelta(hours=24, minutes=1)) == 0


def test_day_before_reminder_goes_once_however_often_the_sweep_runs(consult):
    assert sweep_at(START - timedelta(hours=24)) == 1
    assert sweep_at(START - timedelta(hours=23, minutes=59)) == 0
    assert sweep_at(START - timedelta(hours=5)) == 0
    [reminder] = reminders()
    assert reminder.topic == f"consult:{consult.pk}"
    assert "Reply C to confirm, R to reschedule, X to cancel" in reminder.body
    assert "Thu 3 Dec, 11:00 AM" in reminder.body  # shown in the patient's zone


def test_two_hour_reminder_follows_the_day_before_one(consult):
    sweep_at(START - timedelta(hours=24))
    assert sweep_at(START - timedelta(hours=2)) == 1
    assert len(reminders()) == 2


def test_a_sweep_that_was_down_sends_only_the_reminder_still_relevant(consult):
    assert sweep_at(START - timedelta(hours=1)) == 1
    [reminder] = reminders()
    assert ":reminder:2h:" in reminder.idempotency_key


def test_no_reminder_once_the_consult_started(consult):
    assert sweep_at(START + timedelta(minutes=1)) == 0


def test_a_consult_booked_inside_the_day_before_window_gets_only_the_two_hour_reminder(db):
    booked = START - timedelta(hours=5)
    with time_machine.travel(booked, tick=False):
        ConsultFactory(start=START, created_at=timezone.now())
    assert sweep_at(START - timedelta(hours=4)) == 0
    assert sweep_at(START - timedelta(hours=2)) == 1


def test_cancelled_consult_gets_no_reminder_and_pending_ones_are_cancelled(consult, django_capture_on_commit_callbacks):
    sweep_at(START - timedelta(hours=24))
    with time_machine.travel(START - timedelta(hours=20), tick=False), django_capture_on_commit_callbacks(execute=True):
        consult_cancel(consult=consult, reason="feeling better", source="web")
    assert sweep_at(START - timedelta(hours=2)) == 0
    assert [m.status for m in reminders()] == [Status.CANCELED]


def test_rescheduled_consult_is_reminded_at_its_new_time(consult, django_capture_on_commit_callbacks):
    with time_machine.travel(BOOKED + timedelta(hours=1), tick=False), django_capture_on_commit_callbacks(execute=True):
        moved = consult_reschedule(consult=consult, new_start=START + timedelta(days=1), source="web")
    assert sweep_at(START - timedelta(hours=24)) == 0
    assert sweep_at(moved.start - timedelta(hours=24)) == 1


def test_late_reminder_ignores_quiet_hours_but_day_before_waits_for_morning(db, settings):
    settings.MESSAGING_QUIET_HOURS_START = "21:00"
    settings.MESSAGING_QUIET_HOURS_END = "08:00"
    early = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 07:30 in Kolkata
    with time_machine.travel(early - timedelta(days=3), tick=False):
        ConsultFactory(start=early, created_at=timezone.now())
    sweep_at(early - timedelta(hours=24))  # 07:30 the day before: still quiet
    sweep_at(early - timedelta(hours=2))  # 05:30: quiet, but the consult is soon
    day_before, two_hours = reminders()
    assert day_before.not_before == datetime(2026, 12, 2, 2, 30, tzinfo=UTC)  # 08:00 Kolkata
    assert two_hours.not_before <= early - timedelta(hours=2)


def test_due_reminders_cost_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    with time_machine.travel(BOOKED, tick=False):
        for offset in range(12):
            ConsultFactory(start=START + timedelta(minutes=30 * offset), created_at=timezone.now())
    # all 12 inside the 24 h window
    with time_machine.travel(START - timedelta(hours=18), tick=False), django_assert_max_num_queries(3):
        due = consult_reminders_due(now=timezone.now())
    assert len(due) == 12


def upcoming_reminders(consult, at: datetime) -> list[tuple[datetime | date, str]]:
    with time_machine.travel(at, tick=False):
        upcoming = follow_ups_overview(patient=consult.patient).upcoming
    return [(item.at, item.what) for item in upcoming if item.what.startswith("Consult reminder")]


def test_upcoming_lists_each_reminder_the_sweep_sends_at_its_moment(consult):
    listed = upcoming_reminders(consult, BOOKED + timedelta(minutes=1))
    assert listed == [
        (START - timedelta(hours=24), "Consult reminder, 24 h before"),
        (START - timedelta(hours=2), "Consult reminder, 2 h before"),
    ]
    assert [sweep_at(moment) for moment, _ in listed] == [1, 1]


def test_upcoming_lists_no_reminder_whose_moment_comes_before_the_booking(db):
    """The sweep's "booked before that moment" rule, read by the care record too: a booking stamped
    5 h before the start (its clock ahead of this reader's) gets no day-before reminder."""
    with time_machine.travel(START - timedelta(hours=5), tick=False):
        late = ConsultFactory(start=START, created_at=timezone.now())
    assert upcoming_reminders(late, START - timedelta(hours=30)) == [
        (START - timedelta(hours=2), "Consult reminder, 2 h before")
    ]
    assert sweep_at(START - timedelta(hours=24)) == 0


def test_the_every_minute_schedule_runs_the_follow_ups_sweep(db):
    [schedule] = Schedule.objects.filter(func__endswith="send_due_consult_reminders")
    assert schedule.func == "followups.tasks.send_due_consult_reminders"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)
