"""Daily dose reminders: local time across DST, once per day, TAKEN / MISSED replies, cut-off, streak task."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from followups.dose_replies import MISSED, TAKEN, dose_answer
from followups.medication import (
    adherence_gaps,
    doses_mark_unconfirmed,
    medication_reminders_send_due,
    weekly_adherence,
)
from followups.models import DoseRecord, DoseStatus
from followups.plans import medication_plan_save
from followups.replies import follow_up_reply
from patients.models import CareTask
from tests.followups.conftest import make_inbound, mark_accepted, outbound

# Europe/London: BST starts Sunday 29 March 2026 01:00 UTC, ends Sunday 25 October 2026 01:00 UTC.
BEFORE_SPRING = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


def sweep(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return medication_reminders_send_due(now=timezone.now())


@pytest.fixture
def london_plan(london):
    with time_machine.travel(BEFORE_SPRING, tick=False):
        return medication_plan_save(patient=london, active=True, local_time=time(8, 0), cutoff_hours=12)


def test_reminder_follows_local_clock_across_spring_forward(london_plan):
    # 08:00 GMT = 08:00 UTC on Saturday; 08:00 BST = 07:00 UTC on Sunday and Monday.
    expected = [
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
    ]
    for moment in expected:
        assert sweep(moment - timedelta(minutes=1)) == 0
        assert sweep(moment) == 1
    days = [m.idempotency_key.rsplit(":", 1)[1] for m in outbound("medication_reminder")]
    assert days == ["2026-03-28", "2026-03-29", "2026-03-30"]


def test_reminder_follows_local_clock_across_autumn_fall_back(london):
    with time_machine.travel(datetime(2026, 10, 23, 12, 0, tzinfo=UTC), tick=False):
        medication_plan_save(patient=london, active=True, local_time=time(1, 30), cutoff_hours=12)
    # 01:30 on the fall-back night happens twice; the reminder goes at the first one only.
    assert sweep(datetime(2026, 10, 24, 0, 30, tzinfo=UTC)) == 1  # Saturday 01:30 BST
    assert sweep(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == 1  # Sunday, first 01:30 (BST)
    assert sweep(datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == 0  # the repeated 01:30 (GMT)
    assert sweep(datetime(2026, 10, 26, 1, 30, tzinfo=UTC)) == 1  # Monday 01:30 GMT
    assert DoseRecord.objects.filter(patient=london).count() == 3


def test_duplicate_and_overlapping_sweeps_send_once(london_plan):
    moment = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    assert sweep(moment) == 1
    assert sweep(moment) == 0
    assert sweep(moment + timedelta(minutes=5)) == 0
    # A sweep that read the plan before the first one advanced it (overlap) still cannot send twice.
    london_plan.refresh_from_db()
    type(london_plan).objects.filter(pk=london_plan.pk).update(next_at=moment)
    assert sweep(moment + timedelta(minutes=6)) == 0
    assert len(outbound("medication_reminder")) == 1
    assert DoseRecord.objects.count() == 1


def test_reminder_text_never_names_the_medicine(london_plan):
    sweep(datetime(2026, 3, 28, 8, 0, tzinfo=UTC))
    [message] = outbound("medication_reminder")
    assert message.status == "queued"
    assert "imatinib" not in message.body.lower()
    assert "meal" in message.body
    assert "TAKEN" in message.body


def test_a_reminder_past_the_cut_off_is_skipped_after_an_outage(london_plan):
    assert sweep(datetime(2026, 3, 28, 21, 0, tzinfo=UTC)) == 0  # 13 h late, cut-off 12 h
    london_plan.refresh_from_db()
    assert london_plan.next_at == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def _reply(patient, body, moment):
    prompt = mark_accepted(outbound("medication_reminder", patient)[-1])
    with time_machine.travel(moment, tick=False):
        inbound = make_inbound(patient, body)
        return follow_up_reply(inbound=inbound, prompt=prompt)


@pytest.mark.parametrize("body", ["TAKEN", "taken.", " Taken ", "took it", "ले ली", "le liya", "✅"])
def test_taken_records_the_local_day_and_thanks(london_plan, london, body):
    sweep(datetime(2026, 3, 28, 8, 0, tzinfo=UTC))
    assert _reply(london, body, datetime(2026, 3, 28, 9, 0, tzinfo=UTC)) is True
    record = DoseRecord.objects.get(patient=london)
    assert (record.day, record.status) == (date(2026, 3, 28), DoseStatus.TAKEN)
    assert outbound("medication_taken_ack")


@pytest.mark.parametrize("body", ["MISSED", "forgot", "not taken", "भूल गया"])
def test_missed_gets_the_missed_dose_rule(london_plan, london, body):
    sweep(datetime(2026, 3, 28, 8, 0, tzinfo=UTC))
    assert _reply(london, body, datetime(2026, 3, 28, 9, 0, tzinfo=UTC)) is True
    assert DoseRecord.objects.get(patient=london).status == DoseStatus.MISSED
    [rule] = outbound("medication_missed_dose")
    assert "Never take two doses together" in rule.body
    assert rule.urgent


def test_other_text_goes_to_the_inbox(london_plan, london):
    sweep(datetime(2026, 3, 28, 8, 0, tzinfo=UTC))
    assert _reply(london, "I feel dizzy today", datetime(2026, 3, 28, 9, 0, tzinfo=UTC)) is False
    assert DoseRecord.objects.get(patient=london).status == DoseStatus.PENDING


def test_three_unconfirmed_days_open_one_task(london_plan, london):
    for day in (28, 29, 30):
        moment = datetime(2026, 3, day, 8, 0, tzinfo=UTC)
        sweep(moment)
        with time_machine.travel(moment + timedelta(hours=13), tick=False):
            doses_mark_unconfirmed(now=timezone.now())
        if day < 30:
            assert not CareTask.objects.filter(source_kind="adherence").exists()
    task = CareTask.objects.get(source_kind="adherence")
    assert task.source_id == london_plan.pk
    assert task.assignee == london.coordinator
    # A fourth day does not open a second task.
    sweep(datetime(2026, 3, 31, 7, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 3, 31, 20, 0, tzinfo=UTC), tick=False):
        doses_mark_unconfirmed(now=timezone.now())
    assert CareTask.objects.filter(source_kind="adherence").count() == 1


def test_weekly_adherence_counts_settled_days(london):
    now = timezone.now()
    statuses = [DoseStatus.TAKEN] * 4 + [DoseStatus.MISSED, DoseStatus.NOT_CONFIRMED, DoseStatus.PENDING]
    for offset, status in enumerate(statuses):
        DoseRecord.objects.create(
            patient=london,
            day=date(2026, 3, 24) + timedelta(days=offset),
            status=status,
            reminded_at=now,
            confirm_by=now,
        )
    adherence = weekly_adherence(patient=london, today=date(2026, 3, 30))
    assert (adherence.taken, adherence.answered_days, adherence.percent) == (4, 6, 67)


def test_sweep_queries_stay_fixed_per_reminder(db, django_assert_max_num_queries):
    from tests.factories.people import PatientFactory

    with time_machine.travel(BEFORE_SPRING, tick=False):
        for _ in range(12):
            medication_plan_save(patient=PatientFactory(time_zone="Europe/London"), active=True, local_time=time(8, 0))
    # Per reminder: message_send (key check, template, conversation get + create, pause guard, insert,
    # conversation update, savepoints); per batch of 500: plans, keys, bulk insert, bulk update.
    with django_assert_max_num_queries(12 * 16 + 10):
        assert sweep(datetime(2026, 3, 28, 8, 0, tzinfo=UTC)) == 12


@hsettings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_dose_answer_never_crashes_and_never_reads_a_negation_as_taken(text):
    answer = dose_answer(text)
    assert answer in (None, TAKEN, MISSED)
    lowered = text.casefold()
    if "not" in lowered.split() or "didn" in lowered or "नहीं" in text:
        assert answer != TAKEN


@given(st.sampled_from(["taken", "TAKEN", "Taken!", "taken ✅"]), st.sampled_from(["", " ", "  ", "\n"]))
def test_taken_variants_with_spacing(word, pad):
    assert dose_answer(pad + word + pad) == TAKEN


def _doses(patient, days: list[date], status: str) -> None:
    reminded = datetime(2026, 1, 1, tzinfo=UTC)
    DoseRecord.objects.bulk_create(
        [DoseRecord(patient=patient, day=day, status=status, reminded_at=reminded, confirm_by=reminded) for day in days]
    )


def test_adherence_gaps_reads_only_the_recent_window(london, django_assert_num_queries):
    today = date(2026, 3, 30)
    _doses(london, [today - timedelta(days=n) for n in range(30, 400)], DoseStatus.TAKEN)
    _doses(london, [today - timedelta(days=n) for n in range(3)], DoseStatus.NOT_CONFIRMED)
    with django_assert_num_queries(1) as captured:
        gaps = adherence_gaps(patient_ids={london.pk}, now=datetime(2026, 3, 30, 20, 0, tzinfo=UTC))
    assert gaps == [london.pk]
    assert '"day" >=' in captured.captured_queries[0]["sql"]


def test_an_old_unconfirmed_streak_outside_the_window_opens_nothing(london):
    _doses(london, [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)], DoseStatus.NOT_CONFIRMED)
    assert adherence_gaps(patient_ids={london.pk}, now=datetime(2026, 3, 30, 20, 0, tzinfo=UTC)) == []
