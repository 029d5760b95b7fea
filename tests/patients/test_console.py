"""The care console (Django admin): who sees what, the dashboard, recording from the record, audit."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from clinic.months import add_months
from patients.models import AuditEntry, CareTask, GeneticTest, MonitoringItem, Note, SymptomReport
from patients.services import symptom_report_record
from tests.factories.care import cml_patient, qpcr
from tests.factories.people import PatientFactory
from tests.patients.conftest import START, TODAY, post_edit_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

LIST_PAGES = [
    "patient",
    "genetictest",
    "labresult",
    "monitoringitem",
    "symptomreport",
    "caretask",
    "note",
    "resourceassignment",
    "insurancepolicy",
    "dosechange",
    "resource",
    "protocolsetting",
]


def record_url(patient) -> str:
    return f"/admin/patients/patient/{patient.pk}/change/"


@pytest.mark.parametrize("model", LIST_PAGES)
def test_every_list_page_opens_for_a_coordinator_and_an_admin(client, alice, ada, alices_patient, model):
    for user in (alice, ada):
        client.force_login(user)
        assert client.get(f"/admin/patients/{model}/").status_code == 200


@pytest.mark.parametrize("model", LIST_PAGES)
def test_outsider_gets_no_console_page(client, charlie, model):
    client.force_login(charlie)
    response = client.get(f"/admin/patients/{model}/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_care_record_page_shows_the_whole_patient(client, alice, alices_patient):
    qpcr(alices_patient, add_months(START, 6), "2.5")
    client.force_login(alice)
    body = client.get(record_url(alices_patient)).content.decode()
    for text in (
        "CML, chronic phase",
        "imatinib 400 mg/day",
        "Warning",
        "<svg",
        "Monitoring schedule",
        "How to take imatinib",
        "Never take two doses together",
        "Treatment-free remission",
        "Record BCR::ABL1 result",
        "Protocol defaults in use",
        "default, confirm",
    ):
        assert text in body, text


def test_care_record_shows_interaction_warning_with_what_to_do(client, alice, alices_patient):
    alices_patient.concomitant_medications.create(name="Clarithromycin 500 mg")
    client.force_login(alice)
    body = client.get(record_url(alices_patient)).content.decode()
    assert "Strong CYP3A4 inhibitor" in body
    assert "Avoid, or watch closely for toxicity." in body


def test_coordinator_sees_own_and_unassigned_but_not_a_colleagues_patients(client, alice, bob, alices_patient):
    unassigned = PatientFactory(full_name="Unassigned Patient")
    bobs = PatientFactory(full_name="Bobs Patient", coordinator=bob)
    client.force_login(alice)
    body = client.get("/admin/patients/patient/").content.decode()
    assert alices_patient.full_name in body
    assert unassigned.full_name in body
    assert bobs.full_name not in body
    assert client.get(record_url(bobs)).status_code == 404


def test_coordinator_cannot_reach_a_colleagues_patient_rows_by_url(client, bob, alices_patient):
    test = qpcr(alices_patient, add_months(START, 6), "0.5")
    item = MonitoringItem.objects.filter(patient=alices_patient, status="planned").first()
    client.force_login(bob)
    assert client.get(f"/admin/patients/genetictest/{test.pk}/change/").status_code == 404
    assert client.get(f"/admin/patients/monitoringitem/{item.pk}/complete/").status_code == 404
    assert client.post(f"/admin/patients/monitoringitem/{item.pk}/skip/", {"reason": "x"}).status_code == 404
    assert MonitoringItem.objects.get(pk=item.pk).status == "planned"


def test_coordinator_cannot_attach_a_result_to_a_colleagues_patient(client, bob, alices_patient):
    client.force_login(bob)
    response = client.post(
        "/admin/patients/genetictest/add/",
        {
            "patient": alices_patient.pk,
            "kind": "bcr_abl1_qpcr",
            "status": "resulted",
            "resulted_on": "2026-06-10",
            "bcr_abl1_detected": "true",
            "is_percent": "0.5",
            "control_copies": "40000",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not GeneticTest.objects.filter(patient=alices_patient, resulted_on=date(2026, 6, 10)).exists()


def test_expert_without_consults_sees_no_patients_and_cannot_write(client, erin, alices_patient):
    client.force_login(erin)
    assert client.get("/admin/patients/patient/").status_code == 200
    assert client.get(record_url(alices_patient)).status_code == 404
    assert client.get("/admin/patients/genetictest/add/").status_code == 403
    assert client.get("/admin/patients/note/add/").status_code == 200  # notes: yes, for their own patients


def test_admin_opens_any_record_and_only_admin_deletes(client, ada, alice, alices_patient):
    client.force_login(alice)
    assert client.get(f"/admin/patients/patient/{alices_patient.pk}/delete/").status_code == 403
    client.force_login(ada)
    assert client.get(record_url(alices_patient)).status_code == 200
    assert client.get(f"/admin/patients/patient/{alices_patient.pk}/delete/").status_code == 200


def test_recording_a_bcr_abl1_result_from_the_record_shows_the_assessment(client, alice, alices_patient):
    client.force_login(alice)
    url = f"/admin/patients/genetictest/add/?patient={alices_patient.pk}&kind=bcr_abl1_qpcr&status=resulted&from=record"
    form = client.get(url)
    assert form.status_code == 200
    assert "ABL1 control gene copies" in form.content.decode()
    sample = add_months(START, 6)
    response = client.post(
        url,
        {
            "patient": alices_patient.pk,
            "kind": "bcr_abl1_qpcr",
            "status": "resulted",
            "collected_on": sample.isoformat(),
            "resulted_on": TODAY.isoformat(),
            "bcr_abl1_detected": "true",
            "is_percent": "4.5",
            "control_copies": "52000",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(record_url(alices_patient))
    body = response.content.decode()
    assert "ELN 2020: Warning" in body
    assert "4.5 % IS" in body
    assert CareTask.objects.filter(patient=alices_patient, source_kind="genetic_test", priority="high").exists()
    entry = AuditEntry.objects.get(action="create", object_type="patients.GeneticTest")
    assert entry.actor == alice
    assert entry.patient == alices_patient


def test_result_form_error_names_the_field_and_keeps_the_input(client, alice, alices_patient):
    client.force_login(alice)
    response = client.post(
        f"/admin/patients/genetictest/add/?patient={alices_patient.pk}",
        {
            "patient": alices_patient.pk,
            "kind": "bcr_abl1_qpcr",
            "status": "resulted",
            "resulted_on": "2026-06-10",
            "bcr_abl1_detected": "true",
            "is_percent": "4.5",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the ABL1 control gene copy number from the report." in body
    assert 'value="4.5"' in body
    assert not GeneticTest.objects.filter(patient=alices_patient, kind="bcr_abl1_qpcr").exists()


def test_reporting_a_red_flag_in_the_console_opens_an_urgent_task(client, alice, alices_patient):
    client.force_login(alice)
    response = client.post(
        f"/admin/patients/symptomreport/add/?patient={alices_patient.pk}&from=record",
        {
            "patient": alices_patient.pk,
            "symptom": "jaundice",
            "grade": "2",
            "source": "phone",
            "reported_at_0": "2026-06-15",
            "reported_at_1": "08:30:00",
            "note": "Yellow eyes since yesterday",
        },
    )
    assert response.status_code == 302
    report = SymptomReport.objects.get(patient=alices_patient)
    assert report.is_urgent
    assert CareTask.objects.get(source_kind="symptom", source_id=report.pk).priority == "urgent"


def test_schedule_item_can_be_skipped_with_a_reason_and_it_is_audited(client, alice, alices_patient):
    item = MonitoringItem.objects.filter(patient=alices_patient, status="planned").first()
    client.force_login(alice)
    empty = client.post(f"/admin/patients/monitoringitem/{item.pk}/skip/?from=record", {"reason": ""})
    assert empty.status_code == 200
    assert "This field is required" in empty.content.decode()
    done = client.post(f"/admin/patients/monitoringitem/{item.pk}/skip/?from=record", {"reason": "Done elsewhere"})
    assert done.status_code == 302
    assert done["Location"].startswith(record_url(alices_patient))
    item.refresh_from_db()
    assert (item.status, item.skipped_reason) == ("skipped", "Done elsewhere")
    assert AuditEntry.objects.filter(action="change", object_id=str(item.pk), actor=alice).exists()


def test_generated_items_are_read_only_in_the_change_form(client, alice, alices_patient):
    item = MonitoringItem.objects.filter(patient=alices_patient).first()
    client.force_login(alice)
    client.post(f"/admin/patients/monitoringitem/{item.pk}/change/", {"due_on": "2030-01-01"})
    assert MonitoringItem.objects.get(pk=item.pk).due_on == item.due_on


def test_expert_note_form_only_offers_visible_patients_and_notes_cannot_be_edited(client, alice, alices_patient):
    client.force_login(alice)
    response = client.post("/admin/patients/note/add/", {"patient": alices_patient.pk, "body": "Spoke to daughter."})
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.author == alice
    assert note.author_name == "alice"
    client.post(f"/admin/patients/note/{note.pk}/change/", {"patient": alices_patient.pk, "body": "Edited"})
    assert Note.objects.get().body == "Spoke to daughter."


def test_viewing_lists_and_records_is_audited(client, alice, alices_patient):
    client.force_login(alice)
    client.get("/admin/patients/caretask/?scope=mine")
    client.get(record_url(alices_patient), REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="Firefox")
    listing = AuditEntry.objects.get(object_type="patients.CareTask")
    assert (listing.action, listing.object_repr) == ("view", "list scope=mine")
    view = AuditEntry.objects.get(object_type="patients.Patient")
    assert (view.actor, view.patient, view.ip_address, view.user_agent) == (
        alice,
        alices_patient,
        "10.9.8.7",
        "Firefox",
    )


def test_editing_the_diagnosis_inline_is_audited_and_regenerates_the_schedule(client, alice, alices_patient):
    client.force_login(alice)
    # The form lives on the record's "Edit details" page and posts back to it.
    diagnosis = {"care_record-0-diagnosis": "dfsp", "care_record-0-cml_phase": ""}
    response = post_edit_page(client, alices_patient, diagnosis)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert response["Location"] == record_url(alices_patient)
    assert not MonitoringItem.objects.filter(
        patient=alices_patient, kind="bcr_abl1_qpcr", status="planned", due_on__gt=TODAY
    ).exists()
    change = AuditEntry.objects.get(action="change", object_type="patients.CareRecord")
    assert "diagnosis" in change.changed_fields


def symptom_reported_this_morning(patient, symptom: str, grade: int) -> None:
    """A symptom the patient texted in at 08:00 IST on TODAY."""
    symptom_report_record(
        patient=patient,
        symptom=symptom,
        grade=grade,
        source="sms",
        reported_at=datetime(2026, 6, 15, 8, tzinfo=ZoneInfo("Asia/Kolkata")),
    )


def card(body: str, key: str) -> str:
    """One card of the dashboard's work queue, as HTML."""
    return body.split(f'data-card="{key}"')[1].split("</li>")[0]


def test_dashboard_counts_link_to_filtered_lists_mine_by_default(client, alice, bob, alices_patient):
    bobs = cml_patient(started_on=START, coordinator=bob)
    for patient in (alices_patient, bobs):
        symptom_reported_this_morning(patient, "fever_infection", 2)
    client.force_login(alice)
    body = client.get("/admin/").content.decode()
    assert 'data-card="urgent_symptoms"' in body
    assert "My work queue" in body
    assert '<span class="ct-count">1</span>' in card(body, "urgent_symptoms")
    assert "/admin/patients/symptomreport/?urgent=open&amp;scope=mine" in body
    listing = client.get("/admin/patients/symptomreport/?urgent=open&scope=mine").content.decode()
    assert alices_patient.full_name in listing
    assert bobs.full_name not in listing


def test_dashboard_all_toggle_counts_everything_i_may_see(client, ada, alice, bob):
    for coordinator in (alice, bob):
        patient = PatientFactory(coordinator=coordinator)
        symptom_reported_this_morning(patient, "chest_pain", 1)
    client.force_login(ada)
    body = client.get("/admin/?scope=all").content.decode()
    assert '<span class="ct-count">2</span>' in card(body, "urgent_symptoms")


def test_overdue_card_and_filter_agree(client, alice, alices_patient, time_machine):
    time_machine.move_to(datetime(2026, 8, 1, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    overdue = MonitoringItem.objects.filter(
        patient=alices_patient, status="planned", window_ends_on__lt=date(2026, 8, 1)
    ).count()
    assert overdue > 0
    client.force_login(alice)
    body = client.get("/admin/").content.decode()
    assert f'<span class="ct-count">{overdue}</span>' in card(body, "overdue_monitoring")
    listing = client.get("/admin/patients/monitoringitem/?state=overdue&scope=mine")
    assert listing.context["cl"].result_count == overdue


def test_patient_list_filters_fit_the_work(client, alice, alices_patient):
    quiet = PatientFactory(coordinator=alice, full_name="Quiet Patient")
    GeneticTest.objects.create(patient=alices_patient, kind="abl1_kd", status="ordered", ordered_on=TODAY)
    client.force_login(alice)
    for query, shown in [
        ("diagnosis=cml", [alices_patient]),
        ("test=pending", [alices_patient]),
        ("diagnosis=none", [quiet]),
        ("flag=no", [alices_patient, quiet]),
    ]:
        result = client.get(f"/admin/patients/patient/?{query}").context["cl"].result_list
        assert sorted(p.pk for p in result) == sorted(p.pk for p in shown), query
    found = client.get(f"/admin/patients/patient/?q={str(alices_patient.phone)[-8:]}").context["cl"].result_list
    assert list(found) == [alices_patient]
