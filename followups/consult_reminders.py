"""Consult reminders: "your consult is tomorrow / in two hours — reply C, R or X".

Follow-ups own the rule (when a consult is reminded) and the sweep; consults only handle the C/R/X
answers (consults/replies.py). The care record's "upcoming" list reads the same rule
(`consult_reminder_moments`), so it never announces a reminder the sweep will not send.

A due-time sweep (django-q2 Schedule, every minute) sends each reminder once: the idempotency key
names the consult, its start time and the lead time, so restarts, retries and overlapping sweeps
never send twice, and a rescheduled consult (new start) gets its own reminders. Cancelled consults
are simply no longer selected; consult_cancel cancels their queued messages in its transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from consults.message_context import consult_message_context
from consults.models import Consult, ConsultStatus
from followups.pause import paused_patient_ids
from messaging.models import Message
from messaging.services import message_send


@dataclass(frozen=True)
class DueReminder:
    consult: Consult
    lead: timedelta

    @property
    def idempotency_key(self) -> str:
        hours = int(self.lead.total_seconds() // 3600)
        return f"consult:{self.consult.pk}:reminder:{hours}h:{self.consult.start:%Y%m%dT%H%MZ}"


def reminder_leads() -> list[timedelta]:
    """Configured lead times, longest first (CONSULT_REMINDER_LEAD_HOURS, default 24 and 2)."""
    return sorted((timedelta(hours=h) for h in settings.CONSULT_REMINDER_LEAD_HOURS), reverse=True)


def _booked_before(consult: Consult, lead: timedelta) -> bool:
    """A consult booked after its reminder's moment has its confirmation fresh in mind: no such reminder."""
    return consult.created_at <= consult.start - lead


def consult_reminder_moments(consult: Consult) -> list[tuple[datetime, timedelta]]:
    """(moment, lead) of each reminder the consult gets, longest lead first: `start - lead` for every
    configured lead the consult was booked before."""
    return [(consult.start - lead, lead) for lead in reminder_leads() if _booked_before(consult, lead)]


def consult_reminders_due(*, now: datetime) -> list[DueReminder]:
    """Reminders whose time has come and that were not sent yet; one query per lead time plus one.

    A reminder is due from `start - lead` until the next shorter reminder takes over (or the
    consult starts), and only for consults booked before that moment: a consult booked three
    hours ahead has its confirmation fresh in mind and gets only the two-hour reminder.
    """
    leads = reminder_leads()
    due: list[DueReminder] = []
    for index, lead in enumerate(leads):
        shorter = leads[index + 1] if index + 1 < len(leads) else timedelta(0)
        consults = (
            Consult.objects.filter(
                status=ConsultStatus.CONFIRMED,
                start__lte=now + lead,
                start__gt=now + shorter,
                created_at__lte=now,
            )
            # Paused follow-ups (e.g. in hospital): no reminder; one still due after resuming goes then.
            .exclude(patient_id__in=paused_patient_ids())
            .select_related("patient", "expert")
            .order_by("start")
        )
        due += [DueReminder(consult, lead) for consult in consults if _booked_before(consult, lead)]
    sent = set(
        Message.objects.filter(idempotency_key__in=[item.idempotency_key for item in due]).values_list(
            "idempotency_key", flat=True
        )
    )
    return [item for item in due if item.idempotency_key not in sent]


def consult_reminders_send_due(*, now: datetime) -> int:
    """Queue every due consult reminder; returns how many messages were written."""
    count = 0
    for item in consult_reminders_due(now=now):
        consult = item.consult
        with transaction.atomic():
            message_send(
                patient=consult.patient,
                kind="consult_reminder",
                context=consult_message_context(consult, links=False),
                idempotency_key=item.idempotency_key,
                topic=f"consult:{consult.pk}",
                # A reminder deferred past the consult by quiet hours would be useless: the
                # two-hour one goes at once, the day-before one waits for morning.
                urgent=item.lead <= timedelta(hours=settings.CONSULT_REMINDER_URGENT_BELOW_HOURS),
            )
        count += 1
    return count
