"""Consult events (consults/signals.py) turned into patient messages: confirmation on booking, a
new-time message on reschedule, a cancellation notice, a thank-you after a completed consult and an
offer to rebook after a no-show; pending messages about a consult that
moved or was cancelled are cancelled. Reminders belong to the follow-ups app.

Receivers run after the booking committed, through `send_robust`: a messaging failure is logged
and can never fail a booking.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from messaging.services import message_send, messages_cancel_pending

# The patient acted just now (website, API, SMS reply): answer at once, even at night. Changes
# made by staff wait for the end of the patient's quiet hours.
PATIENT_SOURCES = frozenset({"web", "api", "sms"})


def consult_topic(consult: Any) -> str:
    return f"consult:{consult.pk}"


def _fresh(consult: Any) -> Any:
    # The event carries the instance as it was when emitted; the row may have changed before the
    # commit (a new manage token, say), and the message must carry what the patient can use.
    return type(consult).objects.select_related("patient", "expert").get(pk=consult.pk)


def _context(consult: Any) -> dict[str, Any]:
    from consults.message_context import consult_message_context

    return consult_message_context(consult)


def _book_url() -> str:
    return settings.PUBLIC_BASE_URL + reverse("consults:book")


def on_consult_booked(sender: Any, consult: Any, **kwargs: Any) -> None:
    consult = _fresh(consult)
    message_send(patient=consult.patient, kind="consult_confirmation", context=_context(consult),
                 idempotency_key=f"consult:{consult.pk}:confirmation", topic=consult_topic(consult),
                 urgent=consult.source in PATIENT_SOURCES)


def on_consult_rescheduled(sender: Any, consult: Any, previous: Any, **kwargs: Any) -> None:
    messages_cancel_pending(topic=consult_topic(previous))
    consult = _fresh(consult)
    message_send(patient=consult.patient, kind="consult_rescheduled", context=_context(consult),
                 idempotency_key=f"consult:{consult.pk}:rescheduled", topic=consult_topic(consult),
                 urgent=consult.source in PATIENT_SOURCES)


def on_consult_cancelled(sender: Any, consult: Any, **kwargs: Any) -> None:
    messages_cancel_pending(topic=consult_topic(consult))
    consult = _fresh(consult)
    message_send(patient=consult.patient, kind="consult_cancelled",
                 context={"starts_at": consult.start, "book_url": _book_url(), "reference": consult.reference},
                 idempotency_key=f"consult:{consult.pk}:cancelled", topic=f"{consult_topic(consult)}:cancelled",
                 urgent=(consult.cancelled_source or consult.source) in PATIENT_SOURCES)


def on_consult_completed(sender: Any, consult: Any, **kwargs: Any) -> None:
    consult = _fresh(consult)
    message_send(patient=consult.patient, kind="consult_thanks",
                 context={"expert_name": consult.expert.display_name, "book_url": _book_url()},
                 idempotency_key=f"consult:{consult.pk}:thanks", topic=f"{consult_topic(consult)}:after")


def on_consult_no_show(sender: Any, consult: Any, **kwargs: Any) -> None:
    consult = _fresh(consult)
    message_send(patient=consult.patient, kind="consult_no_show",
                 context={"starts_at": consult.start, "book_url": _book_url()},
                 idempotency_key=f"consult:{consult.pk}:no_show", topic=f"{consult_topic(consult)}:after")


def connect() -> None:
    from consults import signals

    signals.consult_booked.connect(on_consult_booked, dispatch_uid="messaging.consult_booked")
    signals.consult_rescheduled.connect(on_consult_rescheduled, dispatch_uid="messaging.consult_rescheduled")
    signals.consult_cancelled.connect(on_consult_cancelled, dispatch_uid="messaging.consult_cancelled")
    signals.consult_completed.connect(on_consult_completed, dispatch_uid="messaging.consult_completed")
    signals.consult_no_show.connect(on_consult_no_show, dispatch_uid="messaging.consult_no_show")
