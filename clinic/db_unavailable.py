"""When the database cannot be reached: a 503 that says when to retry and how to reach the clinic.

A patient booking a consult or a coordinator mid-task should read "call the clinic", not a 500 page
that suggests something they did was wrong.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from clinic.views import wants_json

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 itself: JSON for the API, a standalone page (no database needed to render) otherwise."""
    detail = (
        f"Our system is unavailable for a moment. Try again in a minute, or call the clinic on {settings.CLINIC_PHONE}."
    )
    if wants_json(request):
        response: HttpResponse = JsonResponse({"code": "unavailable", "detail": detail}, status=503)
    else:
        # Rendered without the request: the auth context processor would reach for the database.
        html = render_to_string(
            "errors/503.html", {"CLINIC_NAME": settings.CLINIC_NAME, "CLINIC_PHONE": settings.CLINIC_PHONE}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost or refused database connection raised by a view into that 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: answering 503 (%s)", type(exception).__name__)
        return database_unavailable_response(request)


def answers_503_when_database_down(call: Callable[[Any, HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """For a middleware's `__call__` that reads the database itself (the session, `request.user`)
    before the view runs: Django turns such an error into a 500 with a traceback before the view-level
    `process_exception` above could see it, so the middleware answers the same 503 at once."""

    @wraps(call)
    def guarded(middleware: Any, request: HttpRequest) -> HttpResponse:
        try:
            return call(middleware, request)
        except (OperationalError, InterfaceError) as exception:
            logger.warning("database unavailable: answering 503 (%s)", type(exception).__name__)
            return database_unavailable_response(request)

    return guarded
