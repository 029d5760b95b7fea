"""The patients API: same roles and visibility as the console, writes through services, audited, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.months import add_months
from patients.models import AuditEntry, CareTask, GeneticTest, MonitoringItem, Note, Resource
from patients.services import medication_dose_change
from tests.factories.care import cml_patient, qpcr
from tests.factories.people import PatientFactory
from tests.patients.conftest import START, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

LISTS = [
    "patients",
    "care-records",
    "genetic-tests",
    "results",
    "lab-results",
    "schedule-items",
    "symptoms",
    "tasks",
    "resources",
    "resource-assignments",
    "notes",
    "medications",
    "dose-changes",
]


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", LISTS)
def test_outsider_and_anonymous_are_refused(client, charlie, endpoint):
    assert client.get(f"/api/v1/{endpoint}/").status_code == 401
    client.force_login(charlie)
    assert client.get(f"/api/v1/{endpoint}/").status_code == 403


@pytest.mark.parametrize("endpoint", LISTS)
def test_every_list_opens_for_clinic_staff(client, alice, erin, ada, alices_patient, endpoint):
    for user in (alice, erin, ada):
        client.force_login(user)
        assert client.get(f"/api/v1/{endpoint}/").status_code == 200


def test_coordinator_lists_only_own_and_unassigned_patients(client, alice, bob, alices_patient):
    unassigned, bobs = PatientFactory(), PatientFactory(coordinator=bob)
    client.force_login(alice)
    assert ids(client.get("/api/v1/patients/")) == {alices_patient.pk, unassigned.pk}
    assert ids(client.get("/api/v1/patients/?scope=mine")) == {alices_patient.pk}
    assert client.get(f"/api/v1/patients/{bobs.pk}/").status_code == 404


def test_admin_sees_everyone_and_expert_without_consults_sees_no_one(client, ada, erin, alices_patient, bob):
    bobs = PatientFactory(coordinator=bob)
    client.force_login(ada)
    assert ids(client.get("/api/v1/patients/")) == {alices_patient.pk, bobs.pk}
    client.force_login(erin)
    assert ids(client.get("/api/v1/patients/")) == set()


def post_symptom(client, patient, symptom: str, *, grade: int, source: str):
    """A symptom report for the patient, posted to the API."""
    return client.post(
        "/api/v1/symptoms/",
        {"patient": patient.pk, "symptom": symptom, "grade": grade, "source": source},
        content_type="application/json",
    )


def post_ph_result(client, patient, **fields):
    """A positive Philadelphia chromosome result for the patient, resulted today, posted to the API."""
    return client.post(
        "/api/v1/results/",
        {
            "patient": patient.pk,
            "kind": "ph_chromosome",
            "resulted_on": TODAY.isoformat(),
            "ph_result": "positive",
            **fields,
        },
        content_type="application/json",
    )


def test_recording_a_result_returns_the_computed_assessment(client, alice, alices_patient):
    client.force_login(alice)
    response = client.post(
        "/api/v1/results/",
        {
            "patient": alices_patient.pk,
            "kind": "bcr_abl1_qpcr",
            "collected_on": add_months(START, 6).isoformat(),
            "resulted_on": TODAY.isoformat(),
            "bcr_abl1_detected": True,
            "is_percent": "12.5",
            "control_copies": 41000,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["molecular_response"], body["eln_milestone"], body["eln_assessment"]) == ("above_mmr", "6m", "failure")
    assert body["loinc"] == "69380-4"
    assert "> 10 %" in body["eln_rule"]
    assert CareTask.objects.get(source_kind="genetic_test", source_id=body["id"]).priority == "urgent"
    entry = AuditEntry.objects.get(action="create", via="api")
    assert entry.patient == alices_patient
    assert entry.actor == alice


def test_result_with_a_missing_field_gets_a_400_naming_it_and_stores_nothing(client, alice, alices_patient):
    client.force_login(alice)
    response = client.post(
        "/api/v1/results/",
        {"patient": alices_patient.pk, "kind": "bcr_abl1_qpcr", "resulted_on": TODAY.isoformat(), "is_percent": "1.5"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "control_copies" in response.json()
    assert not GeneticTest.objects.filter(kind="bcr_abl1_qpcr").exists()


def test_results_cannot_be_written_for_a_colleagues_patient(client, bob, alices_patient):
    client.force_login(bob)
    response = post_ph_result(client, alices_patient)
    assert response.status_code == 400
    assert "patient" in response.json()


def test_expert_cannot_write_clinical_data(client, erin, alices_patient):
    client.force_login(erin)
    response = post_symptom(client, alices_patient, "nausea", grade=1, source="staff")
    assert response.status_code == 403


def test_expert_may_add_notes_only_for_patients_they_can_see(client, erin, alices_patient):
    client.force_login(erin)
    response = client.post(
        "/api/v1/notes/", {"patient": alices_patient.pk, "body": "Seen in consult."}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "patient" in response.json()
    assert not Note.objects.exists()


def test_symptom_through_the_api_escalates_like_the_console(client, alice, alices_patient):
    client.force_login(alice)
    response = post_symptom(client, alices_patient, "shortness_of_breath", grade=2, source="phone")
    assert response.status_code == 201
    assert response.json()["is_urgent"] is True
    assert CareTask.objects.get(source_kind="symptom").priority == "urgent"


def test_schedule_item_actions(client, alice, alices_patient):
    item = MonitoringItem.objects.filter(patient=alices_patient, status="planned").first()
    client.force_login(alice)
    missing = client.post(
        f"/api/v1/schedule-items/{item.pk}/override/", {"due_on": "2026-07-01"}, content_type="application/json"
    )
    assert missing.status_code == 400
    assert "reason" in missing.json()
    moved = client.post(
        f"/api/v1/schedule-items/{item.pk}/override/",
        {"due_on": "2026-07-01", "reason": "Travel"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["due_on"] == "2026-07-01"
    done = client.post(
        f"/api/v1/schedule-items/{item.pk}/complete/", {"completed_on": "2026-06-14"}, content_type="application/json"
    )
    assert done.json()["status"] == "done"
    again = client.post(f"/api/v1/schedule-items/{item.pk}/skip/", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 409


def test_overdue_filter_on_schedule_items(client, alice, alices_patient):
    client.force_login(alice)
    rows = client.get("/api/v1/schedule-items/?state=upcoming").json()["results"]
    assert rows
    assert {row["state"] for row in rows} == {"upcoming"}


def test_task_status_change_is_recorded(client, alice, alices_patient):
    client.force_login(alice)
    created = client.post(
        "/api/v1/tasks/",
        {
            "patient": alices_patient.pk,
            "title": "Call about refill",
            "due_at": "2026-06-16T10:00:00+05:30",
            "priority": "normal",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    task_id = created.json()["id"]
    done = client.post(f"/api/v1/tasks/{task_id}/status/", {"status": "done"}, content_type="application/json")
    assert done.json()["status"] == "done"
    assert done.json()["completed_at"]
    assert (
        client.post(
            f"/api/v1/tasks/{task_id}/status/", {"status": "later"}, content_type="application/json"
        ).status_code
        == 400
    )


def test_resources_directory_is_seeded_and_only_admins_edit_it(client, alice, ada):
    assert Resource.objects.filter(name="The Leukemia & Lymphoma Society").exists()
    client.force_login(alice)
    assert (
        client.post(
            "/api/v1/resources/", {"name": "X", "category": "support"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(ada)
    assert (
        client.post(
            "/api/v1/resources/", {"name": "Local CML group", "category": "support"}, content_type="application/json"
        ).status_code
        == 201
    )


def test_assigning_the_same_resource_twice_is_a_conflict(client, alice, alices_patient):
    resource = Resource.objects.first()
    client.force_login(alice)
    body = {"patient": alices_patient.pk, "resource": resource.pk, "status": "suggested"}
    assert client.post("/api/v1/resource-assignments/", body, content_type="application/json").status_code == 201
    again = client.post("/api/v1/resource-assignments/", body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["field"] == "resource"


def test_care_record_update_validates_like_the_console(client, alice, alices_patient):
    client.force_login(alice)
    record = alices_patient.care_record
    response = client.patch(
        f"/api/v1/care-records/{record.pk}/", {"icd10_code": "C49.A1"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "icd10_code" in response.json()


def test_list_views_are_audited(client, alice, alices_patient):
    client.force_login(alice)
    client.get("/api/v1/tasks/?scope=mine")
    entry = AuditEntry.objects.get(object_type="patients.CareTask")
    assert (entry.via, entry.object_repr) == ("api", "list scope=mine")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("endpoint", LISTS)
def test_list_endpoints_use_a_constant_number_of_queries(client, alice, endpoint):
    resources = list(Resource.objects.all()[:4])

    def add_patients(count: int) -> None:
        for _ in range(count):
            patient = cml_patient(started_on=START, coordinator=alice)
            qpcr(patient, add_months(START, 3), "5")
            patient.notes.create(author=alice, author_name="alice", body="note")
            patient.resource_assignments.create(resource=resources[len(resources) - 1])
            patient.lab_results.create(taken_on=TODAY, anc=2)
            patient.symptom_reports.create(symptom="nausea", grade=1)
            medication_dose_change(
                medication=patient.medications.get(), to_mg=300, changed_on=TODAY, reason="neutropenia", by=alice
            )

    client.force_login(alice)
    add_patients(1)
    few = _queries(client, f"/api/v1/{endpoint}/")
    add_patients(4)
    assert _queries(client, f"/api/v1/{endpoint}/") == few


def test_search_and_coordinator_choices(client, alice, bob, charlie, alices_patient):
    client.force_login(alice)
    found = client.get(f"/api/v1/patients/?search={alices_patient.full_name.split()[-1]}")
    assert ids(found) == {alices_patient.pk}
    response = client.patch(
        f"/api/v1/patients/{alices_patient.pk}/", {"coordinator": charlie.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "coordinator" in response.json()
    handed_over = client.patch(
        f"/api/v1/patients/{alices_patient.pk}/", {"coordinator": bob.pk}, content_type="application/json"
    )
    assert handed_over.status_code == 200
    assert handed_over.json()["coordinator"] == bob.pk


def test_result_cannot_name_a_test_of_a_patient_i_cannot_see(client, alice, bob):
    hidden = GeneticTest.objects.create(
        patient=PatientFactory(coordinator=bob), kind="ph_chromosome", status="ordered", ordered_on=TODAY
    )
    mine = PatientFactory(coordinator=alice)
    client.force_login(alice)
    response = post_ph_result(client, mine, test=hidden.pk)
    assert response.status_code == 400
    assert "does not exist" in str(response.json()["test"])
