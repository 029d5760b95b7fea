"""Everything the care record page shows about one patient, loaded in a fixed number of queries.

The caller has already checked that the user may see the patient.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch

from patients import clinical, protocols
from patients.charts import bcr_abl1_chart
from patients.models import (
    CareRecord,
    CareTask,
    ConcomitantMedication,
    DoseChange,
    GeneticTest,
    InsurancePolicy,
    ItemStatus,
    LabResult,
    Medication,
    MonitoringItem,
    Note,
    Patient,
    ResourceAssignment,
    SymptomReport,
    TestKind,
    TestStatus,
)
from patients.models.work import OPEN_TASK_STATUSES
from patients.services.monitoring import protocol_values

RECENT = 10
SOON = timedelta(days=62)  # the schedule table shows the next two months; later items fold away


@dataclass(frozen=True)
class ProtocolValue:
    item: protocols.Configurable
    value: int
    overridden: bool


def care_record_overview(*, patient: Patient, today: date) -> dict[str, Any]:
    record = CareRecord.objects.filter(patient=patient).first()
    medications = list(
        Medication.objects.filter(patient=patient).prefetch_related(
            Prefetch("dose_changes", queryset=DoseChange.objects.select_related("recorded_by"))
        )
    )
    tki = next((m for m in medications if m.is_tki and m.stopped_on is None), None)
    concomitant = list(ConcomitantMedication.objects.filter(patient=patient))
    tests = list(GeneticTest.objects.filter(patient=patient))
    qpcr = sorted(
        (t for t in tests if t.kind == TestKind.BCR_ABL1_QPCR and t.status == TestStatus.RESULTED),
        key=lambda t: (t.sample_on, t.pk),
    )
    values = protocol_values()
    planned = list(
        MonitoringItem.objects.filter(patient=patient, status=ItemStatus.PLANNED).select_related(
            "genetic_test", "lab_result"
        )
    )
    closed = list(
        MonitoringItem.objects.filter(patient=patient)
        .exclude(status=ItemStatus.PLANNED)
        .select_related("genetic_test", "lab_result")
        .order_by("-completed_on", "-updated_at")[:RECENT]
    )
    tasks_open = list(
        CareTask.objects.filter(patient=patient, status__in=OPEN_TASK_STATUSES)
        .select_related("assignee")
        .order_by("due_at")
    )
    flags = clinical.care_record_flags(record=record, tests=tests, medications=medications)
    return {
        "record": record,
        "tki": tki,
        "medications": medications,
        "concomitant": [(med, med.interactions) for med in concomitant],
        "interaction_count": sum(len(med.interactions) for med in concomitant if med.stopped_on is None),
        "flags": flags,
        "tests": [t for t in tests if t.kind != TestKind.BCR_ABL1_QPCR or t.status != TestStatus.RESULTED],
        "qpcr_results": list(reversed(qpcr)),
        "latest_qpcr": qpcr[-1] if qpcr else None,
        "chart": bcr_abl1_chart(qpcr, started_on=record.tki_started_on if record else None),
        "tfr_criteria": clinical.tfr_criteria(record=record, tests=tests, today=today),
        "lab_results": list(LabResult.objects.filter(patient=patient)[:RECENT]),
        "schedule": [(item, item.state_on(today)) for item in planned if item.due_on <= today + SOON],
        "schedule_later": [(item, item.state_on(today)) for item in planned if item.due_on > today + SOON],
        "schedule_closed": [(item, item.state_on(today)) for item in closed],
        "overdue_count": sum(1 for item in planned if item.state_on(today) == "overdue"),
        "symptoms": list(SymptomReport.objects.filter(patient=patient)[:20]),
        "tasks_open": tasks_open,
        "urgent_tasks": [task for task in tasks_open if task.priority == "urgent"],
        "tasks_closed": list(
            CareTask.objects.filter(patient=patient)
            .exclude(status__in=OPEN_TASK_STATUSES)
            .select_related("completed_by")
            .order_by("-completed_at")[:RECENT]
        ),
        "resources": list(ResourceAssignment.objects.filter(patient=patient).select_related("resource")),
        "insurance": list(InsurancePolicy.objects.filter(patient=patient)),
        "notes": list(Note.objects.filter(patient=patient)[:20]),
        "taking_imatinib": protocols.TAKING_IMATINIB,
        "reduced_dose": tki.reduced_dose_after_hold if tki else None,
        "protocol_values": [
            ProtocolValue(item, values[key], values[key] != item.value) for key, item in protocols.CONFIGURABLE.items()
        ],
        "condition": record.condition if record else None,
        "today": today,
    }
