"""Reads for the FHIR export: the whole care record in a fixed number of queries, whatever its size."""

from dataclasses import dataclass

from consults.models import Consult
from messaging.models import Message
from patients.models import (
    CareRecord,
    CareTask,
    ConcomitantMedication,
    DoseChange,
    GeneticTest,
    LabResult,
    Medication,
    MonitoringItem,
    Patient,
)


@dataclass(frozen=True)
class CareRecordRows:
    """Every row of one patient that the export turns into FHIR resources."""

    patient: Patient
    record: CareRecord | None
    medications: list[Medication]
    dose_changes: list[DoseChange]
    concomitant: list[ConcomitantMedication]
    tests: list[GeneticTest]
    lab_results: list[LabResult]
    schedule: list[MonitoringItem]
    consults: list[Consult]
    tasks: list[CareTask]
    messages: list[Message]


def care_record_rows(*, patient: Patient, with_message_bodies: bool) -> CareRecordRows:
    """Load the rows with one query per table (9 in all), oldest first so the bundle reads as a history."""
    messages = Message.objects.filter(patient=patient).order_by("created_at", "id")
    if not with_message_bodies:
        # Bodies stay in the database unless asked for: they never enter this process.
        messages = messages.defer("body", "content_variables", "media_urls")
    rows = CareRecordRows(
        patient=patient,
        record=getattr(patient, "care_record", None),
        medications=list(Medication.objects.filter(patient=patient).order_by("started_on", "id")),
        dose_changes=list(
            DoseChange.objects.filter(patient=patient).select_related("recorded_by").order_by("changed_on", "id")
        ),
        concomitant=list(ConcomitantMedication.objects.filter(patient=patient).order_by("name", "id")),
        tests=list(
            GeneticTest.objects.filter(patient=patient)
            .select_related("recorded_by", "fhir_import")
            .order_by("resulted_on", "ordered_on", "id")
        ),
        lab_results=list(
            LabResult.objects.filter(patient=patient)
            .select_related("recorded_by", "fhir_import")
            .order_by("taken_on", "id")
        ),
        schedule=list(MonitoringItem.objects.filter(patient=patient).order_by("due_on", "id")),
        consults=list(Consult.objects.filter(patient=patient).select_related("expert").order_by("start", "id")),
        tasks=list(CareTask.objects.filter(patient=patient).order_by("created_at", "id")),
        messages=list(messages),
    )
    for table in (
        rows.medications,
        rows.dose_changes,
        rows.concomitant,
        rows.tests,
        rows.lab_results,
        rows.schedule,
        rows.consults,
        rows.tasks,
        rows.messages,
    ):
        for row in table:
            row.patient = patient  # every row is this patient's: no query per row to load it again
    return rows
