"""Test results: store the typed result, derive response and ELN assessment, then follow up.

Follow-up after a result: tasks for warning / failure / loss of MMR / worrying mutations, the
matching monitoring item marked done, the record's flags refreshed and the schedule regenerated
(e.g. qPCR spacing changes once MMR is confirmed).
"""

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from clinic.errors import DomainError
from clinic.timezones import clinic_today, format_date
from patients import clinical, protocols
from patients.audit import audit_record
from patients.models import (
    AuditAction,
    CareRecord,
    Diagnosis,
    GeneticTest,
    LabResult,
    MonitoringKind,
    Patient,
    TaskPriority,
    TaskSource,
    TestKind,
    TestStatus,
)
from patients.molecular import eln_assess
from patients.services.monitoring import (
    as_prior,
    monitoring_item_add_event,
    monitoring_item_complete,
    monitoring_items_supersede,
    planned_item_for_result,
    protocol_values,
    qpcr_history,
)
from patients.services.tasks import care_task_open

# Which schedule items a result fulfils.
ITEM_KINDS_FOR_TEST: dict[str, list[str]] = {
    TestKind.BCR_ABL1_QPCR: [MonitoringKind.BCR_ABL1_QPCR],
    TestKind.MARROW_CYTOGENETICS: [MonitoringKind.BONE_MARROW],
}


def _actor(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


@transaction.atomic
def genetic_test_result_record(
    *,
    patient: Patient,
    kind: str,
    resulted_on: date,
    collected_on: date | None = None,
    test: GeneticTest | None = None,
    ordered_on: date | None = None,
    lab: str = "",
    method: str = "",
    ph_result: str = "",
    transcript: str = "",
    bcr_abl1_detected: bool | None = None,
    is_percent: Decimal | None = None,
    control_copies: int | None = None,
    kd_mutation: str = "",
    high_risk_aca: bool | None = None,
    gist_finding: str = "",
    variant_detail: str = "",
    result_text: str = "",
    report_file: "File[Any] | None" = None,  # quoted: File takes no type arguments at run time
    recorded_by: User | None = None,
    audit_via: str = "",
    request: HttpRequest | None = None,
) -> GeneticTest:
    """Record a typed result (on an ordered test, or as a new test) and run the follow-ups.

    With `audit_via` (e.g. "console") the audit entry is written here, in the same transaction; the admin
    and the API write their own and leave it empty.
    """
    created = test is None
    if test is None:
        test = GeneticTest(patient=patient, kind=kind)
    elif test.patient_id != patient.pk or test.kind != kind:
        raise ValueError("The test belongs to another patient or is of another kind.")
    values: dict[str, Any] = {
        "status": TestStatus.RESULTED,
        "resulted_on": resulted_on,
        "collected_on": collected_on or test.collected_on,
        "ordered_on": ordered_on or test.ordered_on,
        "lab": lab or test.lab,
        "method": method or test.method,
        "ph_result": ph_result,
        "transcript": transcript,
        "bcr_abl1_detected": bcr_abl1_detected,
        "is_percent": is_percent,
        "control_copies": control_copies,
        "kd_mutation": kd_mutation.strip(),
        "high_risk_aca": high_risk_aca,
        "gist_finding": gist_finding,
        "variant_detail": variant_detail,
        "result_text": result_text,
    }
    for name, value in values.items():
        setattr(test, name, value)
    if kind == TestKind.BCR_ABL1_QPCR and bcr_abl1_detected is None and is_percent is not None:
        test.bcr_abl1_detected = True
    if report_file is not None:
        test.report_file = report_file
    test = genetic_test_save(test=test, by=recorded_by)
    if audit_via and recorded_by is not None:
        typed = [name for name, value in values.items() if value not in ("", None)]
        audit_record(
            actor=recorded_by,
            action=AuditAction.CREATE if created else AuditAction.CHANGE,
            obj=test,
            changed_fields=typed,
            request=request,
            via=audit_via,
        )
    return test


@transaction.atomic
def genetic_test_save(*, test: GeneticTest, by: User | None = None) -> GeneticTest:
    """Validate and save a test at any stage of its lifecycle; a result gets its derived fields and follow-ups."""
    if test.kind == TestKind.BCR_ABL1_QPCR and test.bcr_abl1_detected is False:
        test.is_percent = None
    _check_lifecycle(test)
    test.full_clean()
    if test.recorded_by_id is None:
        test.recorded_by = _actor(by)
    resulted = test.status == TestStatus.RESULTED
    record = CareRecord.objects.filter(patient_id=test.patient_id).first()
    if resulted and test.kind == TestKind.BCR_ABL1_QPCR:
        _assess(test, record, values=protocol_values())
    else:
        _clear_derived(test)
    test.save()
    if resulted:
        if test.kind == TestKind.BCR_ABL1_QPCR:
            _reassess_later_results(test, record)
        _follow_up(test, record, by=by)
    from patients.services.records import care_record_refresh

    care_record_refresh(patient=test.patient)
    return test


# not ordered → ordered → sample collected → resulted, or cancelled; a result or a cancellation is final.
FINAL_STATUSES: dict[str, str] = {TestStatus.RESULTED: "resulted", TestStatus.CANCELLED: "cancelled"}


def _check_lifecycle(test: GeneticTest) -> None:
    if test.pk is None:
        return
    stored = GeneticTest.objects.filter(pk=test.pk).values_list("status", flat=True).first()
    if stored in FINAL_STATUSES and test.status != stored:
        raise DomainError(
            f"This test is {FINAL_STATUSES[stored]} and cannot change status; record a new test instead.",
            field="status",
        )


def _clear_derived(test: GeneticTest) -> None:
    test.molecular_response = test.eln_milestone = test.eln_assessment = test.eln_rule = ""
    test.months_on_treatment = None
    test.needs_confirmation = test.lost_mmr = False


def _assess(test: GeneticTest, record: CareRecord | None, *, values: dict[str, int]) -> None:
    prior = [as_prior(t) for t in qpcr_history(test.patient) if t.pk != test.pk and t.sample_on < test.sample_on]
    result = eln_assess(
        # A resulted qPCR always has its control copies (constraint qpcr_result_has_control_copies).
        detected=bool(test.bcr_abl1_detected),
        is_percent=test.is_percent,
        control_copies=cast(int, test.control_copies),
        sample_on=test.sample_on,
        started_on=record.tki_started_on if record else None,
        prior=prior,
        early_days=values["milestone_early_days"],
    )
    test.molecular_response = result.molecular_response
    test.months_on_treatment = result.months_on_treatment
    test.lost_mmr = result.lost_mmr
    if record is not None and record.diagnosis != Diagnosis.CML:
        # ELN 2020 milestones are for CML; other diagnoses get the response level only.
        test.eln_milestone, test.eln_assessment, test.needs_confirmation = "", "not_assessed", False
        test.eln_rule = f"{protocols.ELN_SOURCE} milestones apply to CML; no milestone assessment for this diagnosis."
        return
    test.eln_milestone, test.eln_assessment = result.milestone, result.assessment
    # No sample date: the report date stood in. Say so in the rule the console and API show, never silently.
    fallback = " Assessed on the report date: no sample date recorded." if test.collected_on is None else ""
    test.eln_rule = result.rule[: 300 - len(fallback)] + fallback
    test.needs_confirmation = result.needs_confirmation


def _reassess_later_results(test: GeneticTest, record: CareRecord | None) -> None:
    """A result entered late can change later ones (confirmation of failure, loss of MMR)."""
    values = protocol_values()
    for later in qpcr_history(test.patient):
        if later.pk != test.pk and later.sample_on > test.sample_on:
            _assess(later, record, values=values)
            later.save(update_fields=[*GeneticTest.DERIVED_FIELDS, "updated_at"])


def _follow_up(test: GeneticTest, record: CareRecord | None, *, by: User | None) -> None:
    item = None
    if test.kind in ITEM_KINDS_FOR_TEST:
        later = Q(collected_on__gt=test.sample_on) | Q(collected_on__isnull=True, resulted_on__gt=test.sample_on)
        newest = not GeneticTest.objects.filter(
            later, patient=test.patient, kind=test.kind, status=TestStatus.RESULTED
        ).exists()
        item = planned_item_for_result(
            patient=test.patient, kinds=ITEM_KINDS_FOR_TEST[test.kind], sample_on=test.sample_on
        )
        if item is None and newest:
            monitoring_items_supersede(patient=test.patient, kinds=ITEM_KINDS_FOR_TEST[test.kind], on=clinic_today())
    if item is not None:
        monitoring_item_complete(item=item, completed_on=min(test.sample_on, clinic_today()), by=by, genetic_test=test)
    task = _task_for_result(test, record)
    if task is not None:
        title, priority, detail = task
        care_task_open(
            patient=test.patient,
            title=title,
            priority=priority,
            due=clinic_today(),
            source_kind=TaskSource.GENETIC_TEST,
            source_id=test.pk,
            detail=detail,
        )
    response_lost = test.eln_assessment == "failure" or test.lost_mmr
    if record is not None and record.diagnosis == Diagnosis.CML and response_lost:
        days = protocol_values()["marrow_after_failure_days"]
        monitoring_item_add_event(
            patient=test.patient,
            kind=MonitoringKind.BONE_MARROW,
            slot=test.sample_on,
            days=days,
            key="marrow_event",
            reason="Bone marrow cytogenetics at failure or loss of response (brief: monitoring cadence).",
        )


def _task_for_result(test: GeneticTest, record: CareRecord | None) -> tuple[str, str, str] | None:
    """(title, priority, detail) when a result needs a coordinator to act, else None."""
    when = format_date(test.sample_on)
    if test.kind == TestKind.BCR_ABL1_QPCR:
        if test.lost_mmr:
            restart = (
                f" In TFR: restart imatinib within {protocols.TFR_RESTART_WEEKS} weeks."
                if record and record.treatment_phase == "tfr"
                else ""
            )
            return (f"Loss of MMR ({when}): review with the oncologist", TaskPriority.URGENT, test.eln_rule + restart)
        if test.eln_assessment == "failure":
            return (f"BCR::ABL1 failure ({when}): review with the oncologist", TaskPriority.URGENT, test.eln_rule)
        if test.eln_assessment == "warning":
            return (
                f"BCR::ABL1 warning ({when}): arrange the repeat test and tell the oncologist",
                TaskPriority.HIGH,
                test.eln_rule,
            )
        if test.molecular_response == "not_evaluable":
            return (f"Repeat BCR::ABL1 ({when}): sample not evaluable", TaskPriority.NORMAL, test.eln_rule)
        return None
    if test.kind == TestKind.KINASE_DOMAIN and test.kd_mutation:
        return (
            f"Resistance mutation {test.kd_mutation}: review with the oncologist",
            TaskPriority.URGENT,
            protocols.ELN_SOURCE,
        )
    if test.high_risk_aca:
        return (
            "High-risk chromosomal abnormality: review with the oncologist",
            TaskPriority.URGENT,
            protocols.ELN_SOURCE,
        )
    if test.kind == TestKind.GIST_MUTATION:
        meaning = protocols.GIST_FINDINGS.get(test.gist_finding)
        if meaning and meaning.level in ("danger", "warning"):
            priority = TaskPriority.HIGH if meaning.level == "danger" else TaskPriority.NORMAL
            return (f"GIST mutation {meaning.label}: review with the oncologist", priority, meaning.meaning)
    if test.kind in (TestKind.PH_CHROMOSOME, TestKind.BCR_ABL1_QUALITATIVE, TestKind.MARROW_CYTOGENETICS) and record:
        inconsistent = [
            f
            for f in clinical.suitability_flags(record=record, tests=[test], dose_mg_per_day=None)
            if f.text.startswith("Diagnosis inconsistent")
        ]
        if inconsistent:
            return ("Diagnosis inconsistent with a test result: review", TaskPriority.HIGH, inconsistent[0].text)
    return None


@transaction.atomic
def lab_result_record(
    *,
    patient: Patient,
    taken_on: date,
    anc: Decimal | None = None,
    platelets: Decimal | None = None,
    wbc: Decimal | None = None,
    haemoglobin: Decimal | None = None,
    alt_x_uln: Decimal | None = None,
    ast_x_uln: Decimal | None = None,
    bilirubin_x_uln: Decimal | None = None,
    lab: str = "",
    recorded_by: User | None = None,
    audit_via: str = "",
    request: HttpRequest | None = None,
) -> LabResult:
    """Store blood counts / liver tests, note label hold criteria met (guidance only) and close the schedule items.

    With `audit_via` the audit entry is written here, in the same transaction (as in genetic_test_result_record).
    """
    values = {
        "taken_on": taken_on,
        "anc": anc,
        "platelets": platelets,
        "wbc": wbc,
        "haemoglobin": haemoglobin,
        "alt_x_uln": alt_x_uln,
        "ast_x_uln": ast_x_uln,
        "bilirubin_x_uln": bilirubin_x_uln,
        "lab": lab,
    }
    result = lab_result_save(
        result=LabResult(patient=patient, recorded_by=_actor(recorded_by), **values), by=recorded_by
    )
    if audit_via and recorded_by is not None:
        audit_record(
            actor=recorded_by,
            action=AuditAction.CREATE,
            obj=result,
            request=request,
            via=audit_via,
            changed_fields=[name for name, value in values.items() if value not in ("", None)],
        )
    return result


@transaction.atomic
def lab_result_save(*, result: LabResult, by: User | None = None) -> LabResult:
    """Validate, derive the hold findings, save and follow up (admin and API share this)."""
    result.full_clean()
    result.hold_findings = clinical.lab_hold_findings(
        anc=result.anc,
        platelets=result.platelets,
        alt_x_uln=result.alt_x_uln,
        ast_x_uln=result.ast_x_uln,
        bilirubin_x_uln=result.bilirubin_x_uln,
    )
    if result.recorded_by_id is None:
        result.recorded_by = _actor(by)
    result.save()
    counts = any(v is not None for v in (result.anc, result.platelets, result.wbc, result.haemoglobin))
    liver = any(v is not None for v in (result.alt_x_uln, result.ast_x_uln, result.bilirubin_x_uln))
    for wanted, kind in ((counts, MonitoringKind.CBC), (liver, MonitoringKind.LIVER)):
        item = (
            planned_item_for_result(patient=result.patient, kinds=[kind], sample_on=result.taken_on) if wanted else None
        )
        if item is not None:
            monitoring_item_complete(item=item, completed_on=result.taken_on, by=by, lab_result=result)
    if result.hold_findings:
        findings = "; ".join(f"{h.finding}: {h.guidance}" for h in result.hold_guidance)
        title = f"Blood results {format_date(result.taken_on)}: label hold criteria met — tell the oncologist"
        care_task_open(
            patient=result.patient,
            title=title,
            priority=TaskPriority.URGENT,
            due=clinic_today(),
            source_kind=TaskSource.LAB_RESULT,
            source_id=result.pk,
            detail=f"{findings} Guidance from the imatinib label; the oncologist decides.",
        )
    return result
