"""Weekly symptom check-in (patient-reported outcomes) over SMS/WhatsApp.

The questionnaire goes as one numbered message; answers may come all at once ("2 0 1 0 0 3") or one
per message (the session row remembers the next question), read by followups/checkin_replies.py.
Grades map one to one onto the record's CTCAE-like grades (1 mild, 2 moderate, 3 severe); 0 means
"none" and stores no report (the session keeps every answer, zeros included). A grade of 3, or a
red flag in the patient's own words, goes through symptom_report_record (urgent task) and the
patient gets the `call_clinic_now` message at once. An unreadable reply gets one clarifying
message; the next unreadable one goes to the coordinator's inbox unread.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from clinic.tasks import TaskBudget
from clinic.timezones import format_date
from followups.checkin_replies import parse_checkin_reply
from followups.dose_replies import normalize
from followups.models import CheckinPlan, CheckinSession, SessionStatus
from followups.pause import plans_due
from followups.plans import checkin_next_at
from followups.redflags import red_flags_in
from messaging.models import Message
from messaging.services import message_send
from patients.models import Channel, Note, Patient, ReportSource
from patients.services import symptom_report_record


@dataclass(frozen=True)
class Question:
    symptom: str  # patients.protocols symptom key
    en: str
    hi: str


QUESTIONS: list[Question] = [
    Question("nausea", "Nausea", "जी मिचलाना"),
    Question("swelling_mild", "Swelling", "सूजन"),
    Question("muscle_cramps", "Muscle cramps", "मांसपेशियों में ऐंठन"),
    Question("diarrhoea", "Diarrhoea", "दस्त"),
    Question("rash", "Rash", "चकत्ते"),
    Question("tiredness", "Tiredness", "थकान"),
]
GRADED = len(QUESTIONS)
ANYTHING_ELSE = GRADED + 1
NOTHING_ELSE = {
    "no",
    "nothing",
    "none",
    "nil",
    "na",
    "n a",
    "no thanks",
    "nothing else",
    "all good",
    "fine",
    "ok",
    "0",
    "नहीं",
    "नही",
    "कुछ नहीं",
    "कुछ नही",
    "nahi",
    "nahin",
    "kuch nahi",
    "kuchh nahi",
    "theek",
    "ठीक",
}
SESSION_DAYS = 3  # an unanswered check-in expires after this many days
CHUNK = 500


def checkin_key(patient_id: int, day) -> str:
    return f"checkin:{patient_id}:{day.isoformat()}"


def checkin_topic(session: CheckinSession) -> str:
    return f"checkin:{session.pk}"


def checkins_send_due(*, now: datetime, budget: TaskBudget | None = None) -> int:
    """Start every weekly check-in whose local time has come (one session + one message each)."""
    sent = 0
    while not (budget and budget.spent()):
        plans = plans_due(CheckinPlan, now=now, limit=CHUNK)
        if not plans:
            return sent
        with transaction.atomic():  # one commit per chunk (see medication.py)
            for plan in plans:
                if now - plan.next_at < timedelta(days=1):  # after a long outage, wait for next week
                    sent += checkin_start(plan=plan, now=now)
                plan.next_at = checkin_next_at(plan, plan.patient, after=max(now, plan.next_at))
            CheckinPlan.objects.bulk_update(plans, ["next_at"])
    return sent


def checkin_start(*, plan: CheckinPlan, now: datetime) -> bool:
    """Open this week's session and send the questionnaire; False if it was already started."""
    day = plan.next_at.astimezone(ZoneInfo(plan.patient.time_zone)).date()
    session, created = CheckinSession.objects.get_or_create(
        patient=plan.patient, occurs_on=day, defaults={"started_at": now}
    )
    if created:
        # A new week's check-in replaces one still open.
        CheckinSession.objects.filter(patient=plan.patient, status=SessionStatus.OPEN).exclude(pk=session.pk).update(
            status=SessionStatus.EXPIRED
        )
    message_send(
        patient=plan.patient,
        kind="checkin_questions",
        context={},
        idempotency_key=checkin_key(plan.patient_id, day),
        topic=checkin_topic(session),
    )
    return created


def checkins_expire(*, now: datetime) -> int:
    return CheckinSession.objects.filter(
        status=SessionStatus.OPEN, started_at__lt=now - timedelta(days=SESSION_DAYS)
    ).update(status=SessionStatus.EXPIRED)


def open_session(patient: Patient, at: datetime) -> CheckinSession | None:
    return (
        CheckinSession.objects.select_for_update()
        .filter(
            patient=patient,
            status=SessionStatus.OPEN,
            started_at__lte=at,
            started_at__gte=at - timedelta(days=SESSION_DAYS),
        )
        .order_by("-started_at")
        .first()
    )


def _reply(session: CheckinSession, inbound: Message, kind: str, context: dict, *, suffix: str = "") -> None:
    message_send(
        patient=session.patient,
        kind=kind,
        context=context,
        idempotency_key=f"checkin:reply:{inbound.pk}{suffix}",
        channel=inbound.channel,
        topic=f"{checkin_topic(session)}:reply",
        urgent=True,
    )


def _report_source(inbound: Message) -> str:
    return ReportSource.WHATSAPP if inbound.channel == Channel.WHATSAPP else ReportSource.SMS


def _escalate(session: CheckinSession, inbound: Message) -> None:
    """Tell the patient to call now (once per check-in) and mark the session urgent."""
    session.urgent = True
    message_send(
        patient=session.patient,
        kind="call_clinic_now",
        context={},
        idempotency_key=f"checkin:{session.pk}:call-now",
        channel=inbound.channel,
        topic=f"{checkin_topic(session)}:reply",
        urgent=True,
    )


def _record_red_flags(session: CheckinSession, inbound: Message, text: str) -> bool:
    flags = red_flags_in(text)
    for symptom in flags:
        # The patient did not grade it: grade 1 is the floor, urgency comes from the red flag itself.
        symptom_report_record(
            patient=session.patient,
            symptom=symptom,
            grade=1,
            source=_report_source(inbound),
            reported_at=inbound.created_at,
            note=f"Patient's words in the weekly check-in (not graded by the patient): {text}"[:2000],
        )
    if flags:
        _escalate(session, inbound)
    return bool(flags)


def checkin_reply(*, inbound: Message, only_if_readable: bool = False) -> bool:
    """Take the patient's next check-in answer(s); False leaves the message for a coordinator."""
    session = open_session(inbound.patient, inbound.created_at)
    if session is None:
        return False
    text = inbound.body or ""
    if session.next_question == ANYTHING_ELSE:
        if only_if_readable:
            return False
        return _anything_else(session, inbound, text)
    parsed = parse_checkin_reply(text, question_count=GRADED, next_question=session.next_question)
    if not parsed.ok:
        if only_if_readable:
            return False
        flagged = _record_red_flags(session, inbound, text)
        session.clarifications += 1
        session.save(update_fields=["clarifications", "urgent"])
        if session.clarifications == 1 and not flagged:
            _reply(session, inbound, "checkin_clarify", {"next_question": session.next_question})
            return True
        return False  # second unreadable reply, or red-flag words: a coordinator reads it
    new = {str(q): g for q, g in parsed.grades.items()}
    session.grades = {**session.grades, **new}
    urgent = False
    for question, grade in sorted(parsed.grades.items()):
        if grade >= 1:
            _, report_urgent = symptom_report_record(
                patient=session.patient,
                symptom=QUESTIONS[question - 1].symptom,
                grade=grade,
                source=_report_source(inbound),
                reported_at=inbound.created_at,
                note=f"Weekly check-in of {format_date(session.occurs_on)}, question {question}.",
            )
            urgent = urgent or report_urgent
    if urgent:
        _escalate(session, inbound)
    answered = {int(q) for q in session.grades}
    session.next_question = next((q for q in range(1, GRADED + 1) if q not in answered), ANYTHING_ELSE)
    session.save(update_fields=["grades", "next_question", "urgent"])
    if session.next_question == ANYTHING_ELSE:
        _reply(session, inbound, "checkin_anything_else", {})
    else:
        question = QUESTIONS[session.next_question - 1]
        _reply(
            session,
            inbound,
            "checkin_next",
            {"number": session.next_question, "label_en": question.en, "label_hi": question.hi},
        )
    return True


def _anything_else(session: CheckinSession, inbound: Message, text: str) -> bool:
    comment = text.strip()
    if normalize(comment) not in NOTHING_ELSE and comment:
        session.comment = comment[:2000]
        _record_red_flags(session, inbound, comment)
        asked_on = format_date(session.occurs_on)
        Note.objects.create(
            patient=session.patient,
            author=None,
            author_name="Weekly check-in",
            body=f'Patient\'s answer to "anything else?" ({asked_on}): {comment}',
        )
    session.status, session.completed_at = SessionStatus.COMPLETED, inbound.created_at
    session.save(update_fields=["comment", "status", "completed_at", "urgent"])
    _reply(session, inbound, "checkin_thanks", {"urgent": session.urgent})
    return True


def checkin_sessions_recent(patient: Patient, *, limit: int = 4) -> list[CheckinSession]:
    return list(CheckinSession.objects.filter(patient=patient).order_by("-occurs_on", "-id")[:limit])
