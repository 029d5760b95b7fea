"""The send guard that makes messages to an erased patient impossible (messaging.guards)."""

from clinic.timezones import format_date
from patients.models import Patient


def erased_patient_guard(*, patient: Patient, kind: str) -> str:
    """No query: `erased_at` is on the patient row the sender already holds."""
    if patient.erased_at is None:
        return ""
    return (
        f"Not sent: this patient's personal data was erased on {format_date(patient.erased_at)} at their request, "
        "so the clinic no longer has a way to contact them."
    )
