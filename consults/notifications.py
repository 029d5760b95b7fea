"""The messages a consult change sends the patient, written inside the change's own transaction.

Outbox rule (STYLE.md 5): the confirmation, new-time, cancellation, thank-you and no-show rows
commit together with the consult change that causes them, so a crash or a database error can never
keep one without the other; `message_send` defers only the delivery task to `on_commit`, and a
queued row whose task never ran is delivered by the sweeper (messaging/delivery.py).

Each function is called by a service in consults/services.py while its transaction is open and the
consult row is locked; the idempotency keys name the consult, so a replay never writes a second row.
Pending messages about a consult that moved or was cancelled are cancelled in the same transaction.
Reminders belong to follow-ups (followups/consult_reminders.py).
"""

from django.conf import settings
from django.urls import reverse

from consults.message_context import consult_ics_url as consult_ics_url
from consults.message_context import consult_manage_url as consult_manage_url
from consults.message_context import consult_message_context
from consults.models import Consult, ConsultSource
from messaging.models import Message
from messaging.services import message_send, messages_cancel_pending

# The patient acted just now (website, API, SMS reply): answer at once, even at night. Changes
# made by staff wait for the end of the patient's quiet hours.
PATIENT_SOURCES = frozenset({ConsultSource.WEB, ConsultSource.API, ConsultSource.SMS})


def consult_topic(consult: Consult) -> str:
    """The message topic of everything sent about this consult before it takes place."""
    return f"consult:{consult.pk}"


def _book_url() -> str:
    return settings.PUBLIC_BASE_URL + reverse("consults:book")


def _notify_upcoming(consult: Consult, kind: str, key: str) -> Message:
    """Queue a message about a consult still to come (its time, manage and calendar links)."""
    return message_send(
        patient=consult.patient,
        kind=kind,
        context=consult_message_context(consult),
        idempotency_key=f"consult:{consult.pk}:{key}",
        topic=consult_topic(consult),
        urgent=consult.source in PATIENT_SOURCES,
    )


def consult_notify_booked(*, consult: Consult) -> Message:
    """Queue the booking confirmation (manage and calendar links); one row per consult."""
    return _notify_upcoming(consult, "consult_confirmation", "confirmation")


def consult_notify_rescheduled(*, consult: Consult, previous: Consult) -> Message:
    """Cancel what was pending about the old time and queue the new-time message."""
    messages_cancel_pending(topic=consult_topic(previous))
    return _notify_upcoming(consult, "consult_rescheduled", "rescheduled")


def consult_notify_cancelled(*, consult: Consult) -> Message:
    """Cancel what was pending about the consult and queue the cancellation notice (link to book again)."""
    messages_cancel_pending(topic=consult_topic(consult))
    return message_send(
        patient=consult.patient,
        kind="consult_cancelled",
        context={"starts_at": consult.start, "book_url": _book_url(), "reference": consult.reference},
        idempotency_key=f"consult:{consult.pk}:cancelled",
        topic=f"{consult_topic(consult)}:cancelled",
        urgent=(consult.cancelled_source or consult.source) in PATIENT_SOURCES,
    )


def consult_notify_completed(*, consult: Consult) -> Message:
    """Queue the thank-you after a consult that took place."""
    return message_send(
        patient=consult.patient,
        kind="consult_thanks",
        context={"expert_name": consult.expert.display_name, "book_url": _book_url()},
        idempotency_key=f"consult:{consult.pk}:thanks",
        topic=f"{consult_topic(consult)}:after",
    )


def consult_notify_no_show(*, consult: Consult) -> Message:
    """Queue the offer to book again after a missed consult."""
    return message_send(
        patient=consult.patient,
        kind="consult_no_show",
        context={"starts_at": consult.start, "book_url": _book_url()},
        idempotency_key=f"consult:{consult.pk}:no_show",
        topic=f"{consult_topic(consult)}:after",
    )
