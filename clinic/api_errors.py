"""The API's answer to a refusal: DRF's exception handler (settings REST_FRAMEWORK["EXCEPTION_HANDLER"]).

A `DomainError` becomes its status and a JSON body naming the field; Django's own ValidationError and
PermissionDenied are answered like DRF's. Anything else that is not DRF's is a programming error: the
handler leaves it alone, so Django logs it and answers 500.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from clinic.errors import DomainError


def error_body(error: DomainError) -> dict[str, Any]:
    """{"code", "detail"}, plus the field and its message list (as DRF names a field) and any extra facts."""
    body: dict[str, Any] = {"code": error.code, "detail": error.message}
    if error.field:
        body["field"] = error.field
        body[error.field] = [error.message]
    body.update(error.extra)
    return body


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = DrfValidationError(detail=detail)
    if isinstance(exc, PermissionDenied):
        return Response({"code": "permission_denied", "detail": str(exc) or "Not allowed."}, status=403)
    return exception_handler(exc, context)
