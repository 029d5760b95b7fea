"""Daily dose reminders: sweep, reply (TAKEN / MISSED), cut-off to "not confirmed", adherence.

A reminder's idempotency key names the patient and the local day, so overlapping sweeps, retries
and restarts never send twice; the plan's `next_at` moves to the next local occurrence after each
send. Three consecutive "not confirmed" days open one coordinator task (idempotent on the plan).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from clinic.tasks import TaskBudget
from followups.dose_replies import TAKEN
from followups.models import DoseRecord, DoseStatus, MedicationReminderPlan
from followups.pause import paused_patient_ids, plans_due
from followups.plans import medication_next_at
from messaging.models import Message
from messaging.services import message_send
from patients.models import Patient, TaskPriority, TaskSource
from patients.services import care_task_open

UNCONFIRMED_STREAK = 3
STREAK_LOOKBACK_DAYS = 14  # local days; the dates a streak may span (plus time-zone slack)
CHUNK = 500


def reminder_key(patient_id: int, day: date) -> str:
    return f"medication:{patient_id}:{day.isoformat()}"


def medication_topic(patient_id: int) -> str:
    return f"medication:{patient_id}"


def medication_reminders_send_due(*, now: datetime, budget: TaskBudget | None = None) -> int:
    """Send every dose reminder whose local time has come; returns how many messages were written.

    Queries per chunk of 500 plans: plans, existing keys, then message_send per reminder, one bulk
    insert of dose records and one bulk update of next reminder times.
    """
    sent = 0
    while not (budget and budget.spent()):
        plans = plans_due(MedicationReminderPlan, now=now, limit=CHUNK)
        if not plans:
            return sent
        due = {plan.pk: plan.next_at.astimezone(ZoneInfo(plan.patient.time_zone)).date() for plan in plans}
        written = set(
            Message.objects.filter(
                idempotency_key__in=[reminder_key(p.patient_id, due[p.pk]) for p in plans]
            ).values_list("idempotency_key", flat=True)
        )
        records = []
        # One transaction per chunk, not per message: a commit each (an fsync on SQLite) dominated the
        # sweep's time. A programming error in one message rolls back its chunk, which the next run retries.
        with transaction.atomic():
            for plan in plans:
                day, key = due[plan.pk], reminder_key(plan.patient_id, due[plan.pk])
                confirm_by = plan.next_at + timedelta(hours=plan.cutoff_hours)
                if key not in written and now < confirm_by:  # a reminder after the cut-off is pointless
                    message_send(
                        patient=plan.patient,
                        kind="medication_reminder",
                        context={},
                        idempotency_key=key,
                        topic=medication_topic(plan.patient_id),
                    )
                    records.append(
                        DoseRecord(patient_id=plan.patient_id, day=day, reminded_at=now, confirm_by=confirm_by)
                    )
                    sent += 1
                plan.next_at = medication_next_at(plan, plan.patient, after=max(now, plan.next_at))
            DoseRecord.objects.bulk_create(records, ignore_conflicts=True)
            MedicationReminderPlan.objects.bulk_update(plans, ["next_at"])
    return sent


def doses_mark_unconfirmed(*, now: datetime) -> int:
    """Past the cut-off with no reply: "not confirmed"; a third such day in a row opens a task."""
    with transaction.atomic():
        pending = list(
            DoseRecord.objects.select_for_update()
            .filter(status=DoseStatus.PENDING, confirm_by__lte=now)
            .values_list("pk", "patient_id")
        )
        if not pending:
            return 0
        DoseRecord.objects.filter(pk__in=[pk for pk, _ in pending]).update(status=DoseStatus.NOT_CONFIRMED)
    patients = {patient_id for _, patient_id in pending}
    for patient_id in adherence_gaps(patient_ids=patients, now=now):
        patient = Patient.objects.select_related("coordinator").get(pk=patient_id)
        plan = MedicationReminderPlan.objects.get(patient=patient)
        care_task_open(
            patient=patient,
            priority=TaskPriority.HIGH,
            due=now,
            source_kind=TaskSource.ADHERENCE,
            source_id=plan.pk,
            title=f"Doses not confirmed {UNCONFIRMED_STREAK} days in a row: call the patient",
            detail="No reply to the daily dose reminder by the cut-off on each of the last "
            f"{UNCONFIRMED_STREAK} reminded days. Check adherence and whether reminders reach the patient.",
        )
    return len(pending)


def adherence_gaps(*, patient_ids: set[int], now: datetime) -> list[int]:
    """Patients (not paused) whose last three reminded days were all "not confirmed"; one query.

    Reads only the last STREAK_LOOKBACK_DAYS of dose records (the (patient, day) unique index
    bounds the scan), not every patient's whole history: three days without a reply spread over
    more than two weeks are not "in a row".
    """
    since = (now - timedelta(days=STREAK_LOOKBACK_DAYS)).date()
    rows = (
        DoseRecord.objects.filter(patient_id__in=patient_ids, day__gte=since)
        .exclude(patient_id__in=paused_patient_ids())
        .order_by("patient_id", "-day")
        .values_list("patient_id", "status")
    )
    latest: dict[int, list[str]] = {}
    for patient_id, status in rows:
        statuses = latest.setdefault(patient_id, [])
        if len(statuses) < UNCONFIRMED_STREAK:
            statuses.append(status)
    return sorted(
        pid
        for pid, statuses in latest.items()
        if len(statuses) == UNCONFIRMED_STREAK and all(s == DoseStatus.NOT_CONFIRMED for s in statuses)
    )


def dose_answer_record(*, patient: Patient, answer: str, inbound: Message) -> DoseRecord | None:
    """Record TAKEN / MISSED for the latest reminded day and answer the patient; None if never reminded."""
    record = (
        DoseRecord.objects.select_for_update()
        .filter(patient=patient, reminded_at__lte=inbound.created_at)
        .order_by("-day")
        .first()
    )
    if record is None:
        return None
    if record.status != DoseStatus.TAKEN or answer == TAKEN:
        record.status = DoseStatus.TAKEN if answer == TAKEN else DoseStatus.MISSED
        record.answered_at, record.reply_message_id = inbound.created_at, inbound.pk
        record.save(update_fields=["status", "answered_at", "reply_message_id"])
    message_send(
        patient=patient,
        kind="medication_taken_ack" if answer == TAKEN else "medication_missed_dose",
        context={},
        idempotency_key=f"medication:reply:{inbound.pk}",
        channel=inbound.channel,
        topic=f"medication:{patient.pk}:reply",
        urgent=True,  # the patient is waiting for the answer
    )
    return record


@dataclass(frozen=True)
class Adherence:
    taken: int
    answered_days: int  # taken + missed + not confirmed (pending days are not counted yet)
    missed: int
    not_confirmed: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.taken / self.answered_days) if self.answered_days else None


def weekly_adherence(*, patient: Patient, today: date) -> Adherence:
    """Doses confirmed taken over the last 7 local days (today included) among days that are settled."""
    counts = DoseRecord.objects.filter(patient=patient, day__gt=today - timedelta(days=7), day__lte=today).aggregate(
        taken=Count("pk", filter=Q(status=DoseStatus.TAKEN)),
        missed=Count("pk", filter=Q(status=DoseStatus.MISSED)),
        not_confirmed=Count("pk", filter=Q(status=DoseStatus.NOT_CONFIRMED)),
    )
    settled = counts["taken"] + counts["missed"] + counts["not_confirmed"]
    return Adherence(
        taken=counts["taken"], answered_days=settled, missed=counts["missed"], not_confirmed=counts["not_confirmed"]
    )


def patient_today(patient: Patient) -> date:
    return timezone.now().astimezone(ZoneInfo(patient.time_zone)).date()
