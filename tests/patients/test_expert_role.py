"""Experts see their consult patients' records read-only and may add notes; nobody else's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patients.models import AuditEntry, Note
from patients.services import symptom_report_record
from tests.factories.care import cml_patient, qpcr
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consult_patient(alice, erin):
    patient = cml_patient(started_on=timezone.localdate() - timedelta(days=200), coordinator=alice)
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    ConsultFactory(patient=patient, expert=ExpertFactory(user=erin), start=start)
    return patient


@pytest.fixture
def other_patient(alice):
    return PatientFactory(coordinator=alice, full_name="Not Erins Patient")


def test_expert_opens_their_consult_patients_record_read_only(client, erin, consult_patient, other_patient):
    qpcr(consult_patient, timezone.localdate() - timedelta(days=10), "0.5")
    client.force_login(erin)
    listing = client.get("/admin/patients/patient/").content.decode()
    assert consult_patient.full_name in listing
    assert other_patient.full_name not in listing
    page = client.get(f"/admin/patients/patient/{consult_patient.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "BCR::ABL1 (International Scale)" in body
    assert "Add a note" in body
    assert "Record BCR::ABL1 result" not in body
    assert 'name="_save"' not in body
    assert AuditEntry.objects.filter(actor=erin, action="view", patient=consult_patient).exists()


def test_expert_cannot_change_the_record(client, erin, consult_patient):
    client.force_login(erin)
    response = client.post(f"/admin/patients/patient/{consult_patient.pk}/change/", {"full_name": "Changed"})
    assert response.status_code == 403
    consult_patient.refresh_from_db()
    assert consult_patient.full_name != "Changed"
    assert client.get("/admin/patients/symptomreport/add/").status_code == 403


def test_expert_cannot_open_another_patient_by_url(client, erin, other_patient):
    client.force_login(erin)
    assert client.get(f"/admin/patients/patient/{other_patient.pk}/change/").status_code == 404
    assert client.get(f"/api/v1/patients/{other_patient.pk}/").status_code == 404


def test_expert_adds_a_note_for_their_patient_only(client, erin, consult_patient, other_patient):
    client.force_login(erin)
    ok = client.post(
        f"/admin/patients/note/add/?patient={consult_patient.pk}&from=record",
        {"patient": consult_patient.pk, "body": "Discussed diet in consult."},
    )
    assert ok.status_code == 302
    assert ok["Location"].startswith(f"/admin/patients/patient/{consult_patient.pk}/")
    refused = client.post("/admin/patients/note/add/", {"patient": other_patient.pk, "body": "x"})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    api = client.post(
        "/api/v1/notes/",
        {"patient": consult_patient.pk, "body": "Follow-up advice sent."},
        content_type="application/json",
    )
    assert api.status_code == 201
    assert list(Note.objects.filter(author=erin).values_list("patient_id", flat=True)) == [consult_patient.pk] * 2


def test_expert_api_reads_their_patients_and_cannot_write_clinical_data(client, erin, consult_patient, other_patient):
    client.force_login(erin)
    patients = client.get("/api/v1/patients/").json()["results"]
    assert [row["id"] for row in patients] == [consult_patient.pk]
    items = client.get("/api/v1/schedule-items/").json()["results"]
    assert items
    assert {row["patient"] for row in items} == {consult_patient.pk}
    response = client.post(
        "/api/v1/symptoms/",
        {"patient": consult_patient.pk, "symptom": "nausea", "grade": 1, "source": "staff"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_experts_dashboard_shows_my_day_not_the_coordinator_cards(client, erin, consult_patient, other_patient):
    # Issue 14: urgent symptoms are the coordinators' work; the expert's home is "My day".
    for patient in (consult_patient, other_patient):
        symptom_report_record(patient=patient, symptom="fainting", grade=1, source="sms", reported_at=timezone.now())
    client.force_login(erin)
    body = client.get("/admin/").content.decode()
    assert 'data-card="urgent_symptoms"' not in body
    assert 'data-section="my-day"' in body
