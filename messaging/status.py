"""Twilio status callbacks: statuses only move forward, whatever order callbacks arrive in."""

import logging

from django.utils import timezone

from messaging.delivery import record_opt_out
from messaging.models import STATUS_PREDECESSORS, Direction, Message, Status
from messaging.twilio_errors import OPT_OUT_CODES, reason_for

logger = logging.getLogger(__name__)

# Twilio's outbound statuses in ours. accepted/scheduled/queued/sending all mean "Twilio has it".
TWILIO_STATUSES = {
    "accepted": Status.ACCEPTED,
    "scheduled": Status.ACCEPTED,
    "queued": Status.ACCEPTED,
    "sending": Status.ACCEPTED,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.READ,
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
}


def message_status_record(*, sid: str, twilio_status: str, error_code: str = "", message_ref: str = "") -> str:
    """Apply one status callback; returns updated / stale / reconciled / unknown / ignored."""
    new_status = TWILIO_STATUSES.get(twilio_status.strip().lower())
    if new_status is None:
        return "ignored"
    now = timezone.now()
    updates: dict = {"status": new_status, "status_changed_at": now}
    if new_status in (Status.FAILED, Status.UNDELIVERED):
        updates.update(
            error_code=error_code[:20],
            status_reason=reason_for(error_code, "Twilio could not deliver this message.")[:300],
        )
    outbound = Message.objects.filter(twilio_sid=sid, direction=Direction.OUTBOUND)
    # One conditional UPDATE: concurrent or out-of-order callbacks cannot move a status backwards.
    updated = outbound.filter(status__in=STATUS_PREDECESSORS[new_status]).update(**updates)
    result = "updated"
    if not updated:
        if outbound.exists():
            return "stale"
        # An SID we never stored: our worker died after Twilio took the message. The callback URL
        # names the message, and Twilio's word beats whatever we guessed in the meantime.
        if message_ref.isdigit():
            updated = Message.objects.filter(
                pk=int(message_ref), direction=Direction.OUTBOUND, twilio_sid__isnull=True
            ).update(
                **{"status_reason": "", "error_code": "", **updates},
                twilio_sid=sid,
                send_started_at=None,
                claim_token="",
                accepted_at=now,
            )
        if not updated:
            logger.warning("status callback for an unknown message SID %s (%s)", sid, twilio_status)
            return "unknown"
        logger.info("message %s: SID learned from a status callback", message_ref)
        result = "reconciled"
    if error_code in OPT_OUT_CODES:
        message = Message.objects.filter(twilio_sid=sid).values("patient_id", "channel").first()
        if message:
            record_opt_out(patient_id=message["patient_id"], channel=message["channel"], at=now)
    return result
