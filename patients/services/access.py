"""Writes that grant or end an expert's access to a record: care-team assignments and break-glass.

Each takes the acting user, checks its capability, and writes its audit entry in the same transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from patients.audit import audit_record
from patients.capabilities import can_assign_care_team, can_be_on_care_team, can_break_glass, can_view_patient
from patients.models import AuditAction, BreakGlassAccess, CareTeamAssignment, Patient

BREAK_GLASS_MIN_REASON = 10


def care_team_assign(
    *,
    patient: Patient,
    member: User,
    by: User,
    reason: str = "",
    request: HttpRequest | None = None,
    via: str = "admin",
) -> CareTeamAssignment:
    """Put an expert on a patient's care team; Conflict when they already are, PermissionDenied when `by` may not."""
    if not can_assign_care_team(by, patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can change the care team.")
    if not can_be_on_care_team(member):
        raise DomainError("Choose a staff login that holds the expert role.", field="member")
    if not patient.is_verified:
        raise DomainError("Merge or verify this intake first: care teams belong to patient records.", field="patient")
    try:
        with transaction.atomic():
            assignment = CareTeamAssignment.objects.create(
                patient=patient, member=member, reason=reason.strip()[:300], assigned_by=by
            )
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                obj=assignment,
                changed_fields=["member", "reason"],
                request=request,
                via=via,
            )
    except IntegrityError as exc:
        raise Conflict("This expert is already on this patient's care team.", field="member") from exc
    return assignment


def care_team_end(
    *, assignment: CareTeamAssignment, by: User, request: HttpRequest | None = None, via: str = "admin"
) -> CareTeamAssignment:
    """Take an expert off the care team from now; ending an ended assignment changes nothing."""
    if not can_assign_care_team(by, assignment.patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can change the care team.")
    with transaction.atomic():
        now = timezone.now()
        # Compare-and-set: two people ending it at once write one end and one audit entry.
        if CareTeamAssignment.objects.filter(pk=assignment.pk, ended_at__isnull=True).update(ended_at=now, ended_by=by):
            audit_record(
                actor=by,
                action=AuditAction.CHANGE,
                obj=assignment,
                changed_fields=["ended_at"],
                request=request,
                via=via,
            )
        assignment.refresh_from_db()
    return assignment


def break_glass_open(
    *, patient: Patient, user: User, reason: str, request: HttpRequest | None = None, via: str = "admin"
) -> BreakGlassAccess:
    """Give an expert EXPERT_BREAK_GLASS_HOURS of access to a record outside their care relationships."""
    if not can_break_glass(user):
        raise PermissionDenied("Break-glass access is for experts; coordinators and admins already see records.")
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise DomainError(
            "Say why you need this record now, in a sentence (it is shown to the admins).", field="reason"
        )
    if not patient.is_verified:
        raise DomainError("This is an unverified intake; ask a coordinator.", field="patient")
    if can_view_patient(user, patient):
        raise DomainError(
            "You can already see this patient's record; no break-glass access is needed.", field="patient"
        )
    now = timezone.now()
    with transaction.atomic():
        access = BreakGlassAccess.objects.create(
            patient=patient,
            user=user,
            reason=reason[:500],
            started_at=now,
            expires_at=now + timedelta(hours=settings.EXPERT_BREAK_GLASS_HOURS),
        )
        audit_record(
            actor=user, action=AuditAction.BREAK_GLASS, obj=access, changed_fields=["reason"], request=request, via=via
        )
    return access
