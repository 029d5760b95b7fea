"""Where messages actually go (setting MESSAGING_BACKEND): `twilio`, `console` (prints; local demo)
or `locmem` (kept in a list; tests). Nothing else in the project talks to Twilio.

Every backend answers two questions: `send` (hand one message over) and `find_accepted` (did an
earlier attempt whose outcome we never learned get through?).
"""

import datetime as dt
import json
import sys
import threading
import uuid
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

import requests
from django.conf import settings
from django.utils import timezone
from twilio.base.exceptions import TwilioException, TwilioRestException

from clinic.observability import redact
from messaging.twilio_errors import TRANSIENT_CODES, reason_for
from patients.models import Channel


@dataclass(frozen=True)
class OutboundSend:
    message_id: int
    channel: str
    to: str  # a phone number, or whatsapp:+… for WhatsApp
    body: str = ""
    content_sid: str = ""
    content_variables: dict[str, str] = field(default_factory=dict)
    status_callback: str = ""
    kind: str = ""


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str = "queued"
    from_address: str = ""
    created_at: dt.datetime | None = None


class SendError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class PermanentSendError(SendError):
    """Retrying cannot help (bad number, unsubscribed, outside the WhatsApp window…)."""


class TransientSendError(SendError):
    """Worth retrying later. `ambiguous` means Twilio may have taken the message anyway."""

    def __init__(self, code: str, reason: str, *, ambiguous: bool = False) -> None:
        super().__init__(code, reason)
        self.ambiguous = ambiguous


class Backend(Protocol):
    def send(self, outbound: OutboundSend) -> SendResult: ...

    def find_accepted(self, outbound: OutboundSend, since: dt.datetime) -> list[SendResult]: ...


def address_for(channel: str, phone: str) -> str:
    return f"whatsapp:{phone}" if channel == Channel.WHATSAPP else phone


CONSOLE_RULE = "=" * 64


def console_frame(outbound: OutboundSend) -> str:
    """A framed block that stands out among log lines in the `make run` console."""
    label = "WhatsApp" if outbound.channel == Channel.WHATSAPP else "SMS"
    text = outbound.body
    if outbound.content_sid:
        text = f"[template {outbound.content_sid} {json.dumps(outbound.content_variables, ensure_ascii=False)}]"
    body = "\n".join(f"  | {line}" for line in (text or "(empty)").splitlines() or [""])
    return (
        f"\n{CONSOLE_RULE}\n"
        f"  OUTGOING {label} (console backend: nothing was sent)\n"
        f"  to:      {outbound.to}\n"
        f"  channel: {label}\n"
        f"  kind:    {outbound.kind or '-'}   message #{outbound.message_id}\n"
        f"{body}\n"
        f"{CONSOLE_RULE}\n"
    )


class ConsoleBackend:
    """Prints each message for the local demo and reports it sent. Phone numbers go to stdout only,
    never through the logger."""

    def send(self, outbound: OutboundSend) -> SendResult:
        sys.stdout.write(console_frame(outbound))
        sys.stdout.flush()
        return SendResult(sid="CONSOLE" + uuid.uuid4().hex[:27], status="sent")

    def find_accepted(self, outbound: OutboundSend, since: dt.datetime) -> list[SendResult]:
        return []  # nothing remembers what was printed; a reprint is harmless


class LocmemBackend:
    """Keeps sends in `LocmemBackend.outbox` for tests. `LocmemBackend.script` queues outcomes for
    the next sends: ("before", exc) raises without taking the message, ("after", exc) takes it and
    then raises (Twilio accepted, our side never heard)."""

    outbox: ClassVar[list[dict]] = []
    script: ClassVar[list[tuple[str, BaseException]]] = []
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.outbox.clear()
        cls.script.clear()

    def send(self, outbound: OutboundSend) -> SendResult:
        with self._lock:
            when, error = self.script.pop(0) if self.script else ("", None)
        if error is not None and when == "before":
            raise error
        result = SendResult(
            sid="SM" + uuid.uuid4().hex, status="queued", from_address="locmem", created_at=timezone.now()
        )
        with self._lock:
            self.outbox.append({"outbound": outbound, "sid": result.sid, "created_at": result.created_at})
        if error is not None:
            raise error
        return result

    def find_accepted(self, outbound: OutboundSend, since: dt.datetime) -> list[SendResult]:
        with self._lock:
            records = list(self.outbox)
        return [
            SendResult(sid=record["sid"], created_at=record["created_at"])
            for record in records
            if record["outbound"].to == outbound.to
            and record["created_at"] >= since - dt.timedelta(seconds=60)
            and (record["outbound"].body, record["outbound"].content_sid) == (outbound.body, outbound.content_sid)
        ]


def classify_twilio_error(exc: TwilioRestException) -> SendError:
    code = str(exc.code or exc.status)
    if exc.status == 429 or code in TRANSIENT_CODES or exc.status in (401, 403):
        return TransientSendError(code, reason_for(code))
    if exc.status >= 500:
        # The request reached Twilio; it may have created the message before failing.
        return TransientSendError(code, f"Twilio had a problem ({exc.status}); it will be tried again.", ambiguous=True)
    detail = redact(str(exc.msg or ""))[:200]
    return PermanentSendError(code, reason_for(code, f"Twilio refused the message ({code}): {detail}"))


def classify_network_error(exc: requests.RequestException) -> TransientSendError:
    # Only a connection that was never made is certainly harmless; a timeout or a reset after the
    # request went out may hide a message Twilio accepted.
    refused = (
        isinstance(exc, requests.ConnectTimeout)
        or "NewConnectionError" in repr(exc)
        or ("NameResolutionError" in repr(exc))
    )
    return TransientSendError("network", reason_for("network"), ambiguous=not refused)


class TwilioBackend:
    def __init__(self) -> None:
        from messaging.twilio_client import twilio_client

        self.client = twilio_client()

    def _sender_arguments(self, channel: str) -> dict[str, str]:
        sender = settings.TWILIO_WHATSAPP_FROM if channel == Channel.WHATSAPP else settings.TWILIO_SMS_FROM
        arguments: dict[str, str] = {}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            arguments["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        if sender:
            arguments["from_"] = address_for(channel, sender.removeprefix("whatsapp:"))
        if not arguments:
            raise PermanentSendError("config", reason_for("config"))
        return arguments

    def send(self, outbound: OutboundSend) -> SendResult:
        arguments: dict = {"to": outbound.to, **self._sender_arguments(outbound.channel)}
        if outbound.status_callback:
            arguments["status_callback"] = outbound.status_callback
        if outbound.content_sid:
            arguments["content_sid"] = outbound.content_sid
            arguments["content_variables"] = json.dumps(outbound.content_variables, ensure_ascii=False)
        else:
            arguments["body"] = outbound.body
        try:
            created = self.client.messages.create(**arguments)
        except TwilioRestException as exc:
            raise classify_twilio_error(exc) from exc
        except requests.RequestException as exc:
            raise classify_network_error(exc) from exc
        return SendResult(
            sid=created.sid,
            status=str(created.status or "queued"),
            from_address=created.from_ or "",
            created_at=created.date_created,
        )

    def find_accepted(self, outbound: OutboundSend, since: dt.datetime) -> list[SendResult]:
        # Twilio has no idempotency key for messages, so look for a recent outbound message to the
        # same address with the same text (templates: any) created after the attempt began.
        try:
            recent = self.client.messages.list(to=outbound.to, limit=20, page_size=20)
        except TwilioException as exc:  # includes errors fetching a page of the list
            code = str(getattr(exc, "code", None) or getattr(exc, "status", None) or "lookup")
            raise TransientSendError(
                code, "Could not ask Twilio about an earlier attempt; it will be asked again."
            ) from exc
        except requests.RequestException as exc:
            raise classify_network_error(exc) from exc
        earliest = since - dt.timedelta(seconds=60)
        return [
            SendResult(
                sid=found.sid,
                status=str(found.status or ""),
                from_address=found.from_ or "",
                created_at=found.date_created,
            )
            for found in recent
            if found.date_created is not None
            and found.date_created >= earliest
            and str(found.direction or "").startswith("outbound")
            and (outbound.content_sid or found.body == outbound.body)
        ]


_BACKENDS = {"console": ConsoleBackend, "locmem": LocmemBackend, "twilio": TwilioBackend}


def get_backend() -> Backend:
    return _BACKENDS[settings.MESSAGING_BACKEND]()
