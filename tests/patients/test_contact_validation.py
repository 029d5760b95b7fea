"""Names and phone numbers the public may give: one module decides (patients/contact_validation.py),
and every public input and every greeting follows it."""

import pytest
from django.core.exceptions import ValidationError

from patients.contact_validation import (
    name_is_greetable,
    phone_error_message,
    validate_patient_name,
    validate_patient_phone,
)


@pytest.mark.parametrize(
    "name", ["Asha Menon", "A.K. Sharma", "D'Souza", "Mary-Ann O’Brien", "आशा वर्मा", "Ravi", "Dr. Rao"]
)
def test_names_people_sign_are_accepted(name):
    assert validate_patient_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "https://evil.example/pay-now",
        "evil.example",
        "pay.now",
        "www.x.in",
        "Asha 2",
        "Call 9876543210",
        "a@b",
        "<b>Asha</b>",
        "A",
        "x" * 101,
        "...",
        "--",
        "Asha\x00",
        "Asha_Menon",
    ],
)
def test_links_digits_and_symbols_are_refused(name):
    with pytest.raises(ValidationError):
        validate_patient_name(name)


def test_inner_spaces_are_collapsed():
    assert validate_patient_name("  Asha   Menon ") == "Asha Menon"


@pytest.mark.parametrize("phone", ["+91 98765 43210", "9876543210", "098765 43210", 9876543210])
def test_indian_mobiles_are_accepted(phone):
    assert validate_patient_phone(phone).as_e164 == "+919876543210"


@pytest.mark.parametrize(
    "phone",
    [
        "+91 80 4000 1234",  # Bengaluru landline
        "1800 123 4567",  # toll-free
        "+91 98765 43210 ext. 12",
        "+44 7400 123456",  # a valid UK mobile: another country
        "+882 1234 5678",  # international network: a common SMS-pumping destination
        "+7 912 345 6789",
        "12345",
        "",
        "not a number",
    ],
)
def test_other_numbers_are_refused_with_the_allowed_set_in_the_message(phone):
    with pytest.raises(ValidationError) as refused:
        validate_patient_phone(phone)
    assert refused.value.messages == ["Enter a mobile number from India, like +91 81234 56789."]


def test_the_allowed_countries_are_a_setting(settings):
    settings.PATIENT_PHONE_COUNTRIES = ["IN", "GB"]
    assert validate_patient_phone("+44 7400 123456").as_e164 == "+447400123456"
    assert phone_error_message() == "Enter a mobile number from India or United Kingdom, like +91 81234 56789."


def test_the_allowed_number_types_are_a_setting(settings):
    settings.PATIENT_PHONE_TYPES = ["mobile", "fixed_line"]
    assert validate_patient_phone("+91 80 4000 1234").as_e164 == "+918040001234"


def test_greetable_names_are_exactly_the_valid_ones():
    assert name_is_greetable("Asha Menon") is True
    assert name_is_greetable("https://evil.example") is False
