"""Consent given or withdrawn to a member of staff on the phone, recorded in the ledger through the service."""

from django.contrib.auth.models import User

from patients.models import ConsentEvent, Patient
from patients.services.consent import consent_record


def consent_by_phone(
    patient: Patient,
    *,
    by: User,
    channel: str,
    given: bool,
    purpose: str = "messaging",
    reason: str = "Patient asked on the phone",
) -> ConsentEvent:
    """The patient told `by` on the phone; staff must say why they record it (the reason)."""
    return consent_record(
        patient=patient, purpose=purpose, channel=channel, given=given, how="staff_phone", by=by, reason=reason
    )
