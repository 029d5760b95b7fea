"""Public intake: find or create a patient by phone when someone books, without revealing anything.

Whoever types a phone number on the public site may not be that patient, so intake never shows
or overwrites what the clinic already holds: the caller gets the same answer whether the number
was known or not, blank fields are filled, and consent is only ever added, never removed.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from patients.models import Channel, Patient, PatientSource
from patients.timezones import validate_time_zone


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


def _add_consent(patient: Patient, details: IntakeDetails) -> list[str]:
    """Turn on newly given consent; never turn any off (only an explicit opt-out does that)."""
    changed: list[str] = []
    for field in ("consent_sms", "consent_whatsapp"):
        if getattr(details, field) and not getattr(patient, field):
            setattr(patient, field, True)
            changed.append(field)
    if changed:
        patient.consent_at = timezone.now()
        patient.consent_text_version = details.consent_text_version
        changed += ["consent_at", "consent_text_version"]
    return changed


def patient_intake_for_booking(*, details: IntakeDetails) -> Patient:
    """Return the patient with this phone, creating them if new; fills blanks, adds consent only."""
    validate_time_zone(details.time_zone)
    with transaction.atomic():
        patient = Patient.objects.filter(phone=details.phone).first()
        if patient is None:
            patient = _create(details)
            if patient is not None:
                return patient
            # Someone else created the same phone a moment ago: fall through and update theirs.
            patient = Patient.objects.get(phone=details.phone)
        changed = _add_consent(patient, details)
        if not patient.full_name and details.full_name:
            patient.full_name = details.full_name
            changed.append("full_name")
        if not patient.email and details.email:
            patient.email = details.email
            changed.append("email")
        if patient.is_lead:
            # They have now booked: no longer just a lead.
            patient.is_lead = False
            changed.append("is_lead")
        if changed:
            patient.save(update_fields=[*changed, "updated_at"])
        return patient


def _create(details: IntakeDetails) -> Patient | None:
    consent_given = details.consent_sms or details.consent_whatsapp
    try:
        with transaction.atomic():
            return Patient.objects.create(
                phone=details.phone,
                full_name=details.full_name,
                email=details.email,
                preferred_channel=details.preferred_channel,
                consent_sms=details.consent_sms,
                consent_whatsapp=details.consent_whatsapp,
                consent_at=timezone.now() if consent_given else None,
                consent_text_version=details.consent_text_version if consent_given else "",
                time_zone=details.time_zone,
                source=details.source,
            )
    except IntegrityError:
        return None
