"""Delivery of one outbound message, in steps that each leave the row in a state a later run can
continue from (the queue only triggers work; the row is the truth).

    queued ──claim (compare-and-set)──▶ sending ──marker──▶ Twilio ──SID──▶ accepted ─▶ sent ─▶ delivered/read
                                          │                    │
                                          │                    ├─ permanent error ─▶ failed (reason, never retried)
                                          │                    └─ transient error ─▶ queued again with backoff
                                          └─ rules changed (opt-out, window) ─▶ blocked, or re-planned

A worker can die between any two steps:
- after the claim, before the marker: the sweeper returns the row to `queued` (nothing was sent);
- after the marker (`send_started_at`), before or after Twilio answered: Twilio may have the
  message. The next attempt never sends blind: it first asks Twilio (`find_accepted`) for a
  matching message created since the marker, and a status callback (whose URL names the
  message) also fills in a lost SID. Only when Twilio has no such message is it sent again.
- a row with a SID is never sent again (the claim requires no SID).

What remains: if Twilio took the message, sends no status callback, and its message list does
not show it when asked (minutes later), the message goes out twice (at-least-once). The
opposite choice (never resend after an unknown outcome) would silently drop reminders, which is
worse for a clinic; an attempt whose outcome stays unknown after the last try ends `failed`
with code "unconfirmed" so a coordinator can check with the patient.
"""

import datetime as dt
import logging
import random
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from messaging.backends import (
    OutboundSend,
    PermanentSendError,
    SendError,
    SendResult,
    TransientSendError,
    address_for,
    get_backend,
)
from messaging.channels import next_allowed_time, plan_channel
from messaging.guards import send_guard_reason
from messaging.models import Direction, Message, Status
from messaging.services import enqueue_delivery, sms_privacy_reason
from messaging.texts import CONVERSATIONAL_KINDS, sms_segments
from messaging.twilio_errors import OPT_OUT_CODES, reason_for
from patients.models import Channel, Patient, opt_out_field

logger = logging.getLogger(__name__)


def status_callback_url(message_id: int) -> str:
    # The message id in the URL lets a status callback fill in a SID we never stored.
    return f"{settings.PUBLIC_BASE_URL}{reverse('messaging:twilio-status')}?m={message_id}"


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff with jitter: base·2^(n-1), capped, then 50-100 % of that."""
    ceiling = min(settings.MESSAGING_RETRY_MAX_SECONDS, settings.MESSAGING_RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    return dt.timedelta(seconds=ceiling * random.uniform(0.5, 1.0))


def outbound_for(message: Message) -> OutboundSend:
    return OutboundSend(
        message_id=message.pk,
        channel=message.channel,
        to=address_for(message.channel, str(message.patient.phone)),
        body="" if message.used_template else message.body,
        content_sid=message.content_sid if message.used_template else "",
        content_variables=message.content_variables if message.used_template else {},
        status_callback=status_callback_url(message.pk),
        kind=message.kind,
    )


# --- the steps ---------------------------------------------------------------------------------


def message_claim(*, message_id: int) -> tuple[Message, str] | None:
    """Take the message for this worker (compare-and-set); None if someone else has it or it is done."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = Message.objects.filter(
        pk=message_id,
        direction=Direction.OUTBOUND,
        status=Status.QUEUED,
        twilio_sid__isnull=True,
        not_before__lte=now,
    ).update(status=Status.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Message.objects.select_related("patient", "conversation").get(pk=message_id), token


def _mine(message: Message, token: str):
    return Message.objects.filter(pk=message.pk, claim_token=token, status=Status.SENDING)


def message_release(message: Message, token: str, *, not_before: dt.datetime, count_attempt: bool = False) -> None:
    """Put a claimed message back in the queue without it counting as a failed attempt."""
    updates = {"status": Status.QUEUED, "claim_token": "", "not_before": not_before, "enqueued_at": None}
    if not count_attempt:
        updates["attempts"] = F("attempts") - 1
    _mine(message, token).update(**updates)


def message_finish(message: Message, token: str, *, status: str, reason: str, code: str = "") -> None:
    now = timezone.now()
    _mine(message, token).update(
        status=status,
        status_reason=reason[:300],
        error_code=code,
        claim_token="",
        send_started_at=None,
        status_changed_at=now,
    )
    if code in OPT_OUT_CODES:
        record_opt_out(patient_id=message.patient_id, channel=message.channel, at=now)


def record_opt_out(*, patient_id: int, channel: str, at: dt.datetime) -> None:
    field = opt_out_field(channel)
    Patient.objects.filter(pk=patient_id, **{f"{field}__isnull": True}).update(**{field: at})


def message_retry_later(message: Message, token: str, *, error: SendError, keep_marker: bool) -> str:
    """A transient failure: queue again with backoff, or give up after MESSAGING_MAX_ATTEMPTS."""
    message.refresh_from_db(fields=["attempts"])
    if message.attempts >= settings.MESSAGING_MAX_ATTEMPTS:
        code = "unconfirmed" if keep_marker else error.code
        reason = (
            reason_for("unconfirmed") if keep_marker else (f"Gave up after {message.attempts} tries. {error.reason}")
        )
        message_finish(message, token, status=Status.FAILED, reason=reason, code=code)
        return "failed"
    updates = {
        "status": Status.QUEUED,
        "claim_token": "",
        "enqueued_at": None,
        "error_code": error.code,
        "not_before": timezone.now() + retry_delay(message.attempts),
        "status_reason": error.reason[:300],
    }
    if not keep_marker:
        updates["send_started_at"] = None
    _mine(message, token).update(**updates)
    return "retry"


def message_mark_attempt(message: Message, token: str) -> bool:
    """Write the marker that says "Twilio may have this now" before asking Twilio to send."""
    message.send_started_at = timezone.now()
    return bool(
        _mine(message, token).update(
            send_started_at=message.send_started_at,
            channel=message.channel,
            used_template=message.used_template,
            to_address=address_for(message.channel, str(message.patient.phone)),
            segments=message.segments,
            status_reason=message.status_reason,
        )
    )


def message_record_accepted(message: Message, token: str, result: SendResult) -> None:
    """Store Twilio's SID. A status callback may have stored it (and moved the status on) first."""
    now = timezone.now()
    status = Status.SENT if result.status in ("sent", "delivered") else Status.ACCEPTED
    updated = _mine(message, token).update(
        twilio_sid=result.sid,
        status=status,
        accepted_at=now,
        send_started_at=None,
        claim_token="",
        from_address=result.from_address[:60],
        error_code="",
        status_changed_at=now,
    )
    if updated:
        return
    # Our claim was overtaken (a callback or the sweeper moved the row): the SID is still the truth.
    Message.objects.filter(pk=message.pk, twilio_sid__isnull=True).update(
        twilio_sid=result.sid, accepted_at=now, from_address=result.from_address[:60]
    )
    Message.objects.filter(pk=message.pk, status__in=(Status.QUEUED, Status.SENDING)).update(
        status=status, status_changed_at=now
    )
    Message.objects.filter(pk=message.pk).update(send_started_at=None, claim_token="")


def message_reconcile(message: Message, token: str) -> SendResult | None:
    """Ask the backend whether an attempt we never heard back from reached Twilio."""
    candidates = get_backend().find_accepted(outbound_for(message), since=message.send_started_at)
    known = set(
        Message.objects.filter(twilio_sid__in=[found.sid for found in candidates]).values_list("twilio_sid", flat=True)
    )
    fresh = [found for found in candidates if found.sid not in known]
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return min(fresh, key=lambda found: found.created_at or epoch) if fresh else None


def pace(channel: str) -> bool:
    """Wait for a sending slot for this channel's sender (MESSAGING_*_PER_SECOND); False if none came."""
    rate = settings.MESSAGING_WHATSAPP_PER_SECOND if channel == Channel.WHATSAPP else settings.MESSAGING_SMS_PER_SECOND
    if rate <= 0:
        return True
    window = max(1.0, 1.0 / rate)
    capacity = max(1, int(rate * window))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        slot = int(time.time() / window)
        key = f"messaging:pace:{channel}:{slot}"
        cache.add(key, 0, timeout=int(window) + 5)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if used <= capacity:
            return True
        time.sleep(max(0.01, (slot + 1) * window - time.time()))
    return False


# --- the whole delivery ------------------------------------------------------------------------


def message_deliver(*, message_id: int) -> str:
    """Deliver one queued message (the django-q2 task body). Returns what happened, for the task log."""
    claimed = message_claim(message_id=message_id)
    if claimed is None:
        return "skipped"
    message, token = claimed
    try:
        return _deliver_claimed(message, token)
    except Exception:
        # A bug or an outage of our own database: leave the row for the sweeper. If the marker is
        # set, the next attempt asks Twilio before sending again.
        logger.exception("delivery of message %s failed unexpectedly", message_id)
        raise


def _deliver_claimed(message: Message, token: str) -> str:
    now = timezone.now()
    if message.send_started_at is not None:
        reconcile_at = message.send_started_at + dt.timedelta(seconds=settings.MESSAGING_RECONCILE_AFTER_SECONDS)
        if now < reconcile_at:
            # Twilio may still be working on the earlier request; ask only when it surely has answered.
            message_release(message, token, not_before=reconcile_at)
            return "waiting-to-reconcile"
        try:
            found = message_reconcile(message, token)
        except TransientSendError as error:
            return message_retry_later(message, token, error=error, keep_marker=True)
        if found is not None:
            logger.info("message %s: earlier attempt had reached Twilio; not sending again", message.pk)
            message_record_accepted(message, token, found)
            return "reconciled"
        message.send_started_at = None

    outcome = _replan(message, now)
    if outcome:
        if outcome == "deferred":
            message_release(message, token, not_before=next_allowed_time(now, message.patient.time_zone))
        else:
            message_finish(message, token, status=Status.BLOCKED, reason=message.status_reason)
        return outcome

    if not pace(message.channel):
        message_release(message, token, not_before=timezone.now() + dt.timedelta(seconds=5))
        return "paced"
    if not message_mark_attempt(message, token):
        return "lost-claim"
    try:
        result = get_backend().send(outbound_for(message))
    except PermanentSendError as error:
        message_finish(message, token, status=Status.FAILED, reason=error.reason, code=error.code)
        return "failed"
    except TransientSendError as error:
        return message_retry_later(message, token, error=error, keep_marker=error.ambiguous)
    message_record_accepted(message, token, result)
    return "accepted"


def _replan(message: Message, now: dt.datetime) -> str:
    """Apply the rules again at sending time (the patient may have opted out, the WhatsApp window
    may have closed, follow-ups may have been paused, or a retry landed in quiet hours). Returns ""
    to go ahead."""
    if guard := send_guard_reason(patient=message.patient, kind=message.kind):
        message.status_reason = guard
        return "blocked"
    if not message.urgent and next_allowed_time(now, message.patient.time_zone) > now:
        return "deferred"
    plan = plan_channel(
        patient=message.patient,
        conversation=message.conversation,
        requested=message.requested_channel,
        conversational=message.kind in CONVERSATIONAL_KINDS,
        has_template=bool(message.content_sid),
        kind=message.kind,
        now=now,
    )
    if plan.blocked:
        message.status_reason = plan.blocked_reason
        return "blocked"
    if not plan.use_template and (
        reason := sms_privacy_reason(patient=message.patient, channel=plan.channel, body=message.body)
    ):
        message.status_reason = reason
        return "blocked"
    message.channel, message.used_template = plan.channel, plan.use_template
    message.segments = sms_segments(message.body) if plan.channel == Channel.SMS else 0
    message.status_reason = plan.note[:300]
    return ""


# --- the sweeper -------------------------------------------------------------------------------

SWEEP_BATCH = 2000  # per minute; a morning's deferred reminders go out over a few sweeps


def messages_sweep() -> str:
    """Recover what a dead worker or a lost task left behind; safe to run at any time, in parallel."""
    from messaging.inbound import enqueue_routing

    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.MESSAGING_SENDING_TIMEOUT_SECONDS)
    # 1. Claims held too long: the worker died. The marker (if any) stays, so no blind resend.
    recovered = Message.objects.filter(
        direction=Direction.OUTBOUND, status=Status.SENDING, claimed_at__lt=stale
    ).update(status=Status.QUEUED, claim_token="", enqueued_at=None)
    # 2. Due messages with no live task: deferred ones, retries, and tasks a broker lost.
    due = list(
        Message.objects.filter(direction=Direction.OUTBOUND, status=Status.QUEUED, not_before__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        .order_by("not_before")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    Message.objects.filter(pk__in=due).update(enqueued_at=now)
    for message_id in due:
        enqueue_delivery(message_id)
    # 3. Patient messages whose routing task never ran.
    unrouted = list(
        Message.objects.filter(direction=Direction.INBOUND, routed_at__isnull=True)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    Message.objects.filter(pk__in=unrouted).update(enqueued_at=now)
    for message_id in unrouted:
        enqueue_routing(message_id)
    return f"recovered={recovered} dispatched={len(due)} rerouted={len(unrouted)}"
