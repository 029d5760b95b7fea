"""Staff API parity with the console: the same flags (level, code, source), labels, the sample-date warning."""

from collections.abc import Callable

import pytest
from django.utils.html import escape

from clinic.months import add_months
from patients.models import Patient
from patients.services import genetic_test_result_record, medication_start
from tests.factories.care import cml_patient, qpcr, record_for
from tests.factories.people import PatientFactory
from tests.patients.conftest import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _result(patient: Patient, kind: str, **fields) -> None:
    genetic_test_result_record(
        patient=patient, kind=kind, collected_on=add_months(START, 5), resulted_on=add_months(START, 5), **fields
    )


def _cml(alice, *, qpcr_after_months: dict[int, str] | None = None, **result) -> Patient:
    """A CML patient of alice's on imatinib since START, with BCR::ABL1 IS % results so many months in
    ({6: "5"}) and, given its `kind` and fields, one other result taken five months in."""
    patient = cml_patient(started_on=START, coordinator=alice)
    for months, is_percent in (qpcr_after_months or {}).items():
        qpcr(patient, add_months(START, months), is_percent)
    if result:
        _result(patient, **result)
    return patient


def eln_warning(alice) -> Patient:
    return _cml(alice, qpcr_after_months={6: "5"})


def dose_not_typical(alice) -> Patient:
    return cml_patient(started_on=START, coordinator=alice, dose=300)


def _gist(alice, *, extent: str, finding: str = "") -> Patient:
    patient = PatientFactory(coordinator=alice)
    extra = {"resected_on": START, "gist_risk": "high"} if extent == "resected" else {}
    record_for(patient, diagnosis="gist", gist_site="stomach", gist_extent=extent, diagnosed_on=START, **extra)
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=400, started_on=START)
    if finding:
        _result(patient, "gist_mutation", gist_finding=finding)
    return patient


SCENARIOS: dict[str, tuple[str, Callable]] = {
    "eln_warning": ("warning", eln_warning),
    "eln_failure": ("danger", lambda alice: _cml(alice, qpcr_after_months={6: "15"})),
    "lost_mmr": ("danger", lambda alice: _cml(alice, qpcr_after_months={3: "0.05", 6: "0.5"})),
    "kd_mutation": ("danger", lambda alice: _cml(alice, kind="abl1_kd", kd_mutation="T315I")),
    "high_risk_aca": ("danger", lambda alice: _cml(alice, kind="marrow", ph_result="positive", high_risk_aca=True)),
    "diagnosis_inconsistent": ("danger", lambda alice: _cml(alice, kind="bcr_abl1_qual", transcript="not_detected")),
    "dose_not_typical": ("info", dose_not_typical),
    "gist_mutation_untested": ("warning", lambda alice: _gist(alice, extent="advanced")),
    "gist_kit_exon_9": ("info", lambda alice: _gist(alice, extent="resected", finding="kit_exon_9")),
    "gist_kit_exon_9_advanced_dose": ("warning", lambda alice: _gist(alice, extent="advanced", finding="kit_exon_9")),
    "gist_pdgfra_d842v": ("danger", lambda alice: _gist(alice, extent="advanced", finding="pdgfra_d842v")),
    "gist_kit_exon_11": ("info", lambda alice: _gist(alice, extent="advanced", finding="kit_exon_11")),
}


def console_flags(client, patient: Patient) -> list[dict]:
    response = client.get(f"/admin/patients/patient/{patient.pk}/change/")
    assert response.status_code == 200
    return [{"level": f.level, "code": f.code, "text": f.text, "source": f.source} for f in response.context["flags"]]


def api_flags(client, patient: Patient) -> list[dict]:
    return client.get(f"/api/v1/care-records/?patient={patient.pk}").json()["results"][0]["flags"]


@pytest.mark.parametrize("code", list(SCENARIOS))
def test_every_flag_the_console_shows_is_in_the_care_record_api(client, alice, code):
    _level, build = SCENARIOS[code]
    patient = build(alice)
    client.force_login(alice)
    assert api_flags(client, patient) == console_flags(client, patient)


@pytest.mark.parametrize("code", list(SCENARIOS))
def test_each_flag_kind_reaches_the_api_with_its_level(client, alice, code):
    level, build = SCENARIOS[code]
    patient = build(alice)
    client.force_login(alice)
    assert {"code": code, "level": level} in [
        {"code": f["code"], "level": f["level"]} for f in api_flags(client, patient)
    ]


def test_console_page_prints_every_flag_the_api_lists(client, alice):
    patient = _gist(alice, extent="resected", finding="kit_exon_9")
    client.force_login(alice)
    body = client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    for flag in api_flags(client, patient):
        assert escape(flag["text"]) in body


def test_patient_detail_carries_the_same_flags(client, alice):
    patient = dose_not_typical(alice)
    client.force_login(alice)
    assert client.get(f"/api/v1/patients/{patient.pk}/").json()["flags"] == api_flags(client, patient)


def test_information_flags_stay_out_of_the_deprecated_summary(client, alice):
    patient = dose_not_typical(alice)
    client.force_login(alice)
    assert client.get(f"/api/v1/care-records/?patient={patient.pk}").json()["results"][0]["flag_summary"] == ""


def test_result_carries_response_and_assessment_labels(client, alice):
    patient = eln_warning(alice)
    client.force_login(alice)
    row = client.get(f"/api/v1/results/?patient={patient.pk}").json()["results"][0]
    assert (row["eln_assessment"], row["eln_assessment_label"]) == ("warning", "Warning")
    assert row["molecular_response_label"] != ""
    assert row["status_label"] == "Resulted"


def test_care_record_carries_diagnosis_and_phase_labels(client, alice):
    patient = eln_warning(alice)
    client.force_login(alice)
    row = client.get(f"/api/v1/care-records/?patient={patient.pk}").json()["results"][0]
    assert (row["diagnosis"], row["diagnosis_label"]) == ("cml", "Chronic myeloid leukaemia (CML)")
    assert (row["treatment_phase"], row["treatment_phase_label"]) == ("on_treatment", "On imatinib")


def _qpcr_without_sample_date(patient: Patient):
    return genetic_test_result_record(
        patient=patient,
        kind="bcr_abl1_qpcr",
        resulted_on=add_months(START, 6),
        bcr_abl1_detected=True,
        is_percent="0.5",
        control_copies=50_000,
    )


def test_result_without_sample_date_carries_a_warning_in_the_api(client, alice):
    patient = cml_patient(started_on=START, coordinator=alice)
    test = _qpcr_without_sample_date(patient)
    client.force_login(alice)
    row = client.get(f"/api/v1/results/{test.pk}/").json()
    assert row["warnings"] == [test.sample_date_warning]
    assert "report date" in row["warnings"][0]


def test_milestone_rule_says_it_used_the_report_date(alice):
    test = _qpcr_without_sample_date(cml_patient(started_on=START, coordinator=alice))
    assert test.eln_rule.endswith("Assessed on the report date: no sample date recorded.")


def test_console_shows_the_report_date_note(client, alice):
    patient = cml_patient(started_on=START, coordinator=alice)
    _qpcr_without_sample_date(patient)
    client.force_login(alice)
    body = client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    assert "Assessed on the report date: no sample date recorded." in body


def test_result_with_sample_date_has_no_warning(client, alice):
    patient = cml_patient(started_on=START, coordinator=alice)
    test = qpcr(patient, add_months(START, 6), "0.5")
    client.force_login(alice)
    assert client.get(f"/api/v1/results/{test.pk}/").json()["warnings"] == []
