"""Outbound safety at the public edges: the booking form and API refuse names and numbers the clinic
must not text, and messages greet only by a name that passes validation."""

import pytest

from consults.forms import BookingDetailsForm
from messaging.texts import render_body
from tests.consults.test_api_public import booking_body, post_booking
from tests.factories.consults import ExpertFactory
from tests.factories.people import PatientFactory


def test_the_booking_forms_phone_example_comes_from_the_allowed_set():
    assert BookingDetailsForm().fields["phone"].widget.attrs["placeholder"] == "+91 81234 56789"


def test_the_booking_form_refuses_a_link_as_a_name():
    form = BookingDetailsForm(data={"name": "https://evil.example/pay-now", "phone": "+91 98765 43210"})
    assert "no numbers or web addresses" in form.errors["name"][0]


def test_the_booking_form_refuses_a_landline_naming_the_allowed_set():
    form = BookingDetailsForm(data={"name": "Asha Menon", "phone": "+91 80 4000 1234"})
    assert form.errors["phone"] == ["Enter a mobile number from India, like +91 81234 56789."]


@pytest.mark.django_db
def test_the_public_api_refuses_a_link_as_a_name(client, frozen):
    response = post_booking(client, booking_body(ExpertFactory(), name="https://evil.example/pay-now"))
    assert response.status_code == 400
    assert "no numbers or web addresses" in response.json()["name"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["+882 1234 5678", "+91 80 4000 1234", "+91 98765 43210 ext. 12"])
def test_the_public_api_refuses_numbers_we_may_not_text(client, frozen, phone):
    response = post_booking(client, booking_body(ExpertFactory(), phone=phone))
    assert response.status_code == 400
    assert response.json()["phone"] == ["Enter a mobile number from India, like +91 81234 56789."]


@pytest.mark.django_db
def test_the_public_api_takes_a_mobile_sent_as_a_json_number(client, frozen):
    assert post_booking(client, booking_body(ExpertFactory(), phone=9876500001)).status_code == 201


@pytest.mark.django_db
def test_a_message_greets_a_validated_name(frozen):
    patient = PatientFactory(full_name="Meena Test")
    body, _ = render_body(kind="conversation_reopen", patient=patient, context={})
    assert "Hello Meena," in body


@pytest.mark.django_db
@pytest.mark.parametrize("stored", ["https://evil.example/pay-now", "Win 5000 now", "pay.now"])
def test_a_message_never_greets_a_name_that_fails_validation(frozen, stored):
    patient = PatientFactory(full_name=stored)
    body, _ = render_body(kind="conversation_reopen", patient=patient, context={})
    assert stored.split()[0] not in body
    assert ": Hello, we have a message" in body
