"""What recording any patient request shares (correction, erasure): how and when the patient asked, checked
the same way, and the request row written with its audit entry in one transaction."""

import datetime as dt
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from clinic.errors import DomainError
from clinic.timezones import clinic_today
from patients.audit import audit_record
from patients.models import AuditAction, Patient
from rights.models import CorrectionRequest, ErasureRequest, RequestChannel

_Asked = TypeVar("_Asked", CorrectionRequest, ErasureRequest)


def request_asked_check(*, received_via: str, received_on: dt.date) -> None:
    """Raise DomainError (naming the field) unless the channel is from the list and the date not in the future."""
    if received_via not in RequestChannel.values:
        raise DomainError("Choose how the patient asked from the list.", field="received_via")
    if received_on > clinic_today():
        raise DomainError("The date the patient asked cannot be in the future.", field="received_on")


def request_create_audited(
    model: type[_Asked],
    *,
    actor: User,
    patient: Patient,
    asked: dict[str, Any],
    stamps: dict[str, Any],
    request: HttpRequest | None,
    via: str,
) -> _Asked:
    """Create the request with what the patient asked (the audit entry's changed fields) and who took it when."""
    with transaction.atomic():
        row = model.objects.create(patient=patient, **asked, **stamps)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=row,
            patient=patient,
            changed_fields=asked.keys(),
            request=request,
            via=via,
        )
    return row
