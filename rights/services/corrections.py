"""Correction requests: recorded when the patient asks, then accepted (with what was changed) or declined
(with why). The correction itself is made in the record as usual; this is the evidence that it was handled."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from patients.audit import audit_record
from patients.capabilities import can_manage_patient_rights
from patients.models import AuditAction, Patient
from rights.models import CorrectionArea, CorrectionRequest, CorrectionStatus
from rights.services.requests import request_asked_check, request_create_audited

MAX_TEXT = 2000


def _text(value: str, *, field: str, required: bool, sentence: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(sentence, field=field)
    if len(value) > MAX_TEXT:
        raise DomainError(f"Write this in at most {MAX_TEXT} characters.", field=field)
    return value


def correction_request_record(
    *,
    actor: User,
    patient: Patient,
    area: str,
    requested_change: str,
    received_via: str,
    received_on: dt.date,
    item: str = "",
    request: HttpRequest | None = None,
    via: str = "console",
) -> CorrectionRequest:
    """Record what the patient asked to correct, how and when they asked; audited in the same transaction."""
    if not can_manage_patient_rights(actor, patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can record a correction request.")
    if patient.erased_at is not None:
        raise Conflict("This patient's personal data was erased; there is no record left to correct.", field="patient")
    if area not in CorrectionArea.values:
        raise DomainError("Choose what the correction is about from the list.", field="area")
    request_asked_check(received_via=received_via, received_on=received_on)
    requested_change = _text(
        requested_change, field="requested_change", required=True, sentence="Write what the patient asked to change."
    )
    item = (item or "").strip()
    if len(item) > 100:
        raise DomainError("Name the field or entry in at most 100 characters.", field="item")
    return request_create_audited(
        CorrectionRequest,
        actor=actor,
        patient=patient,
        asked={
            "area": area,
            "item": item,
            "requested_change": requested_change,
            "received_via": received_via,
            "received_on": received_on,
        },
        stamps={"recorded_by": actor, "recorded_at": timezone.now()},
        request=request,
        via=via,
    )


def correction_request_decide(
    *,
    actor: User,
    correction: CorrectionRequest,
    status: str,
    outcome: str,
    request: HttpRequest | None = None,
    via: str = "console",
) -> CorrectionRequest:
    """Accept (say what was corrected) or decline (say why) an open request, once; audited."""
    if not can_manage_patient_rights(actor, correction.patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can decide a correction request.")
    if status not in (CorrectionStatus.ACCEPTED, CorrectionStatus.DECLINED):
        raise DomainError("Choose accepted or declined.", field="status")
    outcome = _text(
        outcome,
        field="outcome",
        required=True,
        sentence="Say what was corrected, or why the request was declined (the patient may ask).",
    )
    with transaction.atomic():
        now = timezone.now()
        # Compare-and-set: two people deciding at once cannot both write an outcome.
        decided = CorrectionRequest.objects.filter(pk=correction.pk, status=CorrectionStatus.REQUESTED).update(
            status=status, outcome=outcome, decided_by=actor, decided_at=now
        )
        if not decided:
            raise Conflict("This correction request has already been decided.", field="status")
        correction.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=correction,
            patient=correction.patient,
            changed_fields=["status", "outcome"],
            request=request,
            via=via,
        )
    return correction
