"""Patient-rights requests as staff record them, through the services (which audit them): taken by phone today."""

from django.contrib.auth.models import User
from django.utils import timezone

from patients.models import Patient
from rights.models import CorrectionRequest, ErasureRequest
from rights.services import correction_request_record, erasure_request_record


def correction_request(
    patient: Patient, *, actor: User, requested_change: str = "x", area: str = "details"
) -> CorrectionRequest:
    """A request to correct the patient's record, recorded by `actor`."""
    return correction_request_record(
        actor=actor,
        patient=patient,
        area=area,
        requested_change=requested_change,
        received_via="phone",
        received_on=timezone.localdate(),
    )


def erasure_request(patient: Patient, *, actor: User) -> ErasureRequest:
    """A request to erase the patient's personal data, recorded (not yet carried out) by `actor`."""
    return erasure_request_record(actor=actor, patient=patient, received_via="phone", received_on=timezone.localdate())
