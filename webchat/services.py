"""Web chat rules: send a one-time code (limits per phone and per address), check it (attempts per
code, expiry), open the chat for the proven number, post a message, leave. Refusals are sentences
in the page's language (the active translation), since the chat pages show them as they are.

The code is the proof of the number: only after it is checked does the chat join the record that
holds that phone. Until then nothing about the number's owner is looked up or shown."""

import datetime as dt
import secrets
from http import HTTPStatus

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from clinic.errors import DomainError
from consults.consent import CONSENT_SMS_TEXT, CONSENT_TEXT_VERSION
from messaging.models import Message
from messaging.verify import VerifyError, get_verify_backend
from messaging.web_channel import web_message_receive
from patients.models import Channel, ConsentChannel, ConsentHow, ConsentPurpose, Language, Patient, PatientSource
from patients.services.consent import consent_record
from webchat.models import PhoneVerification, WebChat, chat_expiry


class TooManyCodes(DomainError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    code = "throttled"


class CodeNotAccepted(DomainError):
    code = "code_invalid"


class CodeServiceUnavailable(DomainError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = "verify_unavailable"


class ChatEnded(DomainError):
    status = HTTPStatus.NOT_FOUND
    code = "not_found"


def _already_used() -> str:
    return gettext("This code was already used. Ask for a new code.")


def _too_many_wrong() -> str:
    return gettext("Too many wrong codes: this code no longer works. Ask for a new code.")


def _chat_ended() -> str:
    return gettext("This chat has ended.")


def _clock(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _count_since(rows: QuerySet[PhoneVerification], since: dt.datetime, up_to_pk: int) -> int:
    return rows.filter(created_at__gte=since, pk__lte=up_to_pk).count()


def verification_start(*, phone: str, full_name: str, consent_sms: bool, ip_address: str | None) -> PhoneVerification:
    """Send a code to `phone`, or refuse when this phone or this address had too many codes in the
    last hour. Every code sent counts, whatever became of it."""
    now = timezone.now()
    since = now - dt.timedelta(hours=1)
    # Insert first, then count the rows up to ours: two requests racing both count each other, so
    # a burst can never get past the limit (at worst both are refused).
    verification = PhoneVerification.objects.create(
        phone=phone,
        full_name=full_name.strip()[:200],
        consent_sms=consent_sms,
        ip_address=ip_address,
        backend=settings.VERIFY_BACKEND,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.VERIFY_CODE_TTL_MINUTES),
    )
    by_phone = PhoneVerification.objects.filter(phone=phone)
    if _count_since(by_phone, since, verification.pk) > settings.WEBCHAT_CODES_PER_PHONE_HOUR:
        verification.delete()
        oldest = by_phone.filter(created_at__gte=since).order_by("created_at").first()
        again = (oldest.created_at if oldest else now) + dt.timedelta(hours=1)
        raise TooManyCodes(
            gettext(
                "We have sent %(count)s codes to this number in the last hour, the most we send. Try again "
                "after %(time)s, or call the clinic on %(phone)s."
            )
            % {"count": settings.WEBCHAT_CODES_PER_PHONE_HOUR, "time": _clock(again), "phone": settings.CLINIC_PHONE},
            field="phone",
        )
    if ip_address:
        by_address = PhoneVerification.objects.filter(ip_address=ip_address)
        if _count_since(by_address, since, verification.pk) > settings.WEBCHAT_CODES_PER_IP_HOUR:
            verification.delete()
            raise TooManyCodes(
                gettext(
                    "Too many codes were asked for from this connection in the last hour. Try again later, "
                    "or call the clinic on %(phone)s."
                )
                % {"phone": settings.CLINIC_PHONE}
            )
    try:
        started = get_verify_backend().start(phone=phone)
    except VerifyError as error:
        # The row stays (it counts against the limits) but can never be used.
        PhoneVerification.objects.filter(pk=verification.pk).update(locked_at=timezone.now())
        raise CodeServiceUnavailable(error.reason, field="phone") from error
    PhoneVerification.objects.filter(pk=verification.pk).update(code_hash=started.code_hash, twilio_sid=started.sid)
    verification.code_hash, verification.twilio_sid = started.code_hash, started.sid
    return verification


def _patient_for_verified(verification: PhoneVerification, now: dt.datetime, language: str) -> tuple[Patient, bool]:
    """The record holding the proven number (the code is the proof), or a new lead from the website who
    chatted in `language` (a returning patient's language stays as the clinic has it)."""
    patient = Patient.objects.select_for_update().filter(phone=verification.phone).first()
    if patient is None:
        patient = Patient.objects.create(
            phone=verification.phone,
            full_name=verification.full_name,
            is_lead=True,
            source=PatientSource.WEB,
            preferred_channel=Channel.SMS,
            language=language if language in Language.values else Language.ENGLISH,
        )
        return patient, False
    # Never overwrite what the clinic holds: only fill a blank name.
    if not patient.full_name and verification.full_name:
        Patient.objects.filter(pk=patient.pk).update(full_name=verification.full_name)
        patient.full_name = verification.full_name
    return patient, True


def _add_sms_consent(patient: Patient, now: dt.datetime) -> None:
    # Consent is only ever added here (an opt-out is withdrawn by STOP, not by an unticked box).
    if patient.consent_sms:
        return
    # Through the ledger (issue 16), which also sets consent_sms, consent_at and the notice version.
    consent_record(
        patient=patient,
        purpose=ConsentPurpose.MESSAGING,
        channel=ConsentChannel.SMS,
        given=True,
        how=ConsentHow.WEB_CHAT,
        notice_version=CONSENT_TEXT_VERSION,
        source_detail="web chat phone check",
    )


def verification_check(*, verification: PhoneVerification, code: str, language: str = "") -> WebChat:
    """Check the code (one attempt used, whatever the outcome) and open the chat when it is right.
    The 5th wrong code locks the verification; an expired one is refused. `language`: the page's, kept
    on a new patient record so the reply nudges come in it."""
    now = timezone.now()
    code = (code or "").strip()
    if verification.verified_at is not None:
        raise CodeNotAccepted(_already_used(), field="code")
    if verification.locked_at is not None or verification.attempts >= settings.VERIFY_MAX_ATTEMPTS:
        raise CodeNotAccepted(_too_many_wrong(), field="code")
    if verification.is_expired(now):
        raise CodeNotAccepted(
            gettext("This code has expired (codes last %(minutes)s minutes). Ask for a new code.")
            % {"minutes": settings.VERIFY_CODE_TTL_MINUTES},
            field="code",
        )
    # Claim the attempt before checking, by compare-and-set, so parallel guesses cannot exceed the limit.
    claimed = PhoneVerification.objects.filter(
        pk=verification.pk, attempts__lt=settings.VERIFY_MAX_ATTEMPTS, locked_at__isnull=True, verified_at__isnull=True
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        raise CodeNotAccepted(_too_many_wrong(), field="code")
    verification.refresh_from_db()
    try:
        right = get_verify_backend().check(phone=verification.phone, code=code, code_hash=verification.code_hash)
    except VerifyError as error:
        raise CodeServiceUnavailable(error.reason, field="code") from error
    if not right:
        left = settings.VERIFY_MAX_ATTEMPTS - verification.attempts
        if left <= 0:
            PhoneVerification.objects.filter(pk=verification.pk).update(locked_at=now)
            raise CodeNotAccepted(
                gettext("That code is not right, and it was the last try. Ask for a new code."), field="code"
            )
        raise CodeNotAccepted(
            ngettext(
                "That code is not right. Check the SMS and try again (%(count)d try left).",
                "That code is not right. Check the SMS and try again (%(count)d tries left).",
                left,
            )
            % {"count": left},
            field="code",
        )
    return chat_open(verification=verification, now=now, language=language)


def chat_open(*, verification: PhoneVerification, now: dt.datetime, language: str = "") -> WebChat:
    """Mark the code used once, join (or create) the patient's record and start the chat."""
    with transaction.atomic():
        used = PhoneVerification.objects.filter(pk=verification.pk, verified_at__isnull=True).update(verified_at=now)
        if not used:
            raise CodeNotAccepted(_already_used(), field="code")
        patient, existing = _patient_for_verified(verification, now, language)
        if verification.consent_sms:
            _add_sms_consent(patient, now)
        return WebChat.objects.create(
            token=secrets.token_urlsafe(32),
            patient=patient,
            verification=verification,
            linked_existing_patient=existing,
            consent_sms=verification.consent_sms,
            consent_text=CONSENT_SMS_TEXT[:300] if verification.consent_sms else "",
            started_at=now,
            expires_at=chat_expiry(now),
        )


def chat_for_session(*, token: str, session_token: str | None) -> WebChat:
    """The open chat behind `token`, only for the browser session that opened it."""
    if not token or not session_token or not secrets.compare_digest(token, session_token):
        raise ChatEnded(gettext("This chat is not open in this browser."))
    chat = WebChat.objects.select_related("patient").filter(token=token).first()
    if chat is None or not chat.is_open(timezone.now()):
        raise ChatEnded(_chat_ended())
    return chat


def chat_message_post(*, chat: WebChat, text: str, idempotency_key: str) -> Message:
    """The patient writes: into the coordinator inbox, like an SMS."""
    if not chat.is_open(timezone.now()):
        raise ChatEnded(_chat_ended())
    return web_message_receive(patient=chat.patient, text=text, idempotency_key=idempotency_key)


def chat_mark_seen(*, chat: WebChat) -> None:
    WebChat.objects.filter(pk=chat.pk).update(last_seen_at=timezone.now())


def chat_end(*, chat: WebChat) -> None:
    """Leave: the chat's link stops working everywhere, even if the session cookie survives."""
    WebChat.objects.filter(pk=chat.pk, ended_at__isnull=True).update(ended_at=timezone.now())
