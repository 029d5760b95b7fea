"""Which names and phone numbers the clinic accepts from the public, in one place.

Everything typed into a public form can end up in an SMS sent from the clinic's own number, so:
- a name is letters, spaces and a little punctuation, never a link or digits
  (`validate_patient_name`; messages greet by name only when `name_is_greetable`);
- a phone number is a mobile in one of the countries the clinic serves, without an extension
  (`validate_patient_phone`, settings PATIENT_PHONE_COUNTRIES and PATIENT_PHONE_TYPES), so the
  booking form cannot be used to send texts to premium or far-away destinations (SMS pumping).

The booking form, the public API and any other public phone input (web chat) use these functions
or the form/serializer fields below, never their own rules.
"""

import re
import unicodedata
from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from phonenumber_field.formfields import PhoneNumberField as PhoneNumberFormField
from phonenumber_field.phonenumber import PhoneNumber
from phonenumber_field.serializerfields import PhoneNumberField as PhoneNumberSerializerField
from phonenumbers import geocoder
from rest_framework import serializers

NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = 100
NAME_PUNCTUATION = frozenset(" .'-’")
# "evil.example", "pay.now/x": a full stop followed directly by a word reads as a web address.
_DOMAIN_LIKE = re.compile(r"\.[^\W\d_]{2,}")
NAME_ERROR = (
    "Write your name in letters, as you would sign it (a space, full stop, apostrophe or hyphen is fine; "
    "no numbers or web addresses), for example Asha K. Menon."
)

# Settings names → phonenumbers' types (settings.py checks the names at start-up).
PHONE_TYPES: dict[str, int] = {
    "mobile": phonenumbers.PhoneNumberType.MOBILE,
    "fixed_line_or_mobile": phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    "fixed_line": phonenumbers.PhoneNumberType.FIXED_LINE,
    "toll_free": phonenumbers.PhoneNumberType.TOLL_FREE,
    "voip": phonenumbers.PhoneNumberType.VOIP,
    "personal_number": phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    "uan": phonenumbers.PhoneNumberType.UAN,
}


def _name_problem(value: str) -> bool:
    text = value.strip()
    if not NAME_MIN_LENGTH <= len(text) <= NAME_MAX_LENGTH:
        return True
    letters = 0
    for char in text:
        category = unicodedata.category(char)
        if category.startswith("L"):
            letters += 1
        elif not (category.startswith("M") or char in NAME_PUNCTUATION):  # marks: Devanagari vowel signs
            return True
    return letters < NAME_MIN_LENGTH or bool(_DOMAIN_LIKE.search(text))


def validate_patient_name(value: str) -> str:
    """The name as typed (trimmed, inner spaces collapsed), or ValidationError with a sentence to act on."""
    text = " ".join((value or "").split())
    if _name_problem(text):
        raise ValidationError(NAME_ERROR, code="invalid_name")
    return text


def name_is_greetable(value: str) -> bool:
    """Whether a message may greet the patient with this name (names stored before validation existed)."""
    return not _name_problem(" ".join((value or "").split()))


def _allowed_types() -> set[int]:
    return {PHONE_TYPES[name] for name in settings.PATIENT_PHONE_TYPES}


def phone_example() -> str:
    """A number of the first allowed country and type, formatted as people write it ("+91 81234 56789")."""
    region = settings.PATIENT_PHONE_COUNTRIES[0]
    kind = PHONE_TYPES[settings.PATIENT_PHONE_TYPES[0]]
    example = phonenumbers.example_number_for_type(region, kind) or phonenumbers.example_number(region)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _country_names() -> str:
    """The accepted countries in the page's language where phonenumbers knows the name (भारत), else English."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    names = []
    for region in settings.PATIENT_PHONE_COUNTRIES:
        example = phonenumbers.example_number(region)
        names.append((example and geocoder.country_name_for_number(example, language)) or region)
    if len(names) == 1:
        return names[0]
    # Translators: the last two of a list of countries, as in "India, Nepal or United Kingdom".
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def phone_error_message() -> str:
    """The one error for a number we cannot text, naming what we accept and an example, in the page's language."""
    values = {"countries": _country_names(), "example": phone_example()}
    if set(settings.PATIENT_PHONE_TYPES) <= {"mobile", "fixed_line_or_mobile"}:
        return gettext("Enter a mobile number from %(countries)s, like %(example)s.") % values
    return gettext("Enter a phone number from %(countries)s, like %(example)s.") % values


def phone_help_text() -> str:
    """The booking form's hint under the phone field, in the page's language."""
    return gettext("For example %(example)s.") % {"example": phone_example()}


# For error messages and hints fixed when a form class is defined: worked out, in the language of the
# page, each time they are shown.
phone_error_message_lazy = lazy(phone_error_message, str)
phone_help_text_lazy = lazy(phone_help_text, str)


def validate_patient_phone(value: Any) -> PhoneNumber:
    """A public phone input → PhoneNumber we may text, or ValidationError(phone_error_message()).

    Accepts a string in any common notation (or a number, as JSON clients send it); refuses
    extensions, other countries and number types not in PATIENT_PHONE_TYPES (landlines, toll-free).
    """
    if isinstance(value, PhoneNumber):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        try:
            number = PhoneNumber.from_string(text, region=settings.PHONENUMBER_DEFAULT_REGION)
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(phone_error_message(), code="invalid_phone") from exc
    if (
        not number.is_valid()
        or number.extension
        or phonenumbers.region_code_for_number(number) not in settings.PATIENT_PHONE_COUNTRIES
        or phonenumbers.number_type(number) not in _allowed_types()
    ):
        raise ValidationError(phone_error_message(), code="invalid_phone")
    return number


class PatientPhoneFormField(PhoneNumberFormField):
    """A form's public phone input: parsed, then `validate_patient_phone`; example and error from settings."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(region=settings.PHONENUMBER_DEFAULT_REGION, **kwargs)
        self.error_messages["invalid"] = phone_error_message_lazy()
        self.widget.attrs.setdefault("placeholder", phone_example())

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values:
            validate_patient_phone(value)


class PatientNameFormField(forms.CharField):
    """A form's public name input, checked by `validate_patient_name`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "name")

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        return validate_patient_name(text) if text else text


class PatientPhoneSerializerField(PhoneNumberSerializerField):
    """The API's public phone input: strings or JSON numbers, then `validate_patient_phone`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", f"A mobile number with country code, like {phone_example()}.")
        super().__init__(**kwargs)
        self.error_messages["invalid"] = phone_error_message_lazy()

    def to_internal_value(self, data: Any) -> PhoneNumber:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        try:
            return validate_patient_phone(data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class PatientNameSerializerField(serializers.CharField):
    """The API's public name input, checked by `validate_patient_name`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            return validate_patient_name(text)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
