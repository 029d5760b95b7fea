"""Pausing every automated follow-up for a patient (e.g. in hospital) and resuming them.

While paused: sweeps skip the patient, the messaging send guard blocks any follow-up kind with the
reason, and what was already queued is cancelled at the moment of pausing. Answers to the
patient's own messages still go. Every pause and resume is audited.
"""

from datetime import datetime
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from followups.kinds import FOLLOW_UP_KINDS, PAUSED_REASON
from followups.models import CheckinPlan, FollowUpPause, MedicationReminderPlan
from followups.plans import checkin_next_at, medication_next_at
from messaging.models import Direction, Message, Status
from patients.audit import audit_record
from patients.capabilities import can_pause_follow_ups
from patients.models import AuditAction, Patient

_Plan = TypeVar("_Plan", MedicationReminderPlan, CheckinPlan)


def active_pause(patient: Patient) -> FollowUpPause | None:
    return FollowUpPause.objects.filter(patient=patient, resumed_at__isnull=True).first()


def paused_patient_ids() -> QuerySet:
    """Subquery of patients whose follow-ups are paused (use as `exclude(patient_id__in=...)`)."""
    return FollowUpPause.objects.filter(resumed_at__isnull=True).values("patient_id")


def plans_due(model: type[_Plan], *, now: datetime, limit: int) -> list[_Plan]:
    """The next `limit` active plans whose time has come, of patients not paused, oldest first, patient loaded."""
    return list(
        model.objects.filter(active=True, next_at__lte=now)
        .exclude(patient_id__in=paused_patient_ids())
        .select_related("patient")
        .order_by("next_at", "pk")[:limit]
    )


def follow_up_send_guard(*, patient: Patient, kind: str) -> str:
    """messaging send guard: block automated follow-up kinds while the patient's follow-ups are paused."""
    if kind not in FOLLOW_UP_KINDS or patient.pk is None:
        return ""
    pause = active_pause(patient)
    return f"{PAUSED_REASON} ({pause.reason})."[:300] if pause else ""


def _check_may_change(by: AbstractBaseUser | None, patient: Patient) -> None:
    """Staff (an authenticated `by`) need the capability; the system (None) pauses on its own rules."""
    if by is not None and by.is_authenticated and not can_pause_follow_ups(by, patient):
        raise PermissionDenied("Only coordinators and admins who can see this patient may pause or resume follow-ups.")


def _audit(
    *,
    by: AbstractBaseUser | None,
    pause: FollowUpPause,
    action: str,
    fields: list[str],
    request: HttpRequest | None,
    via: str,
) -> None:
    if by is not None and by.is_authenticated:
        audit_record(actor=by, action=action, obj=pause, changed_fields=fields, request=request, via=via)


@transaction.atomic
def follow_ups_pause(
    *,
    patient: Patient,
    reason: str,
    by: AbstractBaseUser | None,
    request: HttpRequest | None = None,
    via: str = "admin",
) -> FollowUpPause:
    """Pause all automated follow-ups for the patient and cancel queued ones; 409 if already paused."""
    _check_may_change(by, patient)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why follow-ups are paused (for example: in hospital).", field="reason")
    if len(reason) > 300:
        raise DomainError("Keep the reason under 300 characters.", field="reason")
    now = timezone.now()
    try:
        with transaction.atomic():
            pause = FollowUpPause.objects.create(
                patient=patient,
                reason=reason,
                paused_at=now,
                paused_by=by if by is not None and by.is_authenticated else None,
            )
    except IntegrityError as exc:
        raise Conflict("Follow-ups for this patient are already paused; resume them first.", field="reason") from exc
    Message.objects.filter(
        patient=patient,
        direction=Direction.OUTBOUND,
        kind__in=FOLLOW_UP_KINDS,
        status=Status.QUEUED,
        twilio_sid__isnull=True,
        send_started_at__isnull=True,
    ).update(
        status=Status.CANCELED, status_reason=f"Canceled: follow-ups paused ({reason})."[:300], status_changed_at=now
    )
    _audit(by=by, pause=pause, action=AuditAction.CREATE, fields=["reason"], request=request, via=via)
    return pause


@transaction.atomic
def follow_ups_resume(
    *, patient: Patient, by: AbstractBaseUser | None, request: HttpRequest | None = None, via: str = "admin"
) -> FollowUpPause:
    """End the pause; plans restart from their next local time (nothing missed is sent late)."""
    _check_may_change(by, patient)
    pause = FollowUpPause.objects.select_for_update().filter(patient=patient, resumed_at__isnull=True).first()
    if pause is None:
        raise Conflict("Follow-ups for this patient are not paused.", field="patient")
    now = timezone.now()
    pause.resumed_at, pause.resumed_by = now, by if by is not None and by.is_authenticated else None
    pause.save(update_fields=["resumed_at", "resumed_by"])
    for plan in MedicationReminderPlan.objects.filter(patient=patient, active=True):
        plan.next_at = medication_next_at(plan, patient, after=now)
        plan.save(update_fields=["next_at"])
    for plan in CheckinPlan.objects.filter(patient=patient, active=True):
        plan.next_at = checkin_next_at(plan, patient, after=now)
        plan.save(update_fields=["next_at"])
    _audit(by=by, pause=pause, action=AuditAction.CHANGE, fields=["resumed_at"], request=request, via=via)
    return pause
