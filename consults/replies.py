"""Patients answering a consult reminder by SMS/WhatsApp: C confirms, R gets the reschedule
link, X cancels (the cancellation message then confirms it). Anything else goes to the inbox."""

import logging

from consults.errors import ConsultNotChangeable
from consults.models import Consult, ConsultSource
from consults.services import consult_cancel, consult_confirm_attendance, consult_manage_url
from messaging.models import Message
from messaging.services import message_send

logger = logging.getLogger(__name__)

CONFIRM, RESCHEDULE, CANCEL = "C", "R", "X"


def reply_code(body: str) -> str:
    """The one-letter answer, forgiving case, spaces and a trailing full stop ("c", " X.")."""
    return body.strip().rstrip(".!").strip().upper()


def consult_for_prompt(prompt: Message) -> Consult | None:
    prefix, _, consult_id = prompt.topic.partition(":")
    if prefix != "consult" or not consult_id.isdigit():
        return None
    return Consult.objects.select_related("patient", "expert").filter(pk=int(consult_id)).first()


def _answer(*, consult: Consult, inbound: Message, kind: str, context: dict) -> None:
    message_send(
        patient=consult.patient,
        kind=kind,
        context={"starts_at": consult.start, "expert_name": consult.expert.display_name, **context},
        idempotency_key=f"consult:{consult.pk}:reply:{inbound.pk}",
        channel=inbound.channel,
        topic=f"consult:{consult.pk}:reply",
        urgent=True,  # the patient is waiting for the answer right now
    )


def consult_reminder_reply(*, inbound: Message, prompt: Message) -> bool:
    """Handle C/R/X after a reminder; False leaves any other text for a coordinator to read."""
    code = reply_code(inbound.body)
    if code not in {CONFIRM, RESCHEDULE, CANCEL}:
        return False
    consult = consult_for_prompt(prompt)
    if consult is None or consult.patient_id != inbound.patient_id:
        return False
    try:
        if code == CONFIRM:
            consult_confirm_attendance(consult=consult, source=ConsultSource.SMS)
            _answer(consult=consult, inbound=inbound, kind="consult_attendance_confirmed", context={})
        elif code == RESCHEDULE:
            _answer(
                consult=consult,
                inbound=inbound,
                kind="consult_reschedule_link",
                context={"manage_url": consult_manage_url(consult)},
            )
        else:
            # consult_cancel queues the cancellation notice (with a link to book again) in its transaction.
            consult_cancel(
                consult=consult, reason="Cancelled by the patient's reply to a reminder.", source=ConsultSource.SMS
            )
    except ConsultNotChangeable:
        _answer(consult=consult, inbound=inbound, kind="consult_reply_inactive", context={})
    logger.info("consult reply %s handled for reference=%s", code, consult.reference)
    return True
