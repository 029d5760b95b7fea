"""Care-record factories: rows built through the services where the services own the rule."""

from datetime import date, timedelta
from decimal import Decimal

from patients.models import CareRecord, GeneticTest, ItemSource, MonitoringItem, Patient
from patients.services import genetic_test_result_record, medication_start
from patients.services.records import care_record_save
from tests.factories.people import PatientFactory


def cml_patient(*, started_on: date, coordinator=None, dose: int = 400, **record) -> Patient:
    """A chronic-phase CML patient on imatinib since `started_on`."""
    patient = PatientFactory(coordinator=coordinator)
    care_record_save(
        record=CareRecord(patient=patient, diagnosis="cml", cml_phase="chronic", diagnosed_on=started_on, **record)
    )
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=dose, started_on=started_on)
    return patient


def record_for(patient: Patient, **fields) -> CareRecord:
    return care_record_save(record=CareRecord(patient=patient, **fields))


def qpcr(patient: Patient, sample_on: date, is_percent: str | None, *, copies: int = 50_000) -> GeneticTest:
    return genetic_test_result_record(
        patient=patient,
        kind="bcr_abl1_qpcr",
        collected_on=sample_on,
        resulted_on=sample_on,
        bcr_abl1_detected=is_percent is not None,
        is_percent=Decimal(is_percent) if is_percent is not None else None,
        control_copies=copies,
    )


def item_added_by_hand(
    patient: Patient, *, kind: str, due_on: date, window_days: int = 0, reason: str = "test"
) -> MonitoringItem:
    """A monitoring item staff added outside the protocol's schedule, due on `due_on` give or take `window_days`."""
    return MonitoringItem.objects.create(
        patient=patient,
        kind=kind,
        due_on=due_on,
        window_starts_on=due_on - timedelta(days=window_days),
        window_ends_on=due_on + timedelta(days=window_days),
        reason=reason,
        source=ItemSource.MANUAL,
        override_reason="test",
    )
