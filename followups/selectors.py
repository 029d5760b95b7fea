"""Reads for the care record panel and the API: a patient's upcoming and recent follow-ups.

`follow_ups_overview` runs a fixed number of queries (eight) whatever the patient's history.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from clinic.timezones import clinic_today, format_date
from consults.models import Consult, ConsultStatus
from followups.checkins import checkin_sessions_recent
from followups.consult_reminders import consult_reminder_moments
from followups.kinds import FOLLOW_UP_KINDS, REPLY_KINDS
from followups.medication import Adherence, patient_today, weekly_adherence
from followups.models import CheckinPlan, CheckinSession, FollowUpPause, MedicationReminderPlan
from followups.pause import active_pause
from followups.resources import resource_follow_up_key
from messaging.models import Direction, Message
from patients.models import AssignmentStatus, ItemStatus, MonitoringItem, Patient, ResourceAssignment

RECENT = 12


@dataclass(frozen=True)
class Upcoming:
    at: datetime | date
    what: str


@dataclass
class FollowUpsOverview:
    pause: FollowUpPause | None
    medication_plan: MedicationReminderPlan | None
    checkin_plan: CheckinPlan | None
    adherence: Adherence
    sessions: list[CheckinSession]
    upcoming: list[Upcoming] = field(default_factory=list)
    recent: list[Message] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "paused": self.pause is not None,
            "pause_reason": self.pause.reason if self.pause else "",
            "paused_at": self.pause.paused_at if self.pause else None,
            "medication_plan": None
            if self.medication_plan is None
            else {
                "active": self.medication_plan.active,
                "local_time": self.medication_plan.local_time,
                "cutoff_hours": self.medication_plan.cutoff_hours,
                "next_at": self.medication_plan.next_at,
            },
            "checkin_plan": None
            if self.checkin_plan is None
            else {
                "active": self.checkin_plan.active,
                "weekday": self.checkin_plan.weekday,
                "local_time": self.checkin_plan.local_time,
                "next_at": self.checkin_plan.next_at,
            },
            "adherence_week": {
                "percent": self.adherence.percent,
                "taken": self.adherence.taken,
                "missed": self.adherence.missed,
                "not_confirmed": self.adherence.not_confirmed,
                "days": self.adherence.answered_days,
            },
            "checkins": [
                {
                    "occurs_on": s.occurs_on,
                    "status": s.status,
                    "grades": s.grades,
                    "comment": s.comment,
                    "urgent": s.urgent,
                }
                for s in self.sessions
            ],
            "upcoming": [{"at": u.at, "what": u.what} for u in self.upcoming],
            "recent": [
                {
                    "id": m.pk,
                    "kind": m.kind,
                    "status": m.status,
                    "status_reason": m.status_reason,
                    "channel": m.channel,
                    "created_at": m.created_at,
                    "not_before": m.not_before,
                }
                for m in self.recent
            ],
        }


def _resource_follow_ups(patient: Patient, now: datetime) -> list[Upcoming]:
    """Referrals whose "did you reach them?" message is still to come (see followups/resources.py)."""
    wait = timedelta(days=settings.FOLLOWUPS_RESOURCE_FOLLOW_UP_DAYS)
    referrals = list(
        ResourceAssignment.objects.filter(patient=patient, status=AssignmentStatus.REFERRED)
        .select_related("resource")
        .order_by("created_at")[:5]
    )
    written = set(
        Message.objects.filter(idempotency_key__in=[resource_follow_up_key(a) for a in referrals]).values_list(
            "idempotency_key", flat=True
        )
    )
    return [
        Upcoming(max(a.created_at + wait, now), f"Follow-up on referral to {a.resource.name}")
        for a in referrals
        if resource_follow_up_key(a) not in written
    ]


def _upcoming(
    patient: Patient, medication: MedicationReminderPlan | None, checkin: CheckinPlan | None, now: datetime
) -> list[Upcoming]:
    upcoming: list[Upcoming] = []
    if medication and medication.active and medication.next_at:
        upcoming.append(Upcoming(medication.next_at, "Dose reminder (daily)"))
    if checkin and checkin.active and checkin.next_at:
        upcoming.append(Upcoming(checkin.next_at, "Weekly symptom check-in"))
    today = clinic_today(now)
    before = settings.FOLLOWUPS_MONITORING_DAYS_BEFORE
    for item in MonitoringItem.objects.filter(
        patient=patient, status=ItemStatus.PLANNED, window_ends_on__gte=today
    ).order_by("due_on")[:3]:
        reminder_on = max(item.due_on - timedelta(days=before), today)
        upcoming.append(Upcoming(reminder_on, f"Reminder: {item.get_kind_display()} due {format_date(item.due_on)}"))
        upcoming.append(
            Upcoming(item.window_ends_on + timedelta(days=1), f"Overdue nudge if {item.get_kind_display()} is not done")
        )
    for consult in Consult.objects.filter(patient=patient, status=ConsultStatus.CONFIRMED, start__gt=now)[:2]:
        for at, lead in consult_reminder_moments(consult):  # the sweep's own rule
            if at > now:
                upcoming.append(Upcoming(at, f"Consult reminder, {int(lead / timedelta(hours=1))} h before"))
    upcoming += _resource_follow_ups(patient, now)

    def moment(u: Upcoming) -> datetime:
        return u.at if isinstance(u.at, datetime) else datetime.combine(u.at, datetime.min.time(), tzinfo=now.tzinfo)

    return sorted(upcoming, key=moment)


def follow_ups_overview(*, patient: Patient) -> FollowUpsOverview:
    """Pause state, plans, this week's adherence, recent check-ins, upcoming and recent follow-ups."""
    now = timezone.now()
    medication = MedicationReminderPlan.objects.filter(patient=patient).first()
    checkin = CheckinPlan.objects.filter(patient=patient).first()
    recent = list(
        Message.objects.filter(
            patient=patient, direction=Direction.OUTBOUND, kind__in=FOLLOW_UP_KINDS | REPLY_KINDS
        ).order_by("-created_at", "-pk")[:RECENT]
    )
    return FollowUpsOverview(
        pause=active_pause(patient),
        medication_plan=medication,
        checkin_plan=checkin,
        adherence=weekly_adherence(patient=patient, today=patient_today(patient)),
        sessions=checkin_sessions_recent(patient),
        upcoming=_upcoming(patient, medication, checkin, now),
        recent=recent,
    )
