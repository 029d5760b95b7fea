"""Weekly symptom check-in: sent once a week at local time, answers all at once or one by one,
grade 3 and red-flag words escalate, unreadable replies get one clarification then go to the inbox."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from followups.checkin_replies import parse_checkin_reply
from followups.checkins import ANYTHING_ELSE, checkins_send_due
from followups.models import CheckinSession, SessionStatus
from followups.plans import checkin_plan_save
from followups.redflags import red_flags_in
from followups.replies import follow_up_reply
from patients.models import CareTask, Note, SymptomReport
from tests.followups.conftest import make_inbound, mark_accepted, outbound

MONDAY_10_KOLKATA = datetime(2026, 6, 1, 4, 30, tzinfo=UTC)


@pytest.fixture
def started(patient):
    with time_machine.travel(MONDAY_10_KOLKATA - timedelta(days=2), tick=False):
        checkin_plan_save(patient=patient, active=True, weekday=0, local_time=time(10, 0))
    with time_machine.travel(MONDAY_10_KOLKATA, tick=False):
        assert checkins_send_due(now=timezone.now()) == 1
    return CheckinSession.objects.get(patient=patient)


def answer(patient, body: str, minutes: int = 5) -> bool:
    prompt = mark_accepted(outbound(patient=patient)[-1])
    with time_machine.travel(MONDAY_10_KOLKATA + timedelta(minutes=minutes), tick=False):
        return follow_up_reply(inbound=make_inbound(patient, body), prompt=prompt)


def test_check_in_goes_weekly_at_local_time_and_once(patient):
    with time_machine.travel(MONDAY_10_KOLKATA - timedelta(days=2), tick=False):
        checkin_plan_save(patient=patient, active=True, weekday=0, local_time=time(10, 0))
    for moment, expected in [
        (MONDAY_10_KOLKATA - timedelta(minutes=1), 0),
        (MONDAY_10_KOLKATA, 1),
        (MONDAY_10_KOLKATA + timedelta(minutes=5), 0),
        (MONDAY_10_KOLKATA + timedelta(days=6, hours=23), 0),
        (MONDAY_10_KOLKATA + timedelta(days=7), 1),
    ]:
        with time_machine.travel(moment, tick=False):
            assert checkins_send_due(now=timezone.now()) == expected
    [first, second] = outbound("checkin_questions")
    assert "1 Nausea" in first.body
    assert "6 Tiredness" in first.body
    assert first.idempotency_key != second.idempotency_key


def test_all_answers_at_once_store_reports_for_non_zero_grades(started, patient):
    assert answer(patient, "2 0 1 0 0 2") is True
    started.refresh_from_db()
    assert started.grades == {"1": 2, "2": 0, "3": 1, "4": 0, "5": 0, "6": 2}
    assert started.next_question == ANYTHING_ELSE
    assert sorted(SymptomReport.objects.values_list("symptom", "grade")) == [
        ("muscle_cramps", 1),
        ("nausea", 2),
        ("tiredness", 2),
    ]
    assert outbound("checkin_anything_else")
    assert not outbound("call_clinic_now")
    assert answer(patient, "no", minutes=6) is True
    started.refresh_from_db()
    assert started.status == SessionStatus.COMPLETED
    assert outbound("checkin_thanks")


def test_one_answer_per_message_asks_the_next_question(started, patient):
    for minute, body in enumerate(["1", "0", "२"], start=1):  # Devanagari two
        assert answer(patient, body, minutes=minute) is True
    started.refresh_from_db()
    assert started.grades == {"1": 1, "2": 0, "3": 2}
    assert started.next_question == 4
    assert "Question 4: Diarrhoea" in outbound("checkin_next")[-1].body


def test_grade_three_opens_urgent_task_and_tells_patient_to_call(started, patient, settings):
    assert answer(patient, "0 0 0 3 0 0") is True
    task = CareTask.objects.get(source_kind="symptom")
    assert task.priority == "urgent"
    [call] = outbound("call_clinic_now")
    assert settings.CLINIC_PHONE in call.body
    assert call.urgent
    started.refresh_from_db()
    assert started.urgent


def test_unreadable_reply_gets_one_clarification_then_goes_to_inbox(started, patient):
    assert answer(patient, "not sure what to say", minutes=1) is True
    assert len(outbound("checkin_clarify")) == 1
    assert answer(patient, "still confused", minutes=2) is False
    assert len(outbound("checkin_clarify")) == 1


def test_red_flag_words_in_anything_else_escalate_and_are_kept(started, patient):
    answer(patient, "0 0 0 0 0 0", minutes=1)
    assert answer(patient, "I had a fever last night and my eyes look yellow", minutes=2) is True
    flagged = set(SymptomReport.objects.filter(is_urgent=True).values_list("symptom", flat=True))
    assert flagged == {"fever_infection", "jaundice"}
    assert outbound("call_clinic_now")
    assert Note.objects.filter(patient=patient, body__contains="fever").exists()
    started.refresh_from_db()
    assert started.status == SessionStatus.COMPLETED
    assert "fever" in started.comment


def test_red_flag_words_in_an_unreadable_answer_escalate_and_reach_the_inbox(started, patient):
    assert answer(patient, "chest pain since morning") is False
    assert SymptomReport.objects.get().symptom == "chest_pain"
    assert outbound("call_clinic_now")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no fever, all fine", []),
        ("black stools today", ["black_stools"]),
        ("मुझे बुखार है", ["fever_infection"]),
        ("सीने में दर्द", ["chest_pain"]),
        ("I fainted and feel breathless", ["fainting", "shortness_of_breath"]),
        ("sudden swelling in legs", ["rapid_weight_gain"]),
        ("bleeding gums", ["bleeding_bruising"]),
        ("feeling ok", []),
    ],
)
def test_red_flag_keywords(text, expected):
    assert red_flags_in(text) == expected


# NUL and lone surrogates never reach us: an HTTP form cannot carry them and PostgreSQL text cannot hold them.
PATIENT_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        PATIENT_TEXT, st.lists(st.integers(0, 5), min_size=1, max_size=8).map(lambda g: " ".join(map(str, g)))
    )
)
def test_any_reply_never_crashes_and_never_misgrades(started, patient, body):
    CheckinSession.objects.filter(pk=started.pk).update(
        status=SessionStatus.OPEN, grades={}, next_question=1, clarifications=0
    )
    SymptomReport.objects.all().delete()
    answer(patient, body)
    session = CheckinSession.objects.get(pk=started.pk)
    parsed = parse_checkin_reply(body, question_count=6, next_question=1)
    expected = {str(q): g for q, g in parsed.grades.items()} if parsed.ok else {}
    assert session.grades == expected
    graded = {
        (s, g)
        for s, g in SymptomReport.objects.exclude(note__startswith="Patient's words").values_list("symptom", "grade")
    }
    symptoms = ["nausea", "swelling_mild", "muscle_cramps", "diarrhoea", "rash", "tiredness"]
    assert graded == {(symptoms[q - 1], g) for q, g in parsed.grades.items() if g >= 1} if parsed.ok else not graded
