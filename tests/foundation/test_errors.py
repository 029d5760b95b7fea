"""The error vocabulary and its two mappers: onto a form (clinic.form_errors) and onto an API answer
(clinic.api_errors). Programming errors are not mapped: they stay exceptions, logged and answered 500."""

import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from clinic.api_errors import api_exception_handler, error_body
from clinic.errors import Busy, Conflict, DomainError, NotFound
from clinic.form_errors import add_service_errors
from consults.errors import IdempotencyKeyReused, SlotTaken
from messaging.errors import MessageTemplateError, UnknownMessageKind
from webchat.services import TooManyCodes

ROOT = Path(__file__).resolve().parents[2]


class SampleForm(forms.Form):
    sample_date = forms.DateField()
    note = forms.CharField(required=False)
    key = forms.CharField(widget=forms.HiddenInput)


def bound_form(**data: str) -> SampleForm:
    form = SampleForm({"sample_date": "2026-11-28", "note": "", "key": "k-1", **data})
    assert form.is_valid(), form.errors
    return form


# --- onto a form ---


def test_an_error_naming_a_field_of_the_form_is_shown_beside_that_field():
    form = bound_form()
    add_service_errors(form, DomainError("The sample date is after the result date.", field="sample_date"))
    assert form.errors["sample_date"] == ["The sample date is after the result date."]
    assert form.non_field_errors() == []


def test_an_error_naming_no_field_is_shown_above_the_form():
    form = bound_form()
    add_service_errors(form, Conflict("This record changed meanwhile; open it again."))
    assert form.non_field_errors() == ["This record changed meanwhile; open it again."]
    assert list(form.errors) == ["__all__"]


def test_an_error_naming_a_field_the_form_does_not_have_is_shown_above_the_form():
    form = bound_form()
    add_service_errors(form, DomainError("Choose another expert.", field="expert"))
    assert form.non_field_errors() == ["Choose another expert."]


def test_a_moved_error_is_shown_beside_the_field_that_decides_it():
    form = bound_form()
    error = DomainError("The result date is before the sample date.", field="resulted_on")
    add_service_errors(form, error, moved={"resulted_on": "sample_date"})
    assert form.errors["sample_date"] == ["The result date is before the sample date."]


def test_an_error_moved_to_none_is_shown_above_the_form_not_on_its_hidden_field():
    form = bound_form()
    add_service_errors(form, DomainError("Use a new key.", field="key"), moved={"key": None})
    assert form.non_field_errors() == ["Use a new key."]
    assert "key" not in form.errors


def test_a_moved_error_is_dropped_when_its_field_already_has_one():
    form = SampleForm({"sample_date": "not a date", "key": "k-1"})
    assert not form.is_valid()
    own = list(form.errors["sample_date"])
    add_service_errors(
        form, DomainError("Before the sample date.", field="resulted_on"), moved={"resulted_on": "sample_date"}
    )
    assert form.errors["sample_date"] == own


def test_a_fallback_field_takes_an_error_naming_no_field():
    form = bound_form()
    add_service_errors(form, DomainError("Two-step login is already set up."), fallback="note")
    assert form.errors["note"] == ["Two-step login is already set up."]
    assert form.non_field_errors() == []


def test_a_message_the_form_already_shows_is_not_added_twice():
    form = bound_form()
    error = DomainError("Enter a date in 2026.", field="sample_date")
    add_service_errors(form, error)
    add_service_errors(form, error)
    assert form.errors["sample_date"] == ["Enter a date in 2026."]


def test_a_django_validation_error_is_shown_field_by_field():
    form = bound_form()
    add_service_errors(form, ValidationError({"sample_date": "Too early.", "lab": "Unknown lab."}))
    assert form.errors["sample_date"] == ["Too early."]
    assert form.non_field_errors() == ["Unknown lab."]


# --- onto an API answer ---


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DomainError("Bad."), HTTPStatus.BAD_REQUEST),
        (NotFound("No such consult."), HTTPStatus.NOT_FOUND),
        (Conflict("Already paused."), HTTPStatus.CONFLICT),
        (SlotTaken("Just taken."), HTTPStatus.CONFLICT),
        (IdempotencyKeyReused("Key reused."), HTTPStatus.UNPROCESSABLE_ENTITY),
        (TooManyCodes("Wait a minute."), HTTPStatus.TOO_MANY_REQUESTS),
        (Busy("Try again in a moment."), HTTPStatus.SERVICE_UNAVAILABLE),
    ],
)
def test_the_api_answers_a_domain_error_with_its_status(error: DomainError, status: HTTPStatus):
    response = api_exception_handler(error, {})
    assert response is not None
    assert response.status_code == status


def test_every_domain_error_status_is_an_http_status():
    assert isinstance(SlotTaken("x").status, HTTPStatus)
    assert isinstance(TooManyCodes("x").status, HTTPStatus)


def test_the_api_body_names_the_field_and_repeats_the_message_under_it():
    error = Conflict("Already on the care team.", field="member", extra={"member_id": 7})
    response = api_exception_handler(error, {})
    assert response is not None
    assert response.data == {
        "code": "conflict",
        "detail": "Already on the care team.",
        "field": "member",
        "member": ["Already on the care team."],
        "member_id": 7,
    }


def test_the_api_body_of_an_error_naming_no_field_has_code_and_detail_only():
    assert error_body(NotFound("No such consult.")) == {"code": "not_found", "detail": "No such consult."}


def test_django_validation_error_is_answered_400_field_by_field():
    response = api_exception_handler(ValidationError({"start": "Give the offset."}), {})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"start": ["Give the offset."]}


def test_permission_denied_is_answered_403_with_its_sentence():
    response = api_exception_handler(PermissionDenied("Only coordinators can cancel."), {})
    assert response is not None
    assert response.status_code == 403
    assert response.data == {"code": "permission_denied", "detail": "Only coordinators can cancel."}


@pytest.mark.parametrize(
    "error", [UnknownMessageKind("no kind 'x'"), MessageTemplateError("needs starts_at"), ValueError("bug")]
)
def test_a_programming_error_is_left_to_django_which_logs_it_and_answers_500(error: Exception):
    assert not isinstance(error, DomainError)
    assert api_exception_handler(error, {}) is None  # DRF then re-raises it


def test_the_vocabulary_imports_no_web_framework():
    probe = (
        "import sys, clinic.errors; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'rest_framework', 'django'}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
