"""The care record and what hangs off it: flags, medication and dose changes, notes, resources, daily sweep."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from clinic.errors import Conflict, DomainError
from clinic.timezones import clinic_today, format_date
from patients import clinical
from patients.audit import audit_record
from patients.capabilities import can_add_note
from patients.models import (
    AssignmentStatus,
    AuditAction,
    CareRecord,
    DoseChange,
    GeneticTest,
    Medication,
    Note,
    Patient,
    Resource,
    ResourceAssignment,
    TreatmentPhase,
)
from patients.services.monitoring import monitoring_schedule_generate


def _actor(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def active_tki(patient: Patient) -> Medication | None:
    return Medication.objects.filter(patient=patient, is_tki=True, stopped_on__isnull=True).first()


@transaction.atomic
def care_record_save(*, record: CareRecord, by: User | None = None) -> CareRecord:
    """Validate and save diagnosis / phase changes, then refresh flags and the schedule."""
    record.full_clean()
    record.save()
    care_record_refresh(patient=record.patient)
    return record


@transaction.atomic
def care_record_refresh(*, patient: Patient, on: date | None = None) -> CareRecord | None:
    """Re-derive the record's flags, take the TKI start from the medication list, regenerate the schedule."""
    record = CareRecord.objects.select_for_update().filter(patient=patient).first()
    if record is None:
        return None
    tki = active_tki(patient)
    changed = []
    if tki is not None and record.tki_started_on is None:
        record.tki_started_on = tki.started_on
        changed.append("tki_started_on")
    started = tki is not None and tki.started_on <= clinic_today()
    if started and record.treatment_phase == TreatmentPhase.NOT_STARTED:
        adjuvant = record.diagnosis == "gist" and record.gist_extent == "resected"
        record.treatment_phase = TreatmentPhase.ADJUVANT if adjuvant else TreatmentPhase.ON_TREATMENT
        changed.append("treatment_phase")
    tests = list(GeneticTest.objects.filter(patient=patient))
    flags = [
        f
        for f in clinical.suitability_flags(
            record=record, tests=tests, dose_mg_per_day=tki.dose_mg_per_day if tki else None
        )
        if f.needs_attention
    ]
    summary = "\n".join(f.text for f in flags)
    if record.has_flags != bool(flags) or record.flag_summary != summary:
        record.has_flags, record.flag_summary = bool(flags), summary
        changed += ["has_flags", "flag_summary"]
    if changed:
        record.save(update_fields=[*changed, "updated_at"])
    monitoring_schedule_generate(care_record=record, on=on)
    return record


@transaction.atomic
def medication_start(
    *,
    patient: Patient,
    drug: str,
    dose_mg_per_day: int,
    started_on: date,
    schedule: str = "once_daily",
    is_tki: bool = True,
    by: User | None = None,
) -> Medication:
    """Start a drug course; the first TKI course sets the record's start date and phase."""
    medication = Medication(
        patient=patient,
        drug=drug.strip() or "imatinib",
        dose_mg_per_day=dose_mg_per_day,
        started_on=started_on,
        schedule=schedule,
        is_tki=is_tki,
    )
    medication.full_clean()
    try:
        with transaction.atomic():
            medication.save()
    except IntegrityError as exc:
        raise Conflict(
            "The patient already has an active TKI course; stop it before starting another.", field="drug"
        ) from exc
    care_record_refresh(patient=patient)
    return medication


@transaction.atomic
def medication_dose_change(
    *,
    medication: Medication,
    to_mg: int,
    changed_on: date,
    reason: str,
    by: User | None = None,
    audit_via: str = "",
    request: HttpRequest | None = None,
) -> DoseChange:
    """Change the daily dose, keeping the old and new dose and the reason.

    With `audit_via` ("api", "console") the audit entry is written here, in the same transaction.
    """
    medication = Medication.objects.select_for_update().get(pk=medication.pk)
    if not reason.strip():
        raise DomainError("Say why the dose changes.", field="reason")
    if not 1 <= to_mg <= 1000:
        raise DomainError("Enter the new daily dose in mg (1 to 1000).", field="to_mg")
    if to_mg == medication.dose_mg_per_day:
        raise DomainError(f"The dose is already {to_mg} mg/day.", field="to_mg")
    if medication.stopped_on is not None:
        raise Conflict("This course was stopped; start a new course instead.", field="medication")
    if changed_on < medication.started_on or changed_on > clinic_today() + timedelta(days=31):
        raise DomainError(
            "The change date must fall between the course start and a month from now.", field="changed_on"
        )
    change = DoseChange.objects.create(
        patient=medication.patient,
        medication=medication,
        changed_on=changed_on,
        from_mg=medication.dose_mg_per_day,
        to_mg=to_mg,
        reason=reason.strip(),
        recorded_by=_actor(by),
    )
    medication.dose_mg_per_day = to_mg
    medication.save(update_fields=["dose_mg_per_day"])
    care_record_refresh(patient=medication.patient)
    if audit_via and by is not None:
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=change,
            request=request,
            via=audit_via,
            changed_fields=["to_mg", "changed_on", "reason"],
        )
    return change


@transaction.atomic
def medication_stop(*, medication: Medication, stopped_on: date, reason: str, by: User | None = None) -> Medication:
    """End a drug course with its reason; the record's flags and schedule follow."""
    medication = Medication.objects.select_for_update().get(pk=medication.pk)
    if medication.stopped_on is not None:
        raise Conflict(f"This course already stopped on {format_date(medication.stopped_on)}.", field="stopped_on")
    if not reason.strip():
        raise DomainError("Say why the drug was stopped.", field="stop_reason")
    if stopped_on < medication.started_on or stopped_on > clinic_today():
        raise DomainError("The stop date must fall between the course start and today.", field="stopped_on")
    medication.stopped_on, medication.stop_reason = stopped_on, reason.strip()[:200]
    medication.save(update_fields=["stopped_on", "stop_reason"])
    care_record_refresh(patient=medication.patient)
    return medication


@transaction.atomic
def note_add(*, patient: Patient, body: str, author: User) -> Note:
    """Add a timestamped note; coordinators and the patient's experts may write them (PermissionDenied otherwise)."""
    if not can_add_note(author, patient):
        raise PermissionDenied("Only clinic staff who can see this patient's record can add a note to it.")
    if not body.strip():
        raise DomainError("Write the note before saving.", field="body")
    return Note.objects.create(patient=patient, body=body.strip(), author=author, author_name=author.get_username())


@transaction.atomic
def resource_assign(
    *,
    patient: Patient,
    resource: Resource,
    status: str = AssignmentStatus.SUGGESTED,
    follow_up_on: date | None = None,
    note: str = "",
    by: User | None = None,
) -> ResourceAssignment:
    """Offer a directory resource to a patient; one assignment per resource."""
    if not resource.is_active:
        raise DomainError("This resource is no longer offered; choose another.", field="resource")
    try:
        with transaction.atomic():
            return ResourceAssignment.objects.create(
                patient=patient,
                resource=resource,
                status=status,
                follow_up_on=follow_up_on,
                note=note,
                assigned_by=_actor(by),
            )
    except IntegrityError as exc:
        raise Conflict(
            f"{resource} is already assigned to this patient; update that assignment.", field="resource"
        ) from exc


def care_sweep(*, on: date | None = None) -> dict[str, int]:
    """Daily: open tasks for expiring authorisations, overdue monitoring and due resource follow-ups.

    All at once, in chunks of one transaction each (patients/sweep.py); the scheduled task runs the
    same phases under a time budget with continuations.
    """
    from patients.sweep import care_sweep_run

    on = on or clinic_today()
    opened, _ = care_sweep_run(on=on, phases=("authorisation", "monitoring_item", "resource"))
    return opened
