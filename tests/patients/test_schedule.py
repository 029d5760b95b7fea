"""Monitoring schedule generation for each diagnosis, rescheduling after results, overrides and selectors."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.months import add_months
from patients.models import ItemSource, ItemStatus, MonitoringItem, ProtocolSetting
from patients.schedule import ScheduleInputs, plan_schedule
from patients.selectors import monitoring_items_due, monitoring_items_overdue
from patients.services import (
    monitoring_item_override,
    monitoring_item_skip,
    monitoring_schedule_generate,
)
from patients.services.records import care_record_save
from tests.factories.care import cml_patient, qpcr, record_for
from tests.factories.people import PatientFactory
from tests.patients.conftest import TODAY

pytestmark = pytest.mark.usefixtures("frozen_today")


def _slots(plan, key):
    return [item.planned_for for item in plan if item.protocol_key == key]


def test_cml_on_imatinib_gets_label_blood_tests_and_3_monthly_qpcr():
    plan = plan_schedule(
        ScheduleInputs("cml", "chronic", treatment_phase="on_treatment", tki_started_on=TODAY), on=TODAY
    )
    weeks = [TODAY + timedelta(weeks=w) for w in (1, 2, 3, 4, 6, 8)]
    assert _slots(plan, "cbc") == weeks + [add_months(TODAY, m) for m in (3, 6, 9, 12)]
    assert _slots(plan, "liver") == [TODAY] + [add_months(TODAY, m) for m in range(1, 13)]
    assert _slots(plan, "qpcr") == [add_months(TODAY, m) for m in (3, 6, 9, 12)]


def chronic_cml_on_treatment(**inputs) -> ScheduleInputs:
    """The schedule inputs of a chronic-phase CML patient on a TKI."""
    return ScheduleInputs("cml", "chronic", treatment_phase="on_treatment", **inputs)


def test_qpcr_spacing_widens_once_mmr_is_confirmed():
    last = TODAY - timedelta(days=10)
    inputs = chronic_cml_on_treatment(tki_started_on=date(2024, 1, 1), last_qpcr_on=last, mmr_confirmed=True)
    assert _slots(plan_schedule(inputs, on=TODAY), "qpcr") == [add_months(last, 6), add_months(last, 12)]


def test_warning_brings_the_next_qpcr_forward_then_usual_spacing_resumes():
    last = TODAY - timedelta(days=3)
    inputs = chronic_cml_on_treatment(
        tki_started_on=add_months(TODAY, -6), last_qpcr_on=last, last_qpcr_needs_more=True
    )
    slots = _slots(plan_schedule(inputs, on=TODAY), "qpcr")
    assert slots[:3] == [add_months(last, 1), add_months(last, 4), add_months(last, 7)]


def test_late_next_qpcr_is_due_now_rather_than_invented_in_the_past():
    last = add_months(TODAY, -5)
    inputs = chronic_cml_on_treatment(tki_started_on=add_months(TODAY, -20), last_qpcr_on=last)
    first = next(item for item in plan_schedule(inputs, on=TODAY) if item.protocol_key == "qpcr")
    assert (first.protocol_key, first.planned_for, first.due_on) == ("qpcr", add_months(last, 3), TODAY)


def test_treatment_free_remission_follows_the_tfr_cadence_without_blood_counts():
    stop = add_months(TODAY, -1)
    inputs = ScheduleInputs(
        "cml", "chronic", treatment_phase="tfr", tki_started_on=date(2019, 1, 1), phase_started_on=stop
    )
    plan = plan_schedule(inputs, on=stop, horizon_months=16)
    assert _slots(plan, "tfr_qpcr") == [add_months(stop, m) for m in (1, 2, 3, 4, 5, 6, 8, 10, 12, 15)]
    assert not _slots(plan, "cbc")
    assert not _slots(plan, "liver")


def test_ph_positive_all_gets_qpcr_at_the_configurable_clinic_default():
    plan = plan_schedule(ScheduleInputs("ph_all", treatment_phase="on_treatment", tki_started_on=TODAY), on=TODAY)
    assert _slots(plan, "qpcr") == [add_months(TODAY, m) for m in (3, 6, 9, 12)]
    assert "clinic default" in next(i.reason for i in plan if i.protocol_key == "qpcr")


def test_advanced_gist_is_imaged_first_at_3_months_then_every_3():
    plan = plan_schedule(
        ScheduleInputs("gist", gist_extent="advanced", treatment_phase="on_treatment", tki_started_on=TODAY), on=TODAY
    )
    assert _slots(plan, "imaging") == [add_months(TODAY, m) for m in (3, 6, 9, 12)]


def test_low_risk_resected_gist_is_imaged_every_6_months_for_5_years():
    surgery = add_months(TODAY, -54)
    plan = plan_schedule(
        ScheduleInputs("gist", gist_risk="low", gist_extent="resected", resected_on=surgery),
        on=TODAY,
        horizon_months=24,
    )
    assert _slots(plan, "imaging") == [add_months(surgery, 54), add_months(surgery, 60)]


def test_very_low_risk_gist_has_no_routine_imaging():
    plan = plan_schedule(
        ScheduleInputs("gist", gist_risk="very_low", gist_extent="resected", resected_on=TODAY), on=TODAY
    )
    assert plan == []


def high_risk_resected_gist_plan(*, horizon_months: int, **inputs):
    """The plan made TODAY for a resected high-risk GIST, `horizon_months` ahead."""
    return plan_schedule(
        ScheduleInputs("gist", gist_risk="high", gist_extent="resected", **inputs),
        on=TODAY,
        horizon_months=horizon_months,
    )


def test_high_risk_gist_on_adjuvant_is_imaged_every_6_months_until_3_years():
    start = add_months(TODAY, -30)
    plan = high_risk_resected_gist_plan(
        horizon_months=24, treatment_phase="adjuvant", tki_started_on=start, resected_on=start
    )
    assert _slots(plan, "imaging") == [add_months(start, 30), add_months(start, 36)]


def test_high_risk_gist_after_adjuvant_every_3_months_for_2_years_then_every_6():
    stop = add_months(TODAY, -21)
    plan = high_risk_resected_gist_plan(
        horizon_months=12, treatment_phase="surveillance", phase_started_on=stop, resected_on=add_months(stop, -36)
    )
    assert _slots(plan, "imaging") == [add_months(stop, m) for m in (21, 24, 30)]


@pytest.mark.parametrize("diagnosis", ["dfsp", "chordoma", "other"])
def test_other_diagnoses_on_imatinib_get_the_label_blood_tests_only(diagnosis):
    plan = plan_schedule(ScheduleInputs(diagnosis, treatment_phase="on_treatment", tki_started_on=TODAY), on=TODAY)
    assert {item.protocol_key for item in plan} == {"cbc", "liver"}


def test_not_yet_started_gets_only_the_baseline_liver_tests():
    start = TODAY + timedelta(days=10)
    plan = plan_schedule(ScheduleInputs("cml", "chronic", tki_started_on=start), on=TODAY)
    assert [(i.protocol_key, i.planned_for) for i in plan] == [("liver", start)]


@pytest.mark.django_db
def test_generating_twice_changes_nothing():
    patient = cml_patient(started_on=TODAY)
    count = MonitoringItem.objects.filter(patient=patient).count()
    assert count > 0
    change = monitoring_schedule_generate(patient=patient)
    assert (change.created, change.updated, change.removed) == (0, 0, 0)
    assert MonitoringItem.objects.filter(patient=patient).count() == count


@pytest.mark.django_db
def test_an_admins_protocol_setting_changes_the_cadence():
    ProtocolSetting.objects.create(key="qpcr_months", value=2, reason="Local trial protocol")
    patient = cml_patient(started_on=TODAY)
    qpcr_dates = list(
        MonitoringItem.objects.filter(patient=patient, kind="bcr_abl1_qpcr").values_list("due_on", flat=True)
    )
    assert qpcr_dates[:2] == [add_months(TODAY, 2), add_months(TODAY, 4)]


@pytest.mark.django_db
def test_result_completes_the_matching_item_and_confirmed_mmr_respaces_qpcr():
    start = add_months(TODAY, -12)
    patient = cml_patient(started_on=start)
    qpcr(patient, add_months(start, 9), "0.05")
    latest = qpcr(patient, TODAY, "0.03")
    done = MonitoringItem.objects.get(patient=patient, genetic_test=latest)
    assert done.status == ItemStatus.DONE
    upcoming = MonitoringItem.objects.filter(patient=patient, kind="bcr_abl1_qpcr", status="planned")
    assert list(upcoming.values_list("due_on", flat=True)) == [add_months(TODAY, 6), add_months(TODAY, 12)]
    assert "once MMR is confirmed" in upcoming.first().reason


@pytest.mark.django_db
def test_overridden_item_survives_regeneration_without_a_duplicate(alice):
    patient = cml_patient(started_on=TODAY)
    item = MonitoringItem.objects.filter(patient=patient, kind="bcr_abl1_qpcr").first()
    moved = monitoring_item_override(item=item, due_on=item.due_on + timedelta(days=9), reason="Lab closed", by=alice)
    monitoring_schedule_generate(patient=patient)
    same_slot = MonitoringItem.objects.filter(patient=patient, protocol_key="qpcr", planned_for=item.planned_for)
    assert list(same_slot) == [moved]
    assert (moved.source, moved.override_reason) == (ItemSource.OVERRIDE, "Lab closed")


@pytest.mark.django_db
def test_overdue_items_are_kept_but_future_ones_follow_a_diagnosis_change(time_machine):
    patient = cml_patient(started_on=TODAY)
    first_cbc = MonitoringItem.objects.filter(patient=patient, kind="cbc").first()
    time_machine.move_to(datetime(2026, 7, 10, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    record = patient.care_record
    record.diagnosis, record.cml_phase = "dfsp", ""
    care_record_save(record=record)
    assert MonitoringItem.objects.get(pk=first_cbc.pk).state == "overdue"
    assert not MonitoringItem.objects.filter(patient=patient, kind="bcr_abl1_qpcr").exists()


@pytest.mark.django_db
def test_skipping_needs_a_reason(alice):
    patient = cml_patient(started_on=TODAY)
    item = MonitoringItem.objects.filter(patient=patient).first()
    with pytest.raises(Exception, match="Say why"):
        monitoring_item_skip(item=item, reason="  ", by=alice)
    monitoring_item_skip(item=item, reason="Done at another hospital", by=alice)
    assert MonitoringItem.objects.get(pk=item.pk).status == ItemStatus.SKIPPED


@pytest.mark.django_db
def test_due_and_overdue_selectors_use_a_constant_number_of_queries(django_assert_num_queries):
    for _ in range(3):
        cml_patient(started_on=TODAY - timedelta(days=20))
    with django_assert_num_queries(1):
        due = [(item.patient.full_name, item.due_on) for item in monitoring_items_due(on=TODAY, days_before=7)]
    with django_assert_num_queries(1):
        overdue = [(item.patient.phone, item.due_on) for item in monitoring_items_overdue(on=TODAY + timedelta(days=9))]
    assert due
    assert all(TODAY <= when <= TODAY + timedelta(days=7) for _name, when in due)
    assert overdue


@pytest.mark.django_db
def test_patient_without_care_record_has_no_schedule():
    assert monitoring_schedule_generate(patient=PatientFactory()).created == 0


@pytest.mark.django_db
def test_gist_record_generates_imaging_rows():
    patient = PatientFactory()
    record_for(
        patient,
        diagnosis="gist",
        gist_extent="advanced",
        gist_site="stomach",
        treatment_phase="on_treatment",
        tki_started_on=TODAY,
    )
    assert MonitoringItem.objects.filter(patient=patient, kind="imaging").count() == 4
