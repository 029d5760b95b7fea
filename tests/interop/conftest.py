"""A demo-like care record for FHIR tests: CML on imatinib with results, dose change, schedule, consult,
tasks, messages and consents; and a GIST record with a mutation result."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clinic.months import add_months
from consults.models import ConsultStatus
from messaging.services import message_send
from patients.models import ConcomitantMedication, Medication, Patient
from patients.services import (
    care_task_create,
    genetic_test_result_record,
    lab_result_record,
    medication_dose_change,
    medication_start,
    monitoring_schedule_generate,
)
from tests.factories.care import cml_patient, qpcr, record_for
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.inbound import text_received
from tests.factories.people import PatientFactory

IST = ZoneInfo("Asia/Kolkata")
TODAY = date(2026, 6, 15)
START = date(2025, 4, 20)
MESSAGE_TEXT = "Your next BCR::ABL1 test is due on Monday."
INBOUND_TEXT = "Thank you, I will come on Monday."
# (months after the start, IS % or None for undetectable): warning at 3 months, then optimal, then MMR, then
# MR4.5 (undetectable with 50,000 control copies).
QPCR_SERIES = [(3, "12.5"), (6, "0.8"), (12, "0.05"), (13, None)]


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(datetime(2026, 6, 15, 9, 0, tzinfo=IST), tick=False)


def cml_record_for(coordinator, expert_user=None) -> Patient:
    """The demo CML patient: every kind of row the export turns into a resource."""
    patient = cml_patient(started_on=START, coordinator=coordinator, icd10_code="C92.10")
    Patient.objects.filter(pk=patient.pk).update(
        full_name="Asha Verma",
        date_of_birth=date(1971, 3, 9),
        email="asha@example.org",
        consent_whatsapp=True,
        consent_at=timezone.now() - timedelta(days=400),
        whatsapp_opted_out_at=timezone.now() - timedelta(days=3),
        detailed_messages=True,
    )
    patient.refresh_from_db()
    genetic_test_result_record(
        patient=patient,
        kind="ph_chromosome",
        ph_result="positive",
        method="FISH",
        collected_on=START - timedelta(days=20),
        resulted_on=START - timedelta(days=15),
        lab="City Lab",
    )
    genetic_test_result_record(
        patient=patient, kind="bcr_abl1_qual", transcript="e14a2", resulted_on=START - timedelta(days=15)
    )
    for months, value in QPCR_SERIES:
        qpcr(patient, add_months(START, months), value)
    lab_result_record(
        patient=patient,
        taken_on=add_months(START, 1),
        wbc=Decimal("3.10"),
        anc=Decimal("0.80"),
        platelets=Decimal("140.0"),
        haemoglobin=Decimal("11.2"),
        alt_x_uln=Decimal("1.20"),
        lab="City Lab",
    )
    lab_result_record(patient=patient, taken_on=add_months(START, 2), alt_x_uln=Decimal("0.90"))
    course = Medication.objects.get(patient=patient, is_tki=True)
    medication_dose_change(
        medication=course,
        to_mg=300,
        changed_on=add_months(START, 1) + timedelta(days=2),
        reason="Neutrophils below 1.0: label guidance, oncologist agreed",
    )
    medication_dose_change(medication=course, to_mg=400, changed_on=add_months(START, 2), reason="Counts recovered")
    ConcomitantMedication.objects.create(patient=patient, name="Paracetamol", dose_text="500 mg when needed")
    monitoring_schedule_generate(patient=patient)
    expert = ExpertFactory(user=expert_user)
    ConsultFactory(patient=patient, expert=expert, start=datetime(2026, 6, 20, 10, 0, tzinfo=IST))
    ConsultFactory(
        patient=patient, expert=expert, start=datetime(2026, 1, 20, 10, 0, tzinfo=IST), status=ConsultStatus.COMPLETED
    )
    care_task_create(patient=patient, title="Call about the next test", priority="normal", due=TODAY)
    message_send(
        patient=patient,
        kind="staff_reply",
        context={"text": MESSAGE_TEXT, "staff_name": "Alice"},
        idempotency_key=f"fhir-test-{patient.pk}",
    )
    text_received(str(patient.phone), INBOUND_TEXT, sid=f"SM{patient.pk:032d}", to_address="+15005550006")
    return patient


def gist_record_for(coordinator) -> Patient:
    patient = PatientFactory(coordinator=coordinator)
    record_for(patient, diagnosis="gist", gist_site="small_intestine", gist_extent="advanced", icd10_code="C49.A3")
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=800, started_on=START, schedule="twice_daily")
    genetic_test_result_record(
        patient=patient,
        kind="gist_mutation",
        gist_finding="kit_exon_9",
        variant_detail="c.1504_1509dup",
        resulted_on=START - timedelta(days=10),
    )
    return patient


@pytest.fixture
def cml_record(alice, erin) -> Patient:
    """Alice coordinates; erin is the expert of its consults (so she may view it)."""
    return cml_record_for(alice, expert_user=erin)


@pytest.fixture
def gist_record(alice) -> Patient:
    return gist_record_for(alice)


def audit_table_unavailable(*args, **kwargs) -> None:
    """Stands in for a module's `audit_record`: the audit entry cannot be written."""
    raise RuntimeError("audit table unavailable")
