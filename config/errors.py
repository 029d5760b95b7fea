"""One error vocabulary for the whole project, mapped to HTTP in one place.

Services raise a `DomainError` subclass; forms show its `message` next to `field`, and the API
answers with `status` and a JSON body naming the field.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status as http
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A rule of the clinic was broken; the message is a sentence a person can act on."""

    status: int = http.HTTP_400_BAD_REQUEST
    code: str = "invalid"

    def __init__(self, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": self.message}
        if self.field:
            body["field"] = self.field
            body[self.field] = [self.message]
        body.update(self.extra)
        return body


class Conflict(DomainError):
    status = http.HTTP_409_CONFLICT
    code = "conflict"


class NotFound(DomainError):
    status = http.HTTP_404_NOT_FOUND
    code = "not_found"


class Busy(DomainError):
    """A lock could not be had in time; the caller may try again in a moment."""

    status = http.HTTP_503_SERVICE_UNAVAILABLE
    code = "busy"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_json(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = DrfValidationError(detail=detail)
    if isinstance(exc, PermissionDenied):
        return Response({"code": "permission_denied", "detail": str(exc) or "Not allowed."}, status=403)
    return exception_handler(exc, context)
