"""Saving an expert profile, and which staff login it belongs to: the login decides whose schedule and patients
that login sees.

Pointing a profile at a login widens that login's access, so only admins may do it, only to a login
holding the expert role, and every change is audited in the same transaction.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from clinic.errors import Conflict, DomainError
from consults.models import Expert
from patients.audit import audit_record
from patients.capabilities import can_be_on_care_team, can_change_expert_profile, can_change_expert_user
from patients.models import AuditAction

NOT_AN_EXPERT = "Choose a staff login that holds the expert role (add it to the expert group first)."


def expert_user_set(
    *,
    expert: Expert,
    user: User | None,
    by: User,
    request: HttpRequest | None = None,
    via: str = "admin",
) -> Expert:
    """Link `expert` to `user` (None unlinks); PermissionDenied unless `by` is an admin."""
    if not can_change_expert_user(by, expert):
        raise PermissionDenied("Only admins can change which login an expert profile belongs to.")
    if user is not None and not can_be_on_care_team(user):
        raise DomainError(NOT_AN_EXPERT, field="user")
    try:
        with transaction.atomic():
            Expert.objects.filter(pk=expert.pk).update(user=user)
            expert.user = user
            audit_record(
                actor=by, action=AuditAction.CHANGE, obj=expert, changed_fields=["user"], request=request, via=via
            )
    except IntegrityError as exc:
        raise Conflict("That login already belongs to another expert profile.", field="user") from exc
    return expert


def expert_profile_save(*, expert: Expert, by: User, request: HttpRequest | None = None, via: str = "admin") -> Expert:
    """Save a new or edited profile as `expert` holds it; a changed login goes through expert_user_set (audited)."""
    if not can_change_expert_profile(by, expert if expert.pk else None):
        raise PermissionDenied("Only coordinators and admins edit expert profiles.")
    new_user = expert.user
    with transaction.atomic():
        # The profile is saved with its login as it was; only expert_user_set changes the login.
        stored = Expert.objects.filter(pk=expert.pk).values_list("user_id", flat=True).first() if expert.pk else None
        expert.user_id = stored
        expert.save()
        if (new_user.pk if new_user is not None else None) != stored:
            expert_user_set(expert=expert, user=new_user, by=by, request=request, via=via)
    return expert
