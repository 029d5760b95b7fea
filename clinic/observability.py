"""Request ids and one-line JSON logs that never carry patient data."""

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Tag each request with an id (a trusted proxy's X-Request-ID, or a new one) for the logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


# Phone numbers (E.164 or Indian 10-digit mobiles) and secret link tokens must never reach a log
# line, whichever code wrote it: a log is read by more people than the care record is.
# Bounded by non-alphanumerics so hex ids (request ids, Twilio SIDs) are left whole.
_PHONE = re.compile(r"(?<![A-Za-z0-9])(?:whatsapp:)?\+?\d[\d\s-]{8,}\d(?![A-Za-z0-9])")
_TOKEN_PATH = re.compile(r"(/c/|/r/|/manage/|/chat/t/)[A-Za-z0-9_-]{8,}")


def redact(text: str) -> str:
    text = _TOKEN_PATH.sub(r"\1[token]", text)
    return _PHONE.sub("[phone]", text)


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class JsonLineFormatter(logging.Formatter):
    converter = time.gmtime  # log times in UTC whatever the clinic's zone

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%SZ"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "msg": record.getMessage(),
        }
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class QuietStaticRequestsFilter(logging.Filter):
    """Drops runserver's access lines for static files and the favicon when they succeeded, so
    the `make run` console shows the framed outgoing messages and real requests, not a wall of
    CSS/JS fetches. Errors (4xx/5xx) on static files still show."""

    PREFIXES = ("/static/", "/favicon")

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        request_line = str(args[0]) if args else ""
        parts = request_line.split(" ")
        path = parts[1] if len(parts) > 1 else ""
        status = getattr(record, "status_code", None) or (args[1] if len(args) > 1 else 0)
        try:
            status = int(status)
        except (TypeError, ValueError):
            status = 0
        return not (path.startswith(self.PREFIXES) and status < 400)
