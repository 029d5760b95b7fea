"""Erasure requests: recorded when the patient asks, then carried out once, after staff type the patient's
reference to confirm. Everything happens in one transaction: identifying data and message texts are
removed or replaced by a pseudonym, clinical rows under a retention duty stay (see rights/erasure.py),
and the confirmation lists what was erased and what was kept and why.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from clinic.months import add_months
from followups.models import CheckinPlan, MedicationReminderPlan
from patients.audit import audit_record
from patients.capabilities import can_run_erasure
from patients.models import AuditAction, ConsentChannel, ConsentHow, ConsentPurpose, InsurancePolicy, Patient
from patients.services.consent import consent_record, consent_state
from rights import erasure as steps
from rights.identifiers import identifiers_of, pseudonym, pseudonym_phone
from rights.models import CorrectionRequest, DataPackageLink, ErasureRequest, ErasureStatus
from rights.services.requests import request_asked_check, request_create_audited
from rights.services.retention import retention_policy_current

CORRECTION_TEXT_ERASED = "Erased with the patient's personal data."


def erasure_request_record(
    *,
    actor: User,
    patient: Patient,
    received_via: str,
    received_on: dt.date,
    request: HttpRequest | None = None,
    via: str = "console",
) -> ErasureRequest:
    """Record that the patient asked for erasure (how and when); nothing is erased yet. Audited."""
    if not can_run_erasure(actor, patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can record an erasure request.")
    if patient.erased_at is not None:
        raise Conflict("This patient's personal data has already been erased.", field="patient")
    if not patient.is_verified:
        raise DomainError(
            "This is an unverified booking: erase the patient's own record, which includes it.", field="patient"
        )
    request_asked_check(received_via=received_via, received_on=received_on)
    try:
        return request_create_audited(
            ErasureRequest,
            actor=actor,
            patient=patient,
            asked={"received_via": received_via, "received_on": received_on},
            stamps={"requested_by": actor, "requested_at": timezone.now()},
            request=request,
            via=via,
        )
    except IntegrityError as error:
        raise Conflict(
            "An erasure request for this patient is already open: carry that one out.", field="patient"
        ) from error


def erasure_request_complete(
    *,
    actor: User,
    erasure: ErasureRequest,
    confirm_reference: str,
    request: HttpRequest | None = None,
    via: str = "console",
) -> ErasureRequest:
    """Carry out an open erasure request once; `confirm_reference` must be the patient's reference (e.g. P-0042)."""
    patient = erasure.patient
    if not can_run_erasure(actor, patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can carry out an erasure.")
    if (confirm_reference or "").strip().upper() != patient.reference:
        raise DomainError(
            f"Type the patient's reference, {patient.reference}, to confirm the erasure.", field="confirm_reference"
        )
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        if locked.status != ErasureStatus.REQUESTED:
            raise Conflict("This erasure has already been carried out.", field="status")
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        intakes = list(Patient.objects.select_for_update().filter(intake_of=patient).order_by("pk"))
        records = [patient, *intakes]
        run = _erasure_run(locked, records)
        confirmation = steps.Confirmation()
        _withdraw_consent(actor, patient, locked)
        steps.erase_messages(run, confirmation)
        steps.erase_web_chats(run, confirmation)
        steps.erase_consults(run, confirmation)
        steps.erase_kept_rows(run, confirmation)
        steps.erase_report_file_names(run, confirmation)
        steps.erase_consent_text(run, confirmation)
        _erase_own_tables(actor, run, confirmation)
        for record in records:
            Patient.objects.filter(pk=record.pk).update(
                full_name=pseudonym(record),
                phone=pseudonym_phone(record),
                email="",
                date_of_birth=None,
                requested_changes={},
                erased_at=run.now,
                updated_at=run.now,
            )
        how = f"Replaced by the pseudonym {run.pseudonym}" + (
            f"; {len(intakes)} unverified booking(s) for the same phone likewise." if intakes else "."
        )
        confirmation.erase(steps.PLAN["patients.Patient"][1], len(records), how)
        steps.erase_audit_text(run, confirmation)
        transaction.on_commit(lambda: steps.erase_booking_counters(run, steps.Confirmation()))
        confirmation.erase(
            "Booking rate-limit counter for the phone number",
            len(run.found.phones),
            "Removed from the cache, if one was running (it held a hash of the number).",
        )
        confirmation.keep(
            steps.PLAN["rights.ErasureRequest"][1],
            1,
            "Proof that the request was received and carried out.",
            run.audit_until,
        )
        locked.status = ErasureStatus.COMPLETED
        locked.completed_by = actor
        locked.completed_at = run.now
        locked.confirmation = confirmation.as_json()
        locked.save(update_fields=["status", "completed_by", "completed_at", "confirmation"])
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=locked,
            patient=patient,
            changed_fields=[line["item"] for line in confirmation.erased],
            request=request,
            via=via,
        )
    return locked


def _erasure_run(erasure: ErasureRequest, records: list[Patient]) -> steps.Erasure:
    policy = retention_policy_current()
    now = timezone.now()
    today = timezone.localdate(now)
    return steps.Erasure(
        patient_ids=tuple(record.pk for record in records),
        found=identifiers_of(records),
        pseudonym=pseudonym(records[0]),
        now=now,
        clinical_until=add_months(today, 12 * policy.clinical_record_years),
        messages_until=today + dt.timedelta(days=policy.message_log_days),
        audit_until=add_months(today, 12 * policy.audit_log_years),
        request_id=erasure.pk,
    )


def _withdraw_consent(actor: User, patient: Patient, erasure: ErasureRequest) -> None:
    """A withdrawal in the ledger for every consent still given: the ledger says why messages stopped."""
    given: set[tuple[str, str]] = {pair for pair, value in consent_state(patient=patient).items() if value}
    for field, messaging_channel in (
        ("consent_sms", ConsentChannel.SMS),
        ("consent_whatsapp", ConsentChannel.WHATSAPP),
    ):
        if getattr(patient, field):
            given.add((ConsentPurpose.MESSAGING, messaging_channel))
    if patient.detailed_messages:
        given.add((ConsentPurpose.DETAILED_MESSAGES, patient.preferred_channel))
    for purpose, channel in sorted(given):
        consent_record(
            patient=patient,
            purpose=purpose,
            channel=channel,
            given=False,
            how=ConsentHow.STAFF_CONSOLE,
            by=actor,
            reason=f"Personal data erased ({erasure})",
            source_detail="erasure request",
            audit=False,
        )


def _erase_own_tables(actor: User, run: steps.Erasure, confirmation: steps.Confirmation) -> None:
    """Insurance details, reminders, the patient's own requests and any open data package link."""
    ids = run.patient_ids
    deleted = InsurancePolicy.objects.filter(patient_id__in=ids).delete()[0]
    confirmation.erase(steps.PLAN["patients.InsurancePolicy"][1], deleted, "Deleted.")
    stopped = MedicationReminderPlan.objects.filter(patient_id__in=ids, active=True).update(
        active=False
    ) + CheckinPlan.objects.filter(patient_id__in=ids, active=True).update(active=False)
    confirmation.erase("Dose reminders and weekly check-ins", stopped, "Switched off.")
    revoked = DataPackageLink.objects.filter(patient_id__in=ids, revoked_at__isnull=True, spent_at__isnull=True).update(
        revoked_at=run.now, revoked_by=actor
    )
    confirmation.erase(steps.PLAN["rights.DataPackageLink"][1], revoked, "Revoked.")
    corrections = CorrectionRequest.objects.filter(patient_id__in=ids)
    corrections.update(requested_change=CORRECTION_TEXT_ERASED)
    steps.redact_rows(corrections, run, ["item", "outcome"])
    confirmation.keep(
        steps.PLAN["rights.CorrectionRequest"][1],
        corrections.count(),
        "Evidence that each request was handled; what the patient wrote was erased.",
        run.audit_until,
    )
