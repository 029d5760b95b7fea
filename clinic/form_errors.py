"""A service's refusal shown on the form that asked for it: the one mapping from errors to form fields.

Forms check the input itself (is it a date, a number); the clinic's rules stay in the services, whose
`DomainError` (or Django `ValidationError`) comes back here and is shown next to the field it names, or
above the form when it names none the form has.
"""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from clinic.errors import DomainError


def add_service_errors(
    form: forms.BaseForm,
    error: DomainError | ValidationError,
    *,
    moved: Mapping[str, str | None] | None = None,
    fallback: str | None = None,
) -> None:
    """Put a service's refusal next to the field it names, else above the form.

    `moved` sends an error about a value the form does not ask for to the field that decides it (a BCR::ABL1
    result's report date is today, so "the result date is before the sample date" belongs to the sample
    date), or with None above the form; a moved error is dropped when that field already has its own.
    `fallback` is where an error naming no field of the form goes instead of above it (a page whose one
    input shows every refusal beside it). A message the form already shows there is not added twice.
    """
    moved = moved or {}
    problems: dict[str, list[str]]
    if isinstance(error, DomainError):
        problems = {error.field or NON_FIELD_ERRORS: [error.message]}
    elif hasattr(error, "error_dict"):
        problems = error.message_dict
    else:
        problems = {NON_FIELD_ERRORS: error.messages}
    # The form's own fields first, so that a moved error can see whether its target already has one.
    for field, messages in sorted(problems.items(), key=lambda item: item[0] in moved):
        target: str | None
        if field in moved:
            target = moved[field] if moved[field] in form.fields else None
            if target is not None and target in form.errors:
                continue
        else:
            target = field if field in form.fields else fallback
        for message in messages:
            if message not in form.errors.get(target or NON_FIELD_ERRORS, []):
                form.add_error(target, message)
