"""Fictional care records for the demo patients (patients/demo.py), written through the services.

Idempotent: a patient that already has a care record is left alone. Dates are relative to today
so the demo always shows results over time, a couple of overdue items, a red flag and tasks.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from clinic.months import add_months
from clinic.timezones import clinic_today
from patients.demo import DEMO_PATIENTS
from patients.models import CareRecord, ConcomitantMedication, InsurancePolicy, Patient, Resource
from patients.resource_directory import ensure_resources
from patients.services import (
    care_task_create,
    genetic_test_result_record,
    lab_result_record,
    medication_start,
    monitoring_schedule_generate,
    note_add,
    resource_assign,
    symptom_report_record,
)
from patients.services.records import care_record_save

D = Decimal


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _record(patient: Patient, **fields) -> CareRecord:
    return care_record_save(record=CareRecord(patient=patient, **fields))


def _qpcr(
    patient: Patient, start: date, months: int, is_percent: str | None, by: User, copies: int = 60_000, days: int = 0
) -> None:
    sample = add_months(start, months) + timedelta(days=days)
    genetic_test_result_record(
        patient=patient,
        kind="bcr_abl1_qpcr",
        collected_on=sample,
        resulted_on=sample + timedelta(5),
        ordered_on=sample - timedelta(days=2),
        lab="Demo Molecular Lab (fictional)",
        method="RT-qPCR",
        bcr_abl1_detected=is_percent is not None,
        is_percent=D(is_percent) if is_percent is not None else None,
        control_copies=copies,
        recorded_by=by,
    )


def _asha(patient: Patient, today: date, by: User) -> None:
    """CML chronic phase on imatinib 400 mg for 14 months, in MMR; a couple of overdue items."""
    start = add_months(today, -14)
    _record(
        patient,
        diagnosis="cml",
        cml_phase="chronic",
        icd10_code="C92.10",
        diagnosed_on=start - timedelta(30),
        treating_oncologist="Dr. S. Demo-Rao (fictional)",
    )
    genetic_test_result_record(
        patient=patient,
        kind="ph_chromosome",
        method="FISH",
        ph_result="positive",
        collected_on=start - timedelta(28),
        resulted_on=start - timedelta(21),
        recorded_by=by,
    )
    genetic_test_result_record(
        patient=patient,
        kind="bcr_abl1_qual",
        transcript="e14a2",
        collected_on=start - timedelta(28),
        resulted_on=start - timedelta(20),
        recorded_by=by,
    )
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=400, started_on=start, by=by)
    for months, value in ((3, "8.5"), (6, "0.9"), (9, "0.3"), (12, "0.08")):
        _qpcr(patient, start, months, value, by)
    monitoring_schedule_generate(patient=patient, on=today - timedelta(days=45))  # leaves overdue items
    lab_result_record(
        patient=patient,
        taken_on=today - timedelta(days=75),
        anc=D("2.1"),
        platelets=D("182"),
        wbc=D("5.2"),
        alt_x_uln=D("0.8"),
        ast_x_uln=D("0.7"),
        bilirubin_x_uln=D("0.6"),
        recorded_by=by,
    )
    ConcomitantMedication.objects.create(
        patient=patient, name="Paracetamol 500 mg", dose_text="as needed", note="For joint pain"
    )
    InsurancePolicy.objects.create(
        patient=patient,
        payer="Demo Health Insurance (fictional)",
        policy_number="DH-1001",
        prior_auth_status="approved",
        prior_auth_reference="PA-5521",
        prior_auth_expires_on=today + timedelta(days=20),
    )
    resource_assign(
        patient=patient,
        resource=Resource.objects.get(name="Medicine Assistance Tool"),
        status="referred",
        follow_up_on=today + timedelta(days=7),
        by=by,
    )
    resource_assign(
        patient=patient, resource=Resource.objects.get(name="Nutrition counselling"), status="enrolled", by=by
    )
    care_task_create(
        patient=patient,
        title="Call about the next imatinib refill",
        priority="normal",
        due=today + timedelta(days=1),
        created_by=by,
    )
    note_add(patient=patient, body="Tolerating imatinib well; mild joint pain in the mornings.", author=by)


def _ravi(patient: Patient, today: date, by: User) -> None:
    """CML chronic phase, 7 months on imatinib with warning results and a red-flag symptom."""
    start = add_months(today, -7)
    _record(
        patient,
        diagnosis="cml",
        cml_phase="chronic",
        icd10_code="C92.10",
        diagnosed_on=start - timedelta(20),
        treating_oncologist="Dr. P. Demo-Iyer (fictional)",
    )
    genetic_test_result_record(
        patient=patient,
        kind="bcr_abl1_qual",
        transcript="e13a2",
        collected_on=start - timedelta(18),
        resulted_on=start - timedelta(12),
        recorded_by=by,
    )
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=400, started_on=start, by=by)
    _qpcr(patient, start, 3, "15", by)
    _qpcr(patient, start, 6, "4.2", by)
    monitoring_schedule_generate(patient=patient, on=today - timedelta(days=40))
    ConcomitantMedication.objects.create(
        patient=patient,
        name="Clarithromycin",
        dose_text="500 mg twice daily",
        started_on=today - timedelta(days=3),
        note="Chest infection (GP)",
    )
    symptom_report_record(
        patient=patient,
        symptom="black_stools",
        grade=2,
        source="sms",
        reported_at=timezone.now() - timedelta(hours=2),
        note="Replied to the weekly check-in: black stools since yesterday.",
        recorded_by=None,
    )
    symptom_report_record(
        patient=patient,
        symptom="muscle_cramps",
        grade=1,
        source="whatsapp",
        reported_at=_at(today - timedelta(days=6)),
        recorded_by=None,
    )
    InsurancePolicy.objects.create(patient=patient, payer="Demo State Scheme (fictional)", prior_auth_status="pending")
    resource_assign(
        patient=patient,
        resource=Resource.objects.get(name="Patient Advocate Foundation"),
        status="suggested",
        follow_up_on=today - timedelta(days=1),
        by=by,
    )


def _lakshmi(patient: Patient, today: date, by: User) -> None:
    """Advanced GIST (small intestine), KIT exon 11, on imatinib 400 mg."""
    start = add_months(today, -5)
    _record(
        patient,
        diagnosis="gist",
        gist_site="small_intestine",
        gist_extent="advanced",
        icd10_code="C49.A3",
        diagnosed_on=start - timedelta(45),
        treating_oncologist="Dr. A. Demo-Nair (fictional)",
    )
    genetic_test_result_record(
        patient=patient,
        kind="gist_mutation",
        method="NGS",
        gist_finding="kit_exon_11",
        variant_detail="p.W557_K558del",
        collected_on=start - timedelta(40),
        resulted_on=start - timedelta(30),
        recorded_by=by,
    )
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=400, started_on=start, by=by)
    symptom_report_record(
        patient=patient,
        symptom="swelling_mild",
        grade=1,
        source="web",
        reported_at=_at(today - timedelta(days=10)),
        note="Puffy eyes in the morning.",
    )
    resource_assign(patient=patient, resource=Resource.objects.get(name="Cancer.Net"), status="enrolled", by=by)


def _farhan(patient: Patient, today: date, by: User) -> None:
    """Resected high-risk gastric GIST with PDGFRA D842V, started on adjuvant imatinib: flagged."""
    start = today - timedelta(days=50)
    _record(
        patient,
        diagnosis="gist",
        gist_site="stomach",
        gist_risk="high",
        gist_extent="resected",
        resected_on=start - timedelta(40),
        icd10_code="C49.A2",
        diagnosed_on=start - timedelta(55),
        treating_oncologist="Dr. K. Demo-Reddy (fictional)",
    )
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=400, started_on=start, by=by)
    genetic_test_result_record(
        patient=patient,
        kind="gist_mutation",
        method="NGS",
        gist_finding="pdgfra_d842v",
        variant_detail="p.D842V",
        collected_on=start - timedelta(35),
        resulted_on=today - timedelta(3),
        recorded_by=by,
    )
    InsurancePolicy.objects.create(
        patient=patient,
        payer="Demo Health Insurance (fictional)",
        policy_number="DH-2040",
        prior_auth_status="approved",
        prior_auth_expires_on=today + timedelta(days=150),
    )


def _sunita(patient: Patient, today: date, by: User) -> None:
    """Ph+ ALL (e1a2) on imatinib 600 mg with chemotherapy; low platelets on the last count."""
    start = add_months(today, -4)
    _record(
        patient,
        diagnosis="ph_all",
        icd10_code="C91.00",
        diagnosed_on=start - timedelta(15),
        treating_oncologist="Dr. M. Demo-Joshi (fictional)",
    )
    genetic_test_result_record(
        patient=patient,
        kind="bcr_abl1_qual",
        transcript="e1a2",
        collected_on=start - timedelta(14),
        resulted_on=start - timedelta(9),
        recorded_by=by,
    )
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=600, started_on=start, by=by)
    _qpcr(patient, start, 3, "0.5", by, copies=45_000)
    lab_result_record(
        patient=patient,
        taken_on=today - timedelta(days=2),
        anc=D("1.3"),
        platelets=D("45"),
        wbc=D("2.8"),
        recorded_by=by,
    )
    note_add(patient=patient, body="Chemotherapy cycle 3 under the haematology team; imatinib continues.", author=by)


BUILDERS = [_asha, _ravi, _lakshmi, _farhan, _sunita]


@transaction.atomic
def seed(out: TextIO) -> None:
    added = ensure_resources(Resource)
    today = clinic_today()
    made = 0
    for (_name, phone, _language, _channel), build in zip(DEMO_PATIENTS, BUILDERS, strict=True):
        patient = Patient.objects.filter(phone=phone).select_related("coordinator").first()
        if patient is None or CareRecord.objects.filter(patient=patient).exists():
            continue
        by = patient.coordinator or User.objects.get(username="coordinator")
        build(patient, today, by)
        made += 1
    out.write(f"Resources directory: {added} added. Demo care records: {made} created.\n")
