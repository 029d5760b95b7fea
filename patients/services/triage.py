"""Taking an unassigned patient from the triage queue."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from clinic.errors import Conflict
from patients.audit import audit_record
from patients.capabilities import can_view_patient, can_work_triage
from patients.models import AuditAction, Patient


def patient_take(*, patient: Patient, by: User, request: HttpRequest | None = None, via: str = "admin") -> Patient:
    """Make `by` the coordinator of an unassigned patient; Conflict when someone took them first."""
    if not can_work_triage(by) or not can_view_patient(by, patient):
        raise PermissionDenied("Only a coordinator can take a patient from the triage queue.")
    with transaction.atomic():
        # Compare-and-set: two coordinators clicking at once never both become the coordinator.
        taken = Patient.objects.filter(pk=patient.pk, coordinator__isnull=True).update(coordinator=by)
        if taken != 1:
            raise Conflict(f"{patient} already has a coordinator; open their record to see who.")
        patient.coordinator = by
        audit_record(
            actor=by, action=AuditAction.CHANGE, obj=patient, changed_fields=["coordinator"], request=request, via=via
        )
    return patient
