"""Domain events about consults, sent after the write commits, for optional observers only.

The patient's messages are not sent from here: consults/notifications.py writes them inside the
change's own transaction (the outbox rule), so nothing a patient must receive depends on a receiver.
Events are decoupled side effects: receivers run with `send_robust`, so a failing receiver is logged
and can never undo or fail a booking. Log lines carry the consult reference only, never patient data.

Every signal is sent with `sender=Consult` and the keyword arguments named below.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("consults.events")

consult_booked = Signal()  # consult
consult_rescheduled = Signal()  # consult (the new one), previous (the cancelled one)
consult_cancelled = Signal()  # consult
consult_completed = Signal()  # consult
consult_no_show = Signal()  # consult
consult_attendance_confirmed = Signal()  # consult (the patient replied that they will attend)

EVENT_NAMES: dict[Signal, str] = {
    consult_booked: "consult.booked",
    consult_rescheduled: "consult.rescheduled",
    consult_cancelled: "consult.cancelled",
    consult_completed: "consult.completed",
    consult_no_show: "consult.no_show",
    consult_attendance_confirmed: "consult.attendance_confirmed",
}


def _deliver(signal: Signal, consult: Any, extra: dict[str, Any]) -> None:
    name = EVENT_NAMES[signal]
    logger.info("%s reference=%s source=%s", name, consult.reference, consult.source)
    for receiver, result in signal.send_robust(sender=type(consult), consult=consult, **extra):
        if isinstance(result, Exception):
            logger.error(
                "%s receiver %s failed for reference=%s: %s",
                name,
                getattr(receiver, "__qualname__", repr(receiver)),
                consult.reference,
                type(result).__name__,
                exc_info=(type(result), result, result.__traceback__),
            )


def emit_on_commit(signal: Signal, consult: Any, **extra: Any) -> None:
    """Send `signal` once the surrounding transaction commits (at once if there is none)."""
    transaction.on_commit(lambda: _deliver(signal, consult, extra))
