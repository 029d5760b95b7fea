"""Public intake: find or create a patient by phone when someone books, without revealing anything.

Whoever types a phone number on the public site may not be that patient. So a booking for a new
phone creates the patient (their consent on the form is their own act), but a booking for a phone
already on file never joins that record by itself: it goes to a separate unverified intake record
(`record_state=intake`, `intake_of` = the existing record), and the phone holder gets a message
that names nothing clinical asking them to reply YES. Their YES (patients/intake_link.py) links the
intake and applies the consent and channel the booker asked for; without it the intake stays
separate until a coordinator merges it (without applying any consent). The caller gets the same
answer either way.
"""

from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from clinic.inserts import insert_unless_conflict
from clinic.timezones import clinic_today, validate_time_zone
from messaging.services import message_send
from patients.audit import audit_record
from patients.models import (
    AuditAction,
    Channel,
    ConsentHow,
    ConsentPurpose,
    Language,
    Patient,
    PatientSource,
    RecordState,
)
from patients.services.consent import consent_record

VERIFICATION_KIND = "intake_verification"
CONSENT_FIELDS = ("consent_sms", "consent_whatsapp")


@dataclass(frozen=True)
class IntakeDetails:
    """What a booking form or API call tells us about the person."""

    phone: PhoneNumber
    full_name: str
    email: str = ""
    preferred_channel: str = Channel.SMS
    consent_sms: bool = False
    consent_whatsapp: bool = False
    consent_text_version: str = ""
    time_zone: str = "Asia/Kolkata"
    source: str = PatientSource.WEB
    # The language the person booked in: a NEW patient's messages use it; a returning patient's stays as it is.
    language: str = ""


def verification_topic(intake: Patient) -> str:
    return f"intake:{intake.pk}"


class BookingPatient(NamedTuple):
    patient: Patient
    created: bool  # inserted by this transaction: no other transaction can see or lock it before commit


def patient_intake_for_booking(*, details: IntakeDetails) -> Patient:
    """The patient a public booking belongs to: a new patient for a new phone, else the phone's unverified intake.

    Call inside the booking's transaction: the intake, its verification message and its audit
    entries commit with the consult or not at all.
    """
    return patient_intake(details=details).patient


def patient_intake(*, details: IntakeDetails) -> BookingPatient:
    """`patient_intake_for_booking`, also saying whether the patient row is new (the booking's thin path).

    A new phone is one statement: the patient inserted unless the phone is already on file, with no
    read before and no savepoint (the insert does nothing on a conflict, so the transaction stays usable).
    """
    validate_time_zone(details.time_zone)
    with transaction.atomic(savepoint=False):
        patient = _create(details)
        if patient is not None:
            return BookingPatient(patient, created=True)
        # The phone is on file (perhaps created a moment ago by someone else): book on its intake record.
        existing = Patient.objects.get(phone=details.phone, record_state=RecordState.VERIFIED)
        return BookingPatient(_intake_for(existing, details), created=False)


def requested_changes(details: IntakeDetails) -> dict:
    """What an anonymous booker asked for that only the phone holder may grant."""
    return {
        "consent_sms": details.consent_sms,
        "consent_whatsapp": details.consent_whatsapp,
        "consent_text_version": details.consent_text_version,
        "preferred_channel": details.preferred_channel,
        "full_name": details.full_name,
        "email": details.email,
        "source": details.source,
    }


def _contact_details(details: IntakeDetails) -> dict[str, Any]:
    """The booker's phone, name, email, channel, zone and source, stored alike on a new patient and an intake."""
    return {
        "phone": details.phone,
        "full_name": details.full_name,
        "email": details.email,
        "preferred_channel": details.preferred_channel,
        "time_zone": details.time_zone,
        "source": details.source,
    }


def _intake_for(existing: Patient, details: IntakeDetails) -> Patient:
    intake = Patient.objects.select_for_update().filter(phone=details.phone, record_state=RecordState.INTAKE).first()
    if intake is None:
        # No consent on the intake itself: messages to this phone follow the verified record's consent.
        intake = Patient(
            **_contact_details(details),
            record_state=RecordState.INTAKE,
            intake_of=existing,
            requested_changes=requested_changes(details),
        )
        if not insert_unless_conflict(intake):  # patient_phone_one_open_intake: opened a moment ago
            intake = Patient.objects.select_for_update().get(phone=details.phone, record_state=RecordState.INTAKE)
    else:
        # A later booking's request replaces the earlier one; consent asked for before is kept (only ever added).
        asked = requested_changes(details)
        for field in CONSENT_FIELDS:
            asked[field] = asked[field] or bool(intake.requested_changes.get(field))
        intake.requested_changes = asked
        intake.save(update_fields=["requested_changes", "updated_at"])
    audit_record(
        actor=AnonymousUser(),
        action=AuditAction.CREATE,
        obj=intake,
        patient=existing,
        changed_fields=["intake"],
        via=details.source,
    )
    _ask_phone_holder(existing=existing, intake=intake)
    return intake


def _ask_phone_holder(*, existing: Patient, intake: Patient) -> None:
    """Ask the phone holder, on the record they already have, to reply YES; at most once a day per intake."""
    message_send(
        patient=existing,
        kind=VERIFICATION_KIND,
        context={},
        idempotency_key=f"{verification_topic(intake)}:verify:{clinic_today():%Y-%m-%d}",
        topic=verification_topic(intake),
        urgent=True,  # the booker is waiting; the text names nothing clinical
    )


def _create(details: IntakeDetails) -> Patient | None:
    """The new verified patient for this phone with their consent trail, or None when the phone is on file."""
    consent_given = details.consent_sms or details.consent_whatsapp
    patient = Patient(
        **_contact_details(details),
        consent_sms=details.consent_sms,
        consent_whatsapp=details.consent_whatsapp,
        consent_at=timezone.now() if consent_given else None,
        consent_text_version=details.consent_text_version if consent_given else "",
        **({"language": details.language} if details.language in Language.values else {}),
    )
    if not insert_unless_conflict(patient):  # patient_phone_unique_verified: the phone is already on file
        return None
    if consent_given:
        # A new phone: the booker's consent on the form is the patient's own act; record where it came from.
        audit_record(
            actor=AnonymousUser(),
            action=AuditAction.CONSENT,
            obj=patient,
            changed_fields=[f for f in CONSENT_FIELDS if getattr(details, f)],
            via=details.source,
        )
        # The ledger row for each channel ticked (issue 16); the audit entry above stays the access trail.
        for field in CONSENT_FIELDS:
            if getattr(details, field):
                consent_record(
                    patient=patient,
                    purpose=ConsentPurpose.MESSAGING,
                    channel=field.removeprefix("consent_"),
                    given=True,
                    how=(ConsentHow.API if details.source == PatientSource.API else ConsentHow.WEB_FORM),
                    notice_version=details.consent_text_version,
                    source_detail="booking form",
                    audit=False,
                )
    return patient
