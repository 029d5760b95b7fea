"""Only one patient record holds a phone: staff get a form error for a duplicate, never a server error."""

import pytest

from patients.models import Patient
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def add_form(phone: str, coordinator) -> dict:
    form = {
        "full_name": "Second Record",
        "phone": phone,
        "email": "",
        "coordinator": coordinator.pk,
        "source": "staff",
        "language": "en",
        "time_zone": "Asia/Kolkata",
        "preferred_channel": "sms",
        "consent_text_version": "",
    }
    for prefix in ("care_record", "medications", "concomitant_medications", "insurance_policies"):
        form[f"{prefix}-TOTAL_FORMS"] = 0
        form[f"{prefix}-INITIAL_FORMS"] = 0
    return form


def test_staff_adding_a_phone_already_on_file_get_a_form_error(client, alice):
    PatientFactory(phone="+919876500001", coordinator=alice)
    client.force_login(alice)
    response = client.post("/admin/patients/patient/add/", add_form("+919876500001", alice))
    assert response.status_code == 200
    assert "already has this phone number" in response.content.decode()


def test_staff_adding_a_phone_already_on_file_store_nothing(client, alice):
    PatientFactory(phone="+919876500001", coordinator=alice)
    client.force_login(alice)
    client.post("/admin/patients/patient/add/", add_form("+919876500001", alice))
    assert Patient.objects.count() == 1


def test_api_changing_a_phone_to_one_already_on_file_is_400_naming_the_field(client, alice):
    PatientFactory(phone="+919876500001", coordinator=alice)
    other = PatientFactory(phone="+919876500002", coordinator=alice)
    client.force_login(alice)
    response = client.patch(
        f"/api/v1/patients/{other.pk}/", {"phone": "+919876500001"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "phone" in response.json()


def test_an_intake_may_share_the_phone_of_the_record_it_names(alice):
    known = PatientFactory(phone="+919876500001", coordinator=alice)
    intake = Patient(phone="+919876500001", record_state="intake", intake_of=known)
    intake.full_clean()
    intake.save()
    assert Patient.objects.filter(phone="+919876500001").count() == 2
