"""One-time codes that prove a person holds a mobile number (setting VERIFY_BACKEND):
`twilio` (Twilio Verify v2: Twilio makes, sends and checks the code), `console` (local demo: the
code is made here and printed in the `make run` console) or `locmem` (tests: codes kept in
`LocmemVerifyBackend.sent`).

Local backends never store a code, only a salted hash (`code_hash`) that the caller keeps with its
own expiry; Twilio keeps its codes itself. Limits on sends and attempts are the caller's
(webchat/services.py): they must hold whichever backend is in use.
"""

import hmac
import secrets
import sys
import threading
from dataclasses import dataclass
from typing import ClassVar, Protocol

import requests
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from twilio.base.exceptions import TwilioRestException

from clinic.observability import redact

CODE_LENGTH = 6


class VerifyError(Exception):
    """The code could not be sent or checked. `reason` is a plain sentence for the person."""

    def __init__(self, code: str, reason: str | Promise) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = str(reason)  # translated in the language active when the error is made


@dataclass(frozen=True)
class VerifyStarted:
    sid: str = ""  # Twilio's VE… (empty for local backends)
    code_hash: str = ""  # local backends only: what check() compares against


class VerifyBackend(Protocol):
    def start(self, *, phone: str) -> VerifyStarted: ...

    def check(self, *, phone: str, code: str, code_hash: str) -> bool: ...


def code_digest(*, phone: str, code: str) -> str:
    """A keyed hash of the code, bound to the phone so a hash cannot be replayed for another number."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"verify:{phone}:{code}".encode(), "sha256").hexdigest()


def _local_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def _local_check(*, phone: str, code: str, code_hash: str) -> bool:
    return bool(code_hash) and hmac.compare_digest(code_digest(phone=phone, code=code.strip()), code_hash)


class ConsoleVerifyBackend:
    """Prints the code in a frame on stdout (never through the logger, which may be shipped off)."""

    def start(self, *, phone: str) -> VerifyStarted:
        code = _local_code()
        sys.stdout.write(
            "\n" + "=" * 60 + "\n"
            f"  VERIFICATION CODE for {phone}: {code}\n"
            f"  (console backend: no SMS was sent; valid {settings.VERIFY_CODE_TTL_MINUTES} minutes)\n"
            + "=" * 60
            + "\n"
        )
        sys.stdout.flush()
        return VerifyStarted(code_hash=code_digest(phone=phone, code=code))

    def check(self, *, phone: str, code: str, code_hash: str) -> bool:
        return _local_check(phone=phone, code=code, code_hash=code_hash)


class LocmemVerifyBackend:
    """Tests read the code a patient would have received from `sent` ([(phone, code), …])."""

    sent: ClassVar[list[tuple[str, str]]] = []
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.sent.clear()

    @classmethod
    def last_code_for(cls, phone: str) -> str:
        with cls._lock:
            codes = [code for to, code in cls.sent if to == phone]
        if not codes:
            raise LookupError(f"no code was sent to {phone}")
        return codes[-1]

    def start(self, *, phone: str) -> VerifyStarted:
        code = _local_code()
        with self._lock:
            self.sent.append((phone, code))
        return VerifyStarted(code_hash=code_digest(phone=phone, code=code))

    def check(self, *, phone: str, code: str, code_hash: str) -> bool:
        return _local_check(phone=phone, code=code, code_hash=code_hash)


# Twilio Verify error codes whose meaning the person can act on; shown on the chat page, in its language.
_VERIFY_REASONS = {
    "60200": gettext_lazy("That mobile number was not accepted. Check it and try again."),
    "60203": gettext_lazy("Too many codes were sent to this number. Wait a while, then ask for a new code."),
    "60202": gettext_lazy("Too many wrong codes. Ask for a new code."),
    "60205": gettext_lazy("Codes can only be sent by SMS to mobile numbers. Use a mobile number."),
    "60410": gettext_lazy("This number cannot receive codes just now. Call the clinic instead."),
    "20404": gettext_lazy("This code has expired or was already used. Ask for a new code."),
    "20429": gettext_lazy("We are sending too many codes just now. Wait a minute and try again."),
}
_UNAVAILABLE = gettext_lazy("We could not reach our code service. Wait a minute and try again, or call the clinic.")


def classify_verify_error(exc: TwilioRestException) -> VerifyError:
    code = str(exc.code or exc.status)
    if code in _VERIFY_REASONS:
        return VerifyError(code, _VERIFY_REASONS[code])
    if exc.status == 422 or exc.status == 400:
        # A request Twilio (or the contract mock) says breaks the API: our configuration or code is
        # wrong, not the person's input. Say so plainly; the detail goes to the log, redacted.
        return VerifyError(
            code, gettext("The code service refused our request. Please call the clinic; we have been told.")
        )
    if exc.status == 429 or exc.status >= 500 or exc.status in (401, 403):
        return VerifyError(code, _UNAVAILABLE)
    return VerifyError(
        code,
        gettext("The code service refused the request (%(code)s): %(detail)s")
        % {"code": code, "detail": redact(str(exc.msg or ""))[:120]},
    )


class TwilioVerifyBackend:
    """Twilio Verify v2 through the SDK client of messaging/twilio_client.py (same timeout, no
    hidden retries: a retried start would send a second SMS)."""

    def __init__(self) -> None:
        from messaging.twilio_client import twilio_client

        if not settings.TWILIO_VERIFY_SERVICE_SID:
            raise VerifyError("config", "Codes cannot be sent: TWILIO_VERIFY_SERVICE_SID is not set.")
        self.service = twilio_client().verify.v2.services(settings.TWILIO_VERIFY_SERVICE_SID)

    def start(self, *, phone: str) -> VerifyStarted:
        try:
            started = self.service.verifications.create(to=phone, channel="sms")
        except TwilioRestException as exc:
            raise classify_verify_error(exc) from exc
        except requests.RequestException as exc:
            raise VerifyError("network", _UNAVAILABLE) from exc
        return VerifyStarted(sid=started.sid or "")

    def check(self, *, phone: str, code: str, code_hash: str) -> bool:
        try:
            checked = self.service.verification_checks.create(to=phone, code=code.strip())
        except TwilioRestException as exc:
            raise classify_verify_error(exc) from exc
        except requests.RequestException as exc:
            raise VerifyError("network", _UNAVAILABLE) from exc
        return checked.status == "approved"


_BACKENDS: dict[str, type] = {
    "console": ConsoleVerifyBackend,
    "locmem": LocmemVerifyBackend,
    "twilio": TwilioVerifyBackend,
}


def get_verify_backend() -> VerifyBackend:
    return _BACKENDS[settings.VERIFY_BACKEND]()
