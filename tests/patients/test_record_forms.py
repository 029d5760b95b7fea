"""The care record's purpose-built forms (issue 14): BCR::ABL1 result, blood count, dose change, symptom.

Each posts to one service, which writes the row and its audit entry in one transaction; errors land on
the field they concern, in plain sentences; dates are accepted as picked (ISO) or typed (dd/mm/yyyy).
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clinic.months import add_months
from patients.models import AuditEntry, CareTask, DoseChange, GeneticTest, LabResult, Medication, SymptomReport
from patients.record_forms import DATE_EXAMPLE
from tests.factories.care import cml_patient
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory
from tests.patients.conftest import START, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def patient(alice):
    return cml_patient(started_on=START, coordinator=alice)


def form_url(patient, form: str) -> str:
    if form == "dose":
        medication = Medication.objects.get(patient=patient, is_tki=True)
        return f"/admin/patients/patient/{patient.pk}/medication/{medication.pk}/change-dose/"
    return f"/admin/patients/patient/{patient.pk}/record/{form}/"


def record_url(patient, anchor: str) -> str:
    return f"/admin/patients/patient/{patient.pk}/change/#{anchor}"


# A valid post for each form; `{date}` is the form's date field, filled per test.
VALID = {
    "bcr-abl1": ("collected_on", {"is_percent": "4.5", "control_copies": "52000", "lab": "Metro Lab"}),
    "blood-count": (
        "taken_on",
        {"haemoglobin": "11.2", "wbc": "5.1", "anc": "2.4", "platelets": "180", "lab": "Metro Lab"},
    ),
    "dose": ("changed_on", {"to_mg": "300", "reason": "Neutrophils low; oncologist reduced the dose."}),
    "symptom": ("onset_on", {"symptom": "nausea", "grade": "1", "source": "phone", "note": "After breakfast"}),
}
ROWS = {"bcr-abl1": GeneticTest, "blood-count": LabResult, "dose": DoseChange, "symptom": SymptomReport}
SAMPLE = add_months(START, 6)  # the 6-month milestone: 4.5 % there is an ELN warning


def post(client, patient, form: str, when: str, *, follow: bool = False, **changes):
    date_field, data = VALID[form]
    return client.post(form_url(patient, form), {**data, date_field: when, **changes}, follow=follow)


# -- Recording through the service, with its audit entry ---------------------------------------------------------


def test_bcr_abl1_result_is_recorded_with_its_assessment_and_audited(client, alice, patient):
    client.force_login(alice)
    response = post(client, patient, "bcr-abl1", SAMPLE.isoformat())
    assert response.status_code == 302
    assert response["Location"] == record_url(patient, "genetictest")
    test = GeneticTest.objects.get(patient=patient, kind="bcr_abl1_qpcr")
    assert (test.collected_on, test.is_percent, test.control_copies, test.lab) == (
        SAMPLE,
        Decimal("4.5"),
        52000,
        "Metro Lab",
    )
    assert test.eln_assessment == "warning"
    assert test.resulted_on == TODAY
    entry = AuditEntry.objects.get(action="create", object_type="patients.GeneticTest")
    assert (entry.actor, entry.patient, entry.via, entry.object_id) == (alice, patient, "console", str(test.pk))


def test_bcr_abl1_assessment_shows_on_the_record_after_saving(client, alice, patient):
    client.force_login(alice)
    response = client.post(
        form_url(patient, "bcr-abl1"),
        {"collected_on": SAMPLE.isoformat(), "is_percent": "4.5", "control_copies": "52000"},
        follow=True,
    )
    body = response.content.decode()
    summary = body.split('class="ct-summary"')[1].split("</section>")[0]
    assert "4.5 % IS — Above MMR (&gt; 0.1 %)" in summary
    assert "ELN 2020: Warning" in summary
    assert "ELN 2020: Warning" in body.split('class="messagelist"')[1]


def test_bcr_abl1_warning_opens_the_follow_up_task_like_every_other_path(client, alice, patient):
    client.force_login(alice)
    post(client, patient, "bcr-abl1", SAMPLE.isoformat())
    assert CareTask.objects.filter(patient=patient, source_kind="genetic_test", priority="high").count() == 1


def test_undetectable_bcr_abl1_is_recorded_with_its_control_copies(client, alice, patient):
    client.force_login(alice)
    response = post(
        client, patient, "bcr-abl1", SAMPLE.isoformat(), is_percent="", not_detected="on", control_copies="120,000"
    )
    assert response.status_code == 302
    test = GeneticTest.objects.get(patient=patient)
    assert (test.bcr_abl1_detected, test.control_copies, test.molecular_response) == (False, 120000, "mr5")


def test_blood_count_is_recorded_and_audited(client, alice, patient):
    client.force_login(alice)
    response = post(client, patient, "blood-count", "2026-06-12")
    assert response["Location"] == record_url(patient, "labresult")
    result = LabResult.objects.get(patient=patient)
    assert (result.taken_on, result.haemoglobin, result.wbc, result.anc, result.platelets) == (
        date(2026, 6, 12),
        Decimal("11.2"),
        Decimal("5.1"),
        Decimal("2.4"),
        Decimal("180"),
    )
    entry = AuditEntry.objects.get(action="create", object_type="patients.LabResult")
    assert (entry.actor, entry.patient, entry.via) == (alice, patient, "console")


def test_blood_count_meeting_a_hold_criterion_opens_an_urgent_task(client, alice, patient):
    client.force_login(alice)
    post(client, patient, "blood-count", "2026-06-12", anc="0.8")
    assert CareTask.objects.get(patient=patient, source_kind="lab_result").priority == "urgent"


def test_dose_change_is_recorded_with_its_reason_and_audited(client, alice, patient):
    client.force_login(alice)
    response = post(client, patient, "dose", "2026-06-14")
    assert response["Location"] == record_url(patient, "medication")
    change = DoseChange.objects.get(patient=patient)
    assert (change.from_mg, change.to_mg, change.changed_on) == (400, 300, date(2026, 6, 14))
    assert Medication.objects.get(patient=patient).dose_mg_per_day == 300
    entry = AuditEntry.objects.get(action="create", object_type="patients.DoseChange")
    assert (entry.actor, entry.patient, entry.via) == (alice, patient, "console")


def test_dose_form_starts_on_today(client, alice, patient):
    client.force_login(alice)
    body = client.get(form_url(patient, "dose")).content.decode()
    assert 'value="2026-06-15"' in body


def test_symptom_is_recorded_with_its_onset_and_audited(client, alice, patient):
    client.force_login(alice)
    response = post(client, patient, "symptom", "2026-06-13")
    assert response["Location"] == record_url(patient, "symptomreport")
    report = SymptomReport.objects.get(patient=patient)
    assert (report.symptom, report.grade, report.onset_on, report.source, report.recorded_by) == (
        "nausea",
        1,
        date(2026, 6, 13),
        "phone",
        alice,
    )
    assert not report.is_urgent
    entry = AuditEntry.objects.get(action="create", object_type="patients.SymptomReport")
    assert (entry.actor, entry.patient, entry.via) == (alice, patient, "console")


def test_red_flag_symptom_still_opens_an_urgent_task(client, alice, patient):
    client.force_login(alice)
    response = post(client, patient, "symptom", "", symptom="jaundice", grade="2", follow=True)
    report = SymptomReport.objects.get(patient=patient)
    assert report.is_red_flag
    assert CareTask.objects.get(source_kind="symptom", source_id=report.pk).priority == "urgent"
    assert "Please call the clinic now." in response.content.decode()


@pytest.mark.parametrize("form", list(VALID))
def test_the_service_writes_the_audit_entry_in_the_same_transaction(client, alice, patient, monkeypatch, form):
    """If the audit entry cannot be written, the row it describes is not kept either."""

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    for module in ("patients.services.results", "patients.services.records", "patients.services.symptoms"):
        monkeypatch.setattr(f"{module}.audit_record", broken)
    client.force_login(alice)
    client.raise_request_exception = False
    response = post(client, patient, form, "2026-06-12")
    assert response.status_code == 500
    assert not ROWS[form].objects.filter(patient=patient).exists()


# -- Dates: picked (ISO) or typed (dd/mm/yyyy, dd-mm-yyyy) -------------------------------------------------------


@pytest.mark.parametrize("form", list(VALID))
@pytest.mark.parametrize("typed", ["12/06/2026", "12-06-2026", "2026-06-12"])
def test_each_form_accepts_the_date_picked_or_typed_day_first(client, alice, patient, form, typed):
    client.force_login(alice)
    response = post(client, patient, form, typed)
    assert response.status_code == 302, response.context["form"].errors
    row = ROWS[form].objects.get(patient=patient)
    field = {"bcr-abl1": "collected_on", "blood-count": "taken_on", "dose": "changed_on", "symptom": "onset_on"}[form]
    assert getattr(row, field) == date(2026, 6, 12)


@pytest.mark.parametrize("form", list(VALID))
def test_each_date_field_says_how_to_type_a_date(client, alice, patient, form):
    client.force_login(alice)
    body = client.get(form_url(patient, form)).content.decode()
    assert DATE_EXAMPLE == "e.g. 28/11/2026"
    assert DATE_EXAMPLE in body
    assert 'type="date"' in body


@pytest.mark.parametrize("form", list(VALID))
def test_an_unreadable_date_is_reported_on_the_date_field(client, alice, patient, form):
    client.force_login(alice)
    response = post(client, patient, form, "31/02/2026")
    errors = response.context["form"].errors
    date_field = VALID[form][0]
    assert response.status_code == 200
    assert list(errors) == [date_field]
    assert errors[date_field][0].endswith("as a date, e.g. 28/11/2026.")
    assert not ROWS[form].objects.filter(patient=patient).exists()


@pytest.mark.parametrize("form", list(VALID))
def test_a_date_far_outside_the_plausible_years_is_reported_on_the_date_field(client, alice, patient, form):
    client.force_login(alice)
    response = post(client, patient, form, "12/06/0026")
    assert list(response.context["form"].errors) == [VALID[form][0]]


def test_a_future_sample_date_is_reported_on_the_sample_date_and_nowhere_else(client, alice, patient):
    client.force_login(alice)
    response = post(client, patient, "bcr-abl1", "20/06/2026")
    errors = response.context["form"].errors
    assert list(errors) == ["collected_on"]
    assert errors["collected_on"] == ["This date is in the future; enter the date it happened."]
    field = re.search(r'<input[^>]*id="id_collected_on"[^>]*>', response.content.decode()).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_collected_on_helptext id_collected_on_error"' in field
    assert not GeneticTest.objects.exists()


@pytest.mark.parametrize(
    ("form", "when", "errors"),
    [
        pytest.param(
            "blood-count",
            "16/06/2026",
            {"taken_on": ["This date is in the future; enter the date the blood was taken."]},
            id="a future blood sample date",
        ),
        pytest.param(
            "dose",
            "01/01/2020",
            {"changed_on": ["The change date must fall between the course start and a month from now."]},
            id="a dose change before the course began",
        ),
        pytest.param(
            "bcr-abl1", "", {"collected_on": ["Enter the date the sample was taken, e.g. 28/11/2026."]}, id="no date"
        ),
    ],
)
def test_a_refused_date_is_reported_on_its_field_in_a_sentence(client, alice, patient, form, when, errors):
    client.force_login(alice)
    assert post(client, patient, form, when).context["form"].errors == errors


def test_a_symptom_that_began_after_today_is_reported_on_its_onset_date(client, alice, patient):
    client.force_login(alice)
    response = post(client, patient, "symptom", "16/06/2026")
    assert list(response.context["form"].errors) == ["onset_on"]


# -- Other refusals land on their own field ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "when", "changes", "errors"),
    [
        pytest.param(
            "bcr-abl1",
            SAMPLE.isoformat(),
            {"is_percent": ""},
            {"is_percent": ["Enter the BCR::ABL1 IS % from the report."]},
            id="bcr-abl1 without an IS %",
        ),
        pytest.param(
            "bcr-abl1",
            SAMPLE.isoformat(),
            {"control_copies": ""},
            {"control_copies": ["Enter the ABL1 control gene copy number from the report."]},
            id="bcr-abl1 without control copies",
        ),
        pytest.param(
            "dose", "14/06/2026", {"to_mg": "400"}, {"to_mg": ["The dose is already 400 mg/day."]}, id="the same dose"
        ),
        pytest.param(
            "symptom",
            "",
            {"symptom": "other", "note": ""},
            {"note": ["Describe the symptom when choosing Other."]},
            id="other symptom without a description",
        ),
    ],
)
def test_a_refusal_is_a_sentence_on_its_own_field(client, alice, patient, form, when, changes, errors):
    client.force_login(alice)
    assert post(client, patient, form, when, **changes).context["form"].errors == errors


@pytest.mark.parametrize(
    ("form", "when", "changes", "field"),
    [
        pytest.param("bcr-abl1", SAMPLE.isoformat(), {"not_detected": "on"}, "is_percent", id="IS % and not detected"),
        pytest.param("bcr-abl1", SAMPLE.isoformat(), {"is_percent": "-1"}, "is_percent", id="a negative IS %"),
        pytest.param("dose", "14/06/2026", {"reason": "   "}, "reason", id="a dose change without a reason"),
    ],
)
def test_a_refusal_lands_on_its_own_field_only(client, alice, patient, form, when, changes, field):
    client.force_login(alice)
    assert list(post(client, patient, form, when, **changes).context["form"].errors) == [field]


def test_the_bcr_abl1_form_asks_for_nothing_else(client, alice, patient):
    client.force_login(alice)
    form = client.get(form_url(patient, "bcr-abl1")).context["form"]
    assert list(form.fields) == ["collected_on", "is_percent", "not_detected", "control_copies", "lab"]


def test_blood_count_without_any_value_is_refused_as_a_whole(client, alice, patient):
    client.force_login(alice)
    response = client.post(form_url(patient, "blood-count"), {"taken_on": "12/06/2026"})
    assert response.context["form"].errors == {"__all__": ["Enter at least one value from the report."]}
    assert "Enter at least one value from the report." in response.content.decode()


def test_a_stopped_course_cannot_change_dose(client, alice, patient):
    Medication.objects.filter(patient=patient).update(stopped_on=TODAY, stop_reason="Stopped by the oncologist")
    client.force_login(alice)
    response = post(client, patient, "dose", "14/06/2026")
    assert response.context["form"].errors == {"to_mg": ["This course was stopped; start a new course instead."]}


def test_a_form_with_errors_keeps_what_was_typed(client, alice, patient):
    client.force_login(alice)
    body = post(client, patient, "bcr-abl1", "20/06/2026").content.decode()
    assert 'value="4.5"' in body
    assert 'value="2026-06-20"' in body  # typed day-first, shown back in the picker's own format


# -- Who may open and post the forms ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", list(VALID))
@pytest.mark.parametrize("who", ["alice", "ada"])
def test_coordinator_of_the_patient_and_admin_open_the_forms(client, request, patient, form, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(form_url(patient, form)).status_code == 200


@pytest.mark.parametrize("form", list(VALID))
def test_admin_records_through_the_forms(client, ada, patient, form):
    client.force_login(ada)
    assert post(client, patient, form, "12/06/2026").status_code == 302
    assert ROWS[form].objects.filter(patient=patient).count() == 1


@pytest.mark.parametrize("form", list(VALID))
def test_another_coordinators_patient_is_not_found(client, bob, patient, form):
    client.force_login(bob)
    assert client.get(form_url(patient, form)).status_code == 404
    assert post(client, patient, form, "12/06/2026").status_code == 404
    assert not ROWS[form].objects.filter(patient=patient).exists()


@pytest.mark.parametrize("form", list(VALID))
def test_a_coordinator_may_record_for_an_unassigned_patient(client, bob, form):
    unassigned = cml_patient(started_on=START)
    client.force_login(bob)
    assert post(client, unassigned, form, "12/06/2026").status_code == 302
    assert ROWS[form].objects.filter(patient=unassigned).count() == 1


@pytest.mark.parametrize("form", list(VALID))
def test_expert_of_the_patient_may_not_open_or_post_the_forms(client, erin, patient, form):
    start = datetime(2026, 6, 17, 10, tzinfo=IST)
    ConsultFactory(patient=patient, expert=ExpertFactory(user=erin), start=start)
    client.force_login(erin)
    assert client.get(f"/admin/patients/patient/{patient.pk}/change/").status_code == 200  # reads the record
    assert client.get(form_url(patient, form)).status_code == 403
    assert post(client, patient, form, "12/06/2026").status_code == 403
    assert not ROWS[form].objects.filter(patient=patient).exists()


@pytest.mark.parametrize("form", list(VALID))
def test_expert_without_the_patient_gets_403_too(client, erin, patient, form):
    client.force_login(erin)
    assert client.get(form_url(patient, form)).status_code == 403


@pytest.mark.parametrize("form", list(VALID))
def test_outsider_and_anonymous_visitor_are_sent_to_sign_in(client, charlie, patient, form):
    anonymous = client.get(form_url(patient, form))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    client.force_login(charlie)
    response = post(client, patient, form, "12/06/2026")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not ROWS[form].objects.filter(patient=patient).exists()


def test_dose_form_of_another_patients_course_is_not_found(client, alice, patient):
    other = cml_patient(started_on=START, coordinator=alice)
    medication = Medication.objects.get(patient=other)
    client.force_login(alice)
    url = f"/admin/patients/patient/{patient.pk}/medication/{medication.pk}/change-dose/"
    assert client.get(url).status_code == 404


def test_patient_without_a_record_can_still_get_a_symptom_report(client, alice):
    lead = PatientFactory(coordinator=alice)
    client.force_login(alice)
    response = client.post(form_url(lead, "symptom"), {"symptom": "rash", "grade": "1", "source": "phone"})
    assert response.status_code == 302
    assert SymptomReport.objects.filter(patient=lead).count() == 1


def test_symptom_form_groups_the_red_flags_apart(client, alice, patient):
    client.force_login(alice)
    body = client.get(form_url(patient, "symptom")).content.decode()
    red = body.split('label="Red flags: open an urgent task"')[1].split("</optgroup>")[0]
    assert "Yellow skin or eyes" in red
    assert "Nausea" not in red


def test_symptom_report_is_recent(client, alice, patient):
    client.force_login(alice)
    post(client, patient, "symptom", "")
    report = SymptomReport.objects.get(patient=patient)
    assert abs(report.reported_at - datetime(2026, 6, 15, 9, 0, tzinfo=IST)) < timedelta(seconds=1)
