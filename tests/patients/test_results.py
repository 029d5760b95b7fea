"""Recording results: stored assessment, follow-up tasks, loss of MMR, mutations and blood-test holds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clinic.errors import DomainError
from clinic.months import add_months
from patients.models import CareTask, GeneticTest, MonitoringItem
from patients.services import genetic_test_result_record, genetic_test_save, lab_result_record
from tests.factories.care import cml_patient, qpcr, record_for
from tests.factories.people import PatientFactory
from tests.patients.conftest import TODAY

START = add_months(TODAY, -14)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def test_qpcr_result_stores_level_and_eln_assessment():
    patient = cml_patient(started_on=START)
    test = qpcr(patient, add_months(START, 6), "2.5")
    test.refresh_from_db()
    assert (test.molecular_response, test.eln_milestone, test.eln_assessment) == ("above_mmr", "6m", "warning")
    assert test.months_on_treatment == Decimal("6.0")
    assert "> 1 – 10 %" in test.eln_rule


def test_warning_opens_a_high_priority_task_for_the_coordinator(alice):
    patient = cml_patient(started_on=START, coordinator=alice)
    test = qpcr(patient, add_months(START, 6), "2.5")
    task = CareTask.objects.get(source_kind="genetic_test", source_id=test.pk)
    assert (task.priority, task.assignee, task.status) == ("high", alice, "open")


def test_failure_opens_an_urgent_task_and_orders_marrow_cytogenetics():
    patient = cml_patient(started_on=START)
    test = qpcr(patient, add_months(START, 12), "3")
    assert CareTask.objects.get(source_id=test.pk, source_kind="genetic_test").priority == "urgent"
    assert MonitoringItem.objects.filter(patient=patient, kind="bone_marrow", source="event").count() == 1


def test_second_high_result_at_3_months_confirms_failure():
    patient = cml_patient(started_on=START)
    first = qpcr(patient, add_months(START, 3), "20")
    assert GeneticTest.objects.get(pk=first.pk).needs_confirmation
    second = qpcr(patient, add_months(START, 4) + timedelta(days=10), "18")
    assert GeneticTest.objects.get(pk=second.pk).eln_assessment == "failure"


def test_result_entered_late_reassesses_later_results():
    patient = cml_patient(started_on=START)
    later = qpcr(patient, add_months(START, 4) + timedelta(days=10), "18")
    assert GeneticTest.objects.get(pk=later.pk).eln_assessment == "warning"
    qpcr(patient, add_months(START, 3), "20")  # the earlier result arrives afterwards
    assert GeneticTest.objects.get(pk=later.pk).eln_assessment == "failure"


def test_loss_of_mmr_is_flagged_with_an_urgent_task():
    patient = cml_patient(started_on=START)
    qpcr(patient, add_months(START, 12), "0.05")
    lost = qpcr(patient, TODAY, "0.4")
    lost.refresh_from_db()
    assert lost.lost_mmr
    assert lost.eln_assessment == "warning"
    task = CareTask.objects.get(source_kind="genetic_test", source_id=lost.pk)
    assert task.priority == "urgent"
    assert task.title.startswith("Loss of MMR")
    patient.care_record.refresh_from_db()
    assert "Loss of MMR" in patient.care_record.flag_summary


def test_undetectable_with_enough_copies_is_deep_response():
    patient = cml_patient(started_on=START)
    test = qpcr(patient, add_months(START, 12), None, copies=120_000)
    test.refresh_from_db()
    assert (test.molecular_response, test.eln_assessment, test.is_percent) == ("mr5", "optimal", None)


def test_qpcr_result_without_control_copies_is_refused():
    patient = cml_patient(started_on=START)
    with pytest.raises(ValidationError) as error:
        genetic_test_result_record(
            patient=patient, kind="bcr_abl1_qpcr", collected_on=TODAY, resulted_on=TODAY, is_percent=Decimal("0.5")
        )
    assert "control_copies" in error.value.message_dict
    assert not GeneticTest.objects.filter(patient=patient, kind="bcr_abl1_qpcr").exists()


def test_result_dated_in_the_future_is_refused():
    patient = cml_patient(started_on=START)
    with pytest.raises(ValidationError) as error:
        qpcr(patient, TODAY + timedelta(days=2), "0.5")
    assert "collected_on" in error.value.message_dict


def test_ph_positive_all_result_gets_level_but_no_eln_milestone():
    patient = PatientFactory()
    record_for(patient, diagnosis="ph_all", treatment_phase="on_treatment", tki_started_on=START)
    test = qpcr(patient, add_months(START, 12), "0.5")
    test.refresh_from_db()
    assert (test.molecular_response, test.eln_assessment) == ("above_mmr", "not_assessed")
    assert "apply to CML" in test.eln_rule
    assert not CareTask.objects.filter(source_kind="genetic_test").exists()


def test_ordered_test_moves_to_resulted_when_the_result_is_recorded():
    patient = cml_patient(started_on=START)
    ordered = GeneticTest.objects.create(patient=patient, kind="bcr_abl1_qpcr", status="ordered", ordered_on=TODAY)
    genetic_test_result_record(
        patient=patient,
        kind="bcr_abl1_qpcr",
        test=ordered,
        collected_on=TODAY,
        resulted_on=TODAY,
        is_percent=Decimal("0.08"),
        control_copies=40_000,
    )
    ordered.refresh_from_db()
    assert (ordered.status, ordered.molecular_response) == ("resulted", "mmr")


def test_pdgfra_d842v_flags_the_record_and_opens_a_review_task():
    patient = PatientFactory()
    record_for(patient, diagnosis="gist", gist_extent="advanced", gist_site="stomach")
    test = genetic_test_result_record(
        patient=patient, kind="gist_mutation", gist_finding="pdgfra_d842v", resulted_on=TODAY
    )
    patient.care_record.refresh_from_db()
    assert patient.care_record.has_flags
    assert "imatinib is not expected to work" in patient.care_record.flag_summary
    assert CareTask.objects.get(source_kind="genetic_test", source_id=test.pk).priority == "high"


def test_bcr_abl1_negative_result_on_a_cml_record_is_flagged_inconsistent():
    patient = cml_patient(started_on=START)
    genetic_test_result_record(patient=patient, kind="bcr_abl1_qual", transcript="not_detected", resulted_on=TODAY)
    patient.care_record.refresh_from_db()
    assert "Diagnosis inconsistent" in patient.care_record.flag_summary
    assert CareTask.objects.filter(title__startswith="Diagnosis inconsistent").exists()


def test_blood_count_meeting_a_label_hold_opens_an_urgent_task_and_completes_the_item():
    patient = cml_patient(started_on=TODAY - timedelta(days=7))
    result = lab_result_record(patient=patient, taken_on=TODAY, anc=Decimal("0.9"), platelets=Decimal("120"))
    assert result.hold_findings == ["anc"]
    task = CareTask.objects.get(source_kind="lab_result", source_id=result.pk)
    assert task.priority == "urgent"
    assert "Hold until ≥ 1.5" in task.detail
    assert MonitoringItem.objects.get(lab_result=result).kind == "cbc"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"anc": "1.0"}, []),
        ({"anc": "0.99"}, ["anc"]),
        ({"platelets": "50"}, []),
        ({"platelets": "49.9"}, ["platelets"]),
        ({"alt_x_uln": "5"}, []),
        ({"ast_x_uln": "5.01"}, ["transaminase"]),
        ({"bilirubin_x_uln": "3"}, []),
        ({"bilirubin_x_uln": "3.01"}, ["bilirubin"]),
    ],
)
def test_lab_hold_thresholds(values, expected):
    patient = PatientFactory()
    result = lab_result_record(patient=patient, taken_on=TODAY, **{k: Decimal(v) for k, v in values.items()})
    assert result.hold_findings == expected


def test_a_resulted_test_cannot_go_back_to_ordered(client, alice):
    patient = cml_patient(started_on=START, coordinator=alice)
    test = qpcr(patient, add_months(START, 6), "0.5")
    test.status = "ordered"
    with pytest.raises(DomainError) as error:
        genetic_test_save(test=test)
    assert error.value.field == "status"
    client.force_login(alice)
    response = client.post(
        f"/admin/patients/genetictest/{test.pk}/change/",
        {"patient": patient.pk, "kind": "bcr_abl1_qpcr", "status": "ordered", "ordered_on": "2026-01-02"},
        follow=True,
    )
    assert "cannot change status" in response.content.decode()
    assert GeneticTest.objects.get(pk=test.pk).status == "resulted"
