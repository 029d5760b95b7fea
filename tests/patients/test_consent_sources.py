"""Every consent change records where it came from: web form, API, keyword reply, staff."""

import pytest

from patients.intake import patient_intake_for_booking
from patients.models import AuditEntry
from tests.consults.helpers import details
from tests.factories.inbound import text_received
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def test_a_new_phone_booked_through_the_api_records_source_api():
    patient = patient_intake_for_booking(details=details("+919876500003", consent_sms=True, source="api"))
    assert AuditEntry.objects.get(action="consent", patient=patient).via == "api"


def test_stop_is_recorded_as_a_keyword_consent_change():
    patient = PatientFactory(phone="+919876500004")
    text_received("+919876500004", "STOP", sid="SM" + "1" * 32)
    entry = AuditEntry.objects.get(action="consent", patient=patient)
    assert entry.via == "keyword"
    assert entry.changed_fields == ["sms_opted_out_at"]


def test_start_after_stop_is_recorded_as_a_keyword_consent_change():
    patient = PatientFactory(phone="+919876500004")
    text_received("+919876500004", "STOP", sid="SM" + "1" * 32)
    text_received("+919876500004", "START", sid="SM" + "2" * 32)
    assert AuditEntry.objects.filter(action="consent", patient=patient, via="keyword").count() == 2


def test_staff_consent_change_in_the_console_records_source_staff(client, alice):
    patient = PatientFactory(coordinator=alice, consent_sms=True, consent_whatsapp=False)
    client.force_login(alice)
    form = {
        "full_name": patient.full_name,
        "phone": str(patient.phone),
        "email": "",
        "coordinator": alice.pk,
        "source": "web",
        "language": "en",
        "time_zone": "Asia/Kolkata",
        "preferred_channel": "sms",
        "consent_sms": "on",
        "consent_whatsapp": "on",
        "consent_text_version": "2026-01",
    }
    for prefix, total in (
        ("care_record", 0),
        ("medications", 0),
        ("concomitant_medications", 0),
        ("insurance_policies", 0),
    ):
        form[f"{prefix}-TOTAL_FORMS"] = total
        form[f"{prefix}-INITIAL_FORMS"] = 0
    response = client.post(f"/admin/patients/patient/{patient.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="consent", patient=patient)
    assert entry.via == "staff"
    assert entry.changed_fields == ["consent_whatsapp"]
