"""The FHIR R4 export of one care record as a `collection` Bundle.

Every resource has a stable id (uuid5 over the deployment's base URL and the row), so the same row
has the same `urn:uuid:` fullUrl in every export and a receiver can update rather than duplicate.
"""

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from interop import export_care, export_clinical
from interop.resources import Resource, resource_id
from interop.selectors import CareRecordRows, care_record_rows
from patients.audit import audit_record
from patients.capabilities import can_export_patient_record
from patients.models import AuditAction, Patient, TaskSource, TestStatus


def care_record_bundle(rows: CareRecordRows, *, with_message_bodies: bool) -> Resource:
    """The whole record as a Bundle: Patient first, then diagnosis, results, medication, schedule and contacts."""
    patient = rows.patient
    resources: list[Resource] = [export_clinical.patient_resource(patient)]
    if rows.record is not None:
        resources.append(export_clinical.condition_resource(rows.record))
    resources += export_clinical.result_resources(rows.tests, rows.lab_results)
    resources += export_care.medication_statements(rows.medications, rows.dose_changes, rows.concomitant)
    resources += export_care.schedule_resources(patient, rows.schedule, rows.tests)
    resources += export_care.appointment_resources(rows.consults)
    resources += export_care.task_resources(rows.tasks, _result_observation_ids(rows))
    resources += export_care.communication_resources(patient, rows.messages, with_bodies=with_message_bodies)
    resources += export_care.consent_resources(patient)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),  # each export is a new document; the resources inside keep stable ids
        "meta": {"lastUpdated": timezone.now().isoformat()},
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in resources],
    }


def _result_observation_ids(rows: CareRecordRows) -> dict[tuple[str, int], str]:
    """(task source, row id) → the Observation id a task raised by that result points at."""
    ids = {
        (TaskSource.GENETIC_TEST, test.pk): resource_id("Observation", f"genetic-test/{test.pk}")
        for test in rows.tests
        if test.status == TestStatus.RESULTED
    }
    for result in rows.lab_results:
        has_counts = any(v is not None for v in (result.wbc, result.anc, result.platelets, result.haemoglobin))
        part = "cbc" if has_counts else "liver"
        ids[(TaskSource.LAB_RESULT, result.pk)] = resource_id("Observation", f"lab-result/{result.pk}/{part}")
    return ids


@transaction.atomic
def care_record_export(
    *, patient: Patient, by: AbstractBaseUser, with_message_bodies: bool, request: HttpRequest | None = None
) -> Resource:
    """Build the patient's bundle and write its audit entry in the same transaction (no bundle without an entry).

    PermissionDenied unless `by` may export this patient's record (the API and console ask the same first).
    """
    if not can_export_patient_record(by, patient):
        raise PermissionDenied("Only clinic staff who may see this patient's record can export it.")
    rows = care_record_rows(patient=patient, with_message_bodies=with_message_bodies)
    bundle = care_record_bundle(rows, with_message_bodies=with_message_bodies)
    audit_record(
        actor=by,
        action=AuditAction.EXPORT,
        obj=patient,
        request=request,
        via="fhir",
        changed_fields=["message_bodies"] if with_message_bodies else [],
    )
    return bundle
