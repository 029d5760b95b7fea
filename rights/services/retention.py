"""Retention periods: read by every erasure, set by admins."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import DomainError
from patients.audit import audit_record
from patients.capabilities import can_set_retention
from patients.models import AuditAction
from rights.models import RetentionPolicy

# (field, smallest, largest, the sentence a person sees when the value is outside them)
LIMITS = (
    ("clinical_record_years", 1, 100, "Keep clinical records for 1 to 100 years."),
    ("message_log_days", 0, 3650, "Keep the message log for 0 to 3650 days (10 years)."),
    ("audit_log_years", 1, 100, "Keep the audit trail for 1 to 100 years."),
)


def retention_policy_current() -> RetentionPolicy:
    """The saved policy, or the defaults (unsaved, `is_default`) until an admin sets one."""
    return RetentionPolicy.objects.filter(pk=1).select_related("updated_by").first() or RetentionPolicy()


def retention_policy_update(
    *,
    actor: User,
    clinical_record_years: int,
    message_log_days: int,
    audit_log_years: int,
    basis: str = "",
    request: HttpRequest | None = None,
    via: str = "admin",
) -> RetentionPolicy:
    """Set the retention periods (admins only); the change is audited in the same transaction."""
    if not can_set_retention(actor):
        raise PermissionDenied("Only admins can set retention periods.")
    values = {
        "clinical_record_years": clinical_record_years,
        "message_log_days": message_log_days,
        "audit_log_years": audit_log_years,
    }
    for name, smallest, largest, sentence in LIMITS:
        if not smallest <= values[name] <= largest:
            raise DomainError(sentence, field=name)
    basis = basis.strip()
    if len(basis) > 500:
        raise DomainError("Write the basis in at most 500 characters.", field="basis")
    with transaction.atomic():
        policy, _ = RetentionPolicy.objects.select_for_update().get_or_create(pk=1)
        changed = [name for name, value in {**values, "basis": basis}.items() if getattr(policy, name) != value]
        for name, value in {**values, "basis": basis}.items():
            setattr(policy, name, value)
        policy.updated_by = actor
        policy.updated_at = timezone.now()
        policy.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=policy,
            changed_fields=changed or ["confirmed"],
            request=request,
            via=via,
        )
    return policy
