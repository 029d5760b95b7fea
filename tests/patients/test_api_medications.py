"""Medication and dose-change endpoints: the console's services, the capability rules for the whole cast, audited."""

import pytest

from patients.models import AuditEntry, DoseChange, Medication
from tests.factories.care import record_for
from tests.factories.people import PatientFactory
from tests.patients.conftest import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def course(patient) -> Medication:
    return patient.medications.get()


def start_course(client, patient):
    """Imatinib 400 mg a day from 1 June, started through the API."""
    return client.post(
        "/api/v1/medications/",
        {"patient": patient.pk, "dose_mg_per_day": 400, "started_on": "2026-06-01"},
        content_type="application/json",
    )


def dose_change(client, medication: Medication, to_mg: int = 300):
    return client.post(
        f"/api/v1/medications/{medication.pk}/dose-change/",
        {"to_mg": to_mg, "changed_on": "2026-06-10", "reason": "Grade 3 neutropenia"},
        content_type="application/json",
    )


def test_anonymous_caller_is_refused(client, alices_patient):
    assert client.get("/api/v1/medications/").status_code == 401


def test_anonymous_caller_cannot_change_a_dose(client, alices_patient):
    assert dose_change(client, course(alices_patient)).status_code == 401


def test_outsider_is_refused(client, charlie, alices_patient):
    client.force_login(charlie)
    assert client.get("/api/v1/medications/").status_code == 403


def test_coordinator_changes_the_dose_through_the_service(client, alice, alices_patient):
    client.force_login(alice)
    response = dose_change(client, course(alices_patient))
    assert response.status_code == 201
    assert response.json()["dose_mg_per_day"] == 300
    assert response.json()["dose_changes"][0]["from_mg"] == 400


def test_dose_change_is_audited(client, alice, alices_patient):
    client.force_login(alice)
    dose_change(client, course(alices_patient))
    entry = AuditEntry.objects.get(object_type="patients.DoseChange")
    assert (entry.via, entry.actor_id) == ("api", alice.pk)


def test_dose_change_without_reason_names_the_field(client, alice, alices_patient):
    client.force_login(alice)
    response = client.post(
        f"/api/v1/medications/{course(alices_patient).pk}/dose-change/", {"to_mg": 300}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_same_dose_is_refused_by_the_service(client, alice, alices_patient):
    client.force_login(alice)
    response = dose_change(client, course(alices_patient), to_mg=400)
    assert response.status_code == 400
    assert DoseChange.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("bob", 404, id="another coordinator does not see the course"),
        pytest.param("erin", 403, id="an expert may not change a dose"),
        pytest.param("ada", 201, id="an admin changes any patient's dose"),
    ],
)
def test_who_may_change_a_dose(client, request, alices_patient, who, status):
    client.force_login(request.getfixturevalue(who))
    assert dose_change(client, course(alices_patient)).status_code == status


def test_expert_may_read_the_medication_list(client, erin, alices_patient):
    client.force_login(erin)
    assert client.get("/api/v1/medications/").status_code == 200


def test_coordinator_starts_a_course(client, alice):
    patient = PatientFactory(coordinator=alice)
    record_for(patient, diagnosis="cml", cml_phase="chronic", diagnosed_on=START)
    client.force_login(alice)
    response = start_course(client, patient)
    assert response.status_code == 201
    assert patient.medications.get().drug == "imatinib"


def test_second_active_tki_course_is_refused(client, alice, alices_patient):
    client.force_login(alice)
    response = start_course(client, alices_patient)
    assert response.status_code == 400
    assert alices_patient.medications.count() == 1


def test_coordinator_cannot_start_a_course_for_a_patient_they_cannot_see(client, bob, alices_patient):
    client.force_login(bob)
    response = start_course(client, alices_patient)
    assert response.status_code == 400


def test_coordinator_stops_a_course_with_a_reason(client, alice, alices_patient):
    client.force_login(alice)
    response = client.post(
        f"/api/v1/medications/{course(alices_patient).pk}/stop/",
        {"stopped_on": "2026-06-12", "reason": "Entering treatment-free remission"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False


def test_stopping_twice_is_a_conflict(client, alice, alices_patient):
    client.force_login(alice)
    url = f"/api/v1/medications/{course(alices_patient).pk}/stop/"
    client.post(url, {"stopped_on": "2026-06-12", "reason": "Stopped"}, content_type="application/json")
    assert (
        client.post(url, {"stopped_on": "2026-06-12", "reason": "Stopped"}, content_type="application/json").status_code
        == 409
    )


def test_dose_changes_list_for_the_patient(client, alice, alices_patient):
    client.force_login(alice)
    dose_change(client, course(alices_patient))
    rows = client.get(f"/api/v1/dose-changes/?patient={alices_patient.pk}").json()["results"]
    assert [(row["from_mg"], row["to_mg"]) for row in rows] == [(400, 300)]


def test_medication_endpoints_are_in_the_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert {
        "/api/v1/medications/",
        "/api/v1/medications/{id}/dose-change/",
        "/api/v1/medications/{id}/stop/",
        "/api/v1/dose-changes/",
    } <= set(paths)
