"""Symptom and side-effect reports, with immediate escalation of red flags and grade >= 3."""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import DomainError
from clinic.timezones import EARLIEST_DATE, is_plausible_date
from patients import protocols
from patients.audit import audit_record
from patients.models import AuditAction, Patient, ReportSource, SymptomReport, TaskPriority, TaskSource
from patients.services.tasks import care_task_open

CLOCK_SKEW = timedelta(minutes=5)


def symptom_is_urgent(*, symptom: str, grade: int) -> tuple[bool, bool]:
    """(is red flag, is urgent) from the brief's red-flag list and the grade >= 3 rule."""
    red_flag = protocols.SYMPTOMS_BY_KEY[symptom].red_flag
    return red_flag, red_flag or grade >= protocols.URGENT_GRADE


@transaction.atomic
def symptom_report_record(
    *,
    patient: Patient,
    symptom: str,
    grade: int,
    source: str,
    reported_at: datetime,
    note: str = "",
    onset_on: date | None = None,
    recorded_by: User | None = None,
    audit_via: str = "",
    request: HttpRequest | None = None,
) -> tuple[SymptomReport, bool]:
    """Store a report; a red flag or grade >= 3 opens an urgent task at once. Returns (report, urgent).

    With `audit_via` (e.g. "console") the audit entry is written here, in the same transaction; the admin
    and the API write their own and leave it empty.
    """
    if symptom not in protocols.SYMPTOMS_BY_KEY:
        raise DomainError("Choose a symptom from the list, or Other and describe it.", field="symptom")
    if not isinstance(grade, int) or not 1 <= grade <= 5:
        raise DomainError("Grade must be a whole number from 1 (mild) to 5.", field="grade")
    if source not in ReportSource.values:
        raise DomainError("Say where the report came from.", field="source")
    if timezone.is_naive(reported_at):
        raise DomainError("Give the report time with its time zone.", field="reported_at")
    if reported_at > timezone.now() + CLOCK_SKEW:
        raise DomainError("The report time is in the future; enter when the patient reported it.", field="reported_at")
    if symptom == "other" and not note.strip():
        raise DomainError("Describe the symptom when choosing Other.", field="note")
    if onset_on is not None and not is_plausible_date(onset_on):
        raise DomainError(f"Enter the date the symptom began, after {EARLIEST_DATE.year}.", field="onset_on")
    if onset_on is not None and onset_on > timezone.localdate(reported_at):
        raise DomainError("The symptom cannot begin after it was reported; check the date it began.", field="onset_on")
    red_flag, urgent = symptom_is_urgent(symptom=symptom, grade=grade)
    report = SymptomReport.objects.create(
        patient=patient,
        symptom=symptom,
        grade=grade,
        source=source,
        reported_at=reported_at,
        note=note,
        onset_on=onset_on,
        is_red_flag=red_flag,
        is_urgent=urgent,
        recorded_by=recorded_by if recorded_by is not None and recorded_by.is_authenticated else None,
    )
    if urgent:
        meaning = protocols.SYMPTOMS_BY_KEY[symptom]
        why = f"red flag ({meaning.why})" if red_flag else f"grade {grade}: {protocols.GRADE_MEANINGS[grade]}"
        care_task_open(
            patient=patient,
            title=f"Urgent: {meaning.label}, grade {grade} — call the patient now",
            priority=TaskPriority.URGENT,
            due=timezone.now(),
            source_kind=TaskSource.SYMPTOM,
            source_id=report.pk,
            detail=f"Reported {report.get_source_display().lower()}: {why}. {note}".strip()
            + f" Patient advice: {protocols.RED_FLAG_PATIENT_ADVICE}",
        )
    if audit_via and recorded_by is not None:
        audit_record(
            actor=recorded_by,
            action=AuditAction.CREATE,
            obj=report,
            request=request,
            via=audit_via,
            changed_fields=["symptom", "grade", "source", "reported_at", "onset_on", "note"],
        )
    return report, urgent
