"""Issue 10's high finding: booking anonymously with a known patient's phone, choosing an expert and
cancelling, must give that expert nothing of the existing patient's record."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consults.models import Consult
from tests.factories.care import cml_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_patient(bob, frozen):
    """Bob's CML patient with a care record, phone +91 98765 00001."""
    patient = cml_patient(started_on=timezone.localdate() - timedelta(days=300), coordinator=bob)
    patient.phone = "+919876500001"
    patient.full_name = "Known Patient Kamala"
    patient.save()
    return patient


def book_with_the_known_phone(client, expert, *, channel: str, consent_whatsapp: bool) -> Consult:
    """An anonymous booking through the public API with the known patient's phone, choosing `expert`."""
    body = {
        "expert": expert.pk,
        "start": "2026-12-02T10:00:00+05:30",
        "topic": "side_effects",
        "mode": "phone",
        "name": "Attacker",
        "phone": "+91 98765 00001",
        "email": "",
        "channel": channel,
        "consent_sms": False,
        "consent_whatsapp": consent_whatsapp,
        "note": "",
    }
    booked = client.post("/api/v1/consults/", body, content_type="application/json")
    assert booked.status_code == 201
    return Consult.objects.get(reference=booked.json()["reference"])


@pytest.fixture
def attack(client, expert, known_patient):
    """An anonymous booking with the known phone, choosing erin, then cancelled through its manage link."""
    consult = book_with_the_known_phone(client, expert, channel="whatsapp", consent_whatsapp=True)
    cancelled = client.post(
        f"/api/v1/consults/manage/{consult.manage_token}/cancel/", {"reason": ""}, content_type="application/json"
    )
    assert cancelled.status_code == 200
    client.logout()
    return consult


def test_the_booking_does_not_join_the_known_patients_record(attack, known_patient):
    assert attack.patient_id != known_patient.pk


def test_expert_changelist_does_not_list_the_known_patient(client, erin, attack, known_patient):
    client.force_login(erin)
    body = client.get("/admin/patients/patient/").content.decode()
    assert known_patient.full_name not in body


def test_expert_cannot_open_the_known_patients_record(client, erin, attack, known_patient):
    client.force_login(erin)
    assert client.get(f"/admin/patients/patient/{known_patient.pk}/change/").status_code == 404


def test_expert_cannot_open_the_known_patients_schedule_items(client, erin, attack, known_patient):
    item = known_patient.monitoring_items.first()
    client.force_login(erin)
    assert client.get(f"/admin/patients/monitoringitem/{item.pk}/change/").status_code == 404


def test_expert_patient_api_list_is_empty(client, erin, attack):
    client.force_login(erin)
    assert client.get("/api/v1/patients/").json()["results"] == []


def test_expert_patient_api_detail_is_404(client, erin, attack, known_patient):
    client.force_login(erin)
    assert client.get(f"/api/v1/patients/{known_patient.pk}/").status_code == 404


def test_expert_care_record_api_shows_nothing(client, erin, attack):
    client.force_login(erin)
    assert client.get("/api/v1/care-records/").json()["results"] == []


def test_expert_schedule_api_shows_nothing(client, erin, attack):
    client.force_login(erin)
    assert client.get("/api/v1/schedule-items/").json()["results"] == []


def test_expert_staff_consult_api_no_longer_shows_the_cancelled_booking(client, erin, attack):
    client.force_login(erin)
    assert client.get("/api/v1/staff/consults/").json()["results"] == []
    assert client.get(f"/api/v1/staff/consults/{attack.pk}/").status_code == 404


def test_the_known_patients_consent_is_unchanged(attack, known_patient):
    known_patient.refresh_from_db()
    assert known_patient.consent_whatsapp is False


def test_expert_booked_by_the_anonymous_person_does_not_learn_the_known_patients_name(
    client, erin, expert, known_patient
):
    consult = book_with_the_known_phone(client, expert, channel="sms", consent_whatsapp=False)
    client.force_login(erin)
    page = client.get(f"/admin/patients/patient/{consult.patient_id}/change/")
    assert page.status_code == 200
    assert known_patient.full_name not in page.content.decode()
