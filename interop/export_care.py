"""FHIR resources for the coordination part of a care record: medication, schedule, consults, tasks, messages,
consents."""

from collections import defaultdict
from datetime import date

from django.conf import settings

from clinic.timezones import format_date
from consults.models import Consult, ConsultStatus
from interop import codes
from interop.export_clinical import patient_reference
from interop.resources import Resource, coding, compact, concept, day, instant, own_concept, quantity, resource_id
from messaging.models import Direction, Message, Status
from patients import protocols
from patients.models import (
    CareTask,
    ConcomitantMedication,
    DoseChange,
    DoseSchedule,
    GeneticTest,
    Medication,
    MonitoringItem,
    MonitoringKind,
    Patient,
    TaskPriority,
    TaskSource,
    TaskStatus,
    TestStatus,
)

# MonitoringKind → LOINC, where domain.md names one.
MONITORING_LOINC = {
    MonitoringKind.CBC: (protocols.LOINC_CBC, "CBC panel - Blood by Automated count"),
    MonitoringKind.BCR_ABL1_QPCR: (protocols.LOINC_BCR_ABL1_IS, "BCR-ABL1 / control gene ratio, International Scale"),
}
ITEM_STATUS = {"planned": "active", "done": "completed", "skipped": "revoked"}
TEST_REQUEST_STATUS = {
    TestStatus.NOT_ORDERED: "draft",
    TestStatus.ORDERED: "active",
    TestStatus.SAMPLE_COLLECTED: "active",
    TestStatus.CANCELLED: "revoked",
}
APPOINTMENT_STATUS = {
    ConsultStatus.CONFIRMED: "booked",
    ConsultStatus.CANCELLED: "cancelled",
    ConsultStatus.COMPLETED: "fulfilled",
    ConsultStatus.NO_SHOW: "noshow",
}
TASK_STATUS = {
    TaskStatus.OPEN: "requested",
    TaskStatus.IN_PROGRESS: "in-progress",
    TaskStatus.DONE: "completed",
    TaskStatus.CANCELLED: "cancelled",
}
TASK_PRIORITY = {
    TaskPriority.URGENT: "stat",
    TaskPriority.HIGH: "urgent",
    TaskPriority.NORMAL: "routine",
    TaskPriority.LOW: "routine",
}
COMMUNICATION_STATUS = {
    Status.QUEUED: "preparation",
    Status.SENDING: "in-progress",
    Status.BLOCKED: "not-done",
    Status.CANCELED: "stopped",
    Status.UNDELIVERED: "not-done",
    Status.FAILED: "not-done",
}


def medication_statements(
    medications: list[Medication], changes: list[DoseChange], concomitant: list[ConcomitantMedication]
) -> list[Resource]:
    """One MedicationStatement per dose period of each course (its dose history), then the other medicines."""
    by_course: dict[int, list[DoseChange]] = defaultdict(list)
    for change in changes:
        by_course[change.medication_id].append(change)
    statements = []
    for course in medications:
        for number, (start, end, dose, reason) in enumerate(_dose_periods(course, by_course[course.pk])):
            last = end is None or end == course.stopped_on
            status = ("active" if course.stopped_on is None else "stopped") if last else "completed"
            per_take = dose // 2 if course.schedule == DoseSchedule.TWICE_DAILY else dose
            statements.append(
                compact(
                    {
                        "resourceType": "MedicationStatement",
                        "id": resource_id("MedicationStatement", f"{course.pk}/{number}"),
                        "identifier": [
                            {"system": codes.clinic_system("sid/medication-course"), "value": str(course.pk)}
                        ],
                        "status": status,
                        "medicationCodeableConcept": concept(text=course.drug),
                        "subject": patient_reference(course.patient),
                        "effectivePeriod": compact({"start": day(start), "end": day(end)}),
                        "statusReason": [concept(text=course.stop_reason)] if last and course.stop_reason else [],
                        "note": [{"text": reason}] if reason else [],
                        "dosage": [
                            {
                                "text": f"{dose} mg/day, {course.get_schedule_display().lower()}",
                                "timing": {
                                    "repeat": {
                                        "frequency": 2 if course.schedule == DoseSchedule.TWICE_DAILY else 1,
                                        "period": 1,
                                        "periodUnit": "d",
                                    }
                                },
                                "doseAndRate": [{"doseQuantity": quantity(per_take, "mg")}],
                            }
                        ],
                    }
                )
            )
    for medicine in concomitant:
        statements.append(
            compact(
                {
                    "resourceType": "MedicationStatement",
                    "id": resource_id("MedicationStatement", f"concomitant/{medicine.pk}"),
                    "status": "completed" if medicine.stopped_on else "active",
                    "medicationCodeableConcept": concept(text=medicine.name),
                    "subject": patient_reference(medicine.patient),
                    "effectivePeriod": compact({"start": day(medicine.started_on), "end": day(medicine.stopped_on)})
                    or None,
                    "dosage": [{"text": medicine.dose_text}] if medicine.dose_text else [],
                    "note": [{"text": medicine.note}] if medicine.note else [],
                }
            )
        )
    return statements


def _dose_periods(course: Medication, changes: list[DoseChange]) -> list[tuple[date, date | None, int, str]]:
    """(start, end, mg/day, reason for this dose) from the course start through each recorded change."""
    dose = changes[0].from_mg if changes else course.dose_mg_per_day
    periods, start, reason = [], course.started_on, ""
    for change in changes:
        periods.append((start, change.changed_on, dose, reason))
        start, dose, reason = change.changed_on, change.to_mg, f"Dose changed from {change.from_mg} mg: {change.reason}"
    periods.append((start, course.stopped_on, dose, reason))
    return periods


def schedule_resources(patient: Patient, items: list[MonitoringItem], tests: list[GeneticTest]) -> list[Resource]:
    """A ServiceRequest per schedule item and per pending test, gathered by one CarePlan."""
    requests = []
    for item in items:
        codings = [coding(codes.code_system("monitoring-kind"), item.kind, item.get_kind_display())]
        if item.kind in MONITORING_LOINC:
            codings.insert(0, coding(codes.LOINC, *MONITORING_LOINC[item.kind]))
        notes = [
            item.reason,
            item.skipped_reason and f"Skipped: {item.skipped_reason}",
            item.override_reason and f"Date changed: {item.override_reason}",
            f"Due {format_date(item.due_on)}.",
        ]
        requests.append(
            compact(
                {
                    "resourceType": "ServiceRequest",
                    "id": resource_id("ServiceRequest", f"item/{item.pk}"),
                    "status": ITEM_STATUS[item.status],
                    "intent": "plan",
                    "code": concept(*codings, text=item.get_kind_display()),
                    "subject": patient_reference(patient),
                    "occurrencePeriod": {"start": day(item.window_starts_on), "end": day(item.window_ends_on)},
                    "authoredOn": instant(item.created_at),
                    "note": [{"text": text} for text in notes if text],
                }
            )
        )
    for test in tests:
        if test.status == TestStatus.RESULTED:
            continue
        requests.append(
            compact(
                {
                    "resourceType": "ServiceRequest",
                    "id": resource_id("ServiceRequest", f"genetic-test/{test.pk}"),
                    "status": TEST_REQUEST_STATUS[test.status],
                    "intent": "order",
                    "code": own_concept("test-kind", test.kind, test.get_kind_display()),
                    "subject": patient_reference(patient),
                    "occurrenceDateTime": day(test.collected_on),
                    "authoredOn": day(test.ordered_on),
                    "performer": [{"display": test.lab}] if test.lab else [],
                    "note": [{"text": f"Cancelled: {test.cancelled_reason}"}] if test.cancelled_reason else [],
                }
            )
        )
    if not requests:
        return []
    plan = {
        "resourceType": "CarePlan",
        "id": resource_id("CarePlan", f"monitoring/{patient.pk}"),
        "status": "active",
        "intent": "plan",
        "title": "Monitoring schedule",
        "description": "Blood tests, BCR::ABL1 qPCR and scans due from the clinic's protocol tables.",
        "subject": patient_reference(patient),
        "activity": [{"reference": {"reference": f"urn:uuid:{request['id']}"}} for request in requests],
    }
    return [plan, *requests]


def appointment_resources(consults: list[Consult]) -> list[Resource]:
    return [
        compact(
            {
                "resourceType": "Appointment",
                "id": resource_id("Appointment", consult.pk),
                "identifier": [{"system": codes.clinic_system("sid/consult"), "value": consult.reference}],
                "status": APPOINTMENT_STATUS[consult.status],
                "cancelationReason": concept(text=consult.cancellation_reason) if consult.cancellation_reason else None,
                "serviceType": [own_concept("consult-topic", consult.topic, consult.get_topic_display())],
                "appointmentType": own_concept("consult-mode", consult.mode, consult.get_mode_display()),
                "description": f"{consult.get_topic_display()} with {consult.expert.display_name}",
                "start": instant(consult.start),
                "end": instant(consult.end),
                "comment": consult.note,
                "participant": [
                    {"actor": patient_reference(consult.patient), "status": "accepted"},
                    {"actor": {"display": consult.expert.display_name}, "status": "accepted"},
                ],
            }
        )
        for consult in consults
    ]


def task_resources(tasks: list[CareTask], result_ids: dict[tuple[str, int], str]) -> list[Resource]:
    """Care tasks; a task raised by a result points at that result's Observation."""
    resources = []
    for task in tasks:
        focus = result_ids.get((task.source_kind, task.source_id)) if task.source_id else None
        resources.append(
            compact(
                {
                    "resourceType": "Task",
                    "id": resource_id("Task", task.pk),
                    "status": TASK_STATUS[task.status],
                    "intent": "order",
                    "priority": TASK_PRIORITY[task.priority],
                    "code": own_concept("task-source", task.source_kind, TaskSource(task.source_kind).label),
                    "description": task.title,
                    "focus": {"reference": f"urn:uuid:{focus}"} if focus else None,
                    "for": patient_reference(task.patient),
                    "authoredOn": instant(task.created_at),
                    "lastModified": instant(task.completed_at),
                    "restriction": {"period": {"end": instant(task.due_at)}},
                    "note": [{"text": task.detail}] if task.detail else [],
                }
            )
        )
    return resources


def communication_resources(patient: Patient, messages: list[Message], *, with_bodies: bool) -> list[Resource]:
    """Messages to and from the patient: channel, kind, status and times; bodies only when asked for."""
    resources = []
    clinic = {"display": settings.CLINIC_NAME}
    for message in messages:
        inbound = message.direction == Direction.INBOUND
        channel = message.channel or message.requested_channel
        resources.append(
            compact(
                {
                    "resourceType": "Communication",
                    "id": resource_id("Communication", message.pk),
                    "status": COMMUNICATION_STATUS.get(message.status, "completed"),
                    "statusReason": concept(text=message.status_reason) if message.status_reason else None,
                    "category": [own_concept("message-kind", message.kind[:64], message.kind)],
                    "priority": "urgent" if message.urgent else "routine",
                    "medium": [own_concept("channel", channel, channel)] if channel else [],
                    "subject": patient_reference(patient),
                    "sent": instant(message.created_at if inbound else message.accepted_at),
                    "received": instant(message.created_at) if inbound else None,
                    "sender": patient_reference(patient) if inbound else clinic,
                    "recipient": [clinic if inbound else patient_reference(patient)],
                    "payload": [{"contentString": message.body}] if with_bodies and message.body else [],
                }
            )
        )
    return resources


def consent_resources(patient: Patient) -> list[Resource]:
    """Messaging consents as recorded on the patient: SMS, WhatsApp, and detailed messages."""
    rows = [
        ("sms", "SMS messages", patient.consent_sms, patient.sms_opted_out_at),
        ("whatsapp", "WhatsApp messages", patient.consent_whatsapp, patient.whatsapp_opted_out_at),
        ("detailed", "Messages that name the diagnosis or medicine", patient.detailed_messages, None),
    ]
    policy = f"Clinic messaging notice, version {patient.consent_text_version or 'not recorded'}"
    resources = []
    for key, label, given, opted_out_at in rows:
        if not given and opted_out_at is None:
            continue
        resources.append(
            compact(
                {
                    "resourceType": "Consent",
                    "id": resource_id("Consent", f"{patient.pk}/{key}"),
                    "status": "inactive" if opted_out_at else "active",
                    "scope": concept(coding(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent")),
                    "category": [concept(coding(codes.LOINC, codes.LOINC_CONSENT, "Patient consent"), text=label)],
                    "patient": patient_reference(patient),
                    "dateTime": instant(patient.consent_at),
                    "policyRule": concept(text=policy),
                    "provision": compact(
                        {
                            "type": "permit",
                            "period": compact({"start": instant(patient.consent_at), "end": instant(opted_out_at)})
                            or None,
                            "purpose": [coding(codes.code_system("consent-purpose"), key, label)],
                        }
                    ),
                }
            )
        )
    return resources
