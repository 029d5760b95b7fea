"""One error vocabulary for the whole project: what a service refuses, in words a person can act on.

Services raise a `DomainError` subclass. Each carries an HTTP status (from the standard library), a
`code` for programs, the name of the `field` it concerns where one applies, and a plain-sentence
`message`. Nothing here knows how it is shown: `clinic.form_errors` puts it on a form, and
`clinic.api_errors` (DRF's exception handler) answers with it. A programming mistake is not a domain
error: raise a plain exception (ValueError, LookupError, ...), which is logged and answered with a 500.
"""

from http import HTTPStatus
from typing import Any


class DomainError(Exception):
    """A rule of the clinic was broken; the message is a sentence a person can act on."""

    status: HTTPStatus = HTTPStatus.BAD_REQUEST
    code: str = "invalid"

    def __init__(self, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}  # more facts for the caller (JSON values), e.g. which other channel is open


class Conflict(DomainError):
    status = HTTPStatus.CONFLICT
    code = "conflict"


class NotFound(DomainError):
    status = HTTPStatus.NOT_FOUND
    code = "not_found"


class Busy(DomainError):
    """A lock could not be had in time; the caller may try again in a moment."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = "busy"
