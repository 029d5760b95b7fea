"""Try the two-way flow without Twilio (local development only): a patient's message is fed to the
same code the signed webhook runs (`inbound_parse` → `inbound_record`), minus the signature, and
routed at once so the outcome (C/R/X, STOP, TAKEN, check-in answers, unread) can be printed.

Used by `manage.py simulate_inbound` and the debug-only button on a console thread."""

import uuid
from dataclasses import dataclass

from django.conf import settings

from messaging.inbound import inbound_parse, inbound_record, inbound_route
from messaging.models import Message
from patients.models import Channel


@dataclass(frozen=True)
class SimulatedInbound:
    message: Message
    outcome: str


def simulated_webhook_params(*, phone: str, channel: str, body: str) -> dict[str, str]:
    """The form parameters Twilio would POST for this message."""
    whatsapp = channel == Channel.WHATSAPP
    prefix = "whatsapp:" if whatsapp else ""
    ours = (settings.TWILIO_WHATSAPP_FROM if whatsapp else settings.TWILIO_SMS_FROM) or settings.CLINIC_WHATSAPP
    return {
        "MessageSid": "SM" + uuid.uuid4().hex,  # 34 characters, like Twilio's
        "From": prefix + phone.strip().removeprefix("whatsapp:"),
        "To": prefix + ours.removeprefix("whatsapp:"),
        "Body": body,
        "NumMedia": "0",
    }


def inbound_simulate(*, phone: str, channel: str, body: str) -> SimulatedInbound:
    """Record the message as the webhook would, then route it now (the queued routing task finds
    it already routed and does nothing). Raises DomainError for a bad phone number."""
    if channel not in (Channel.SMS, Channel.WHATSAPP):
        raise ValueError(f"channel must be sms or whatsapp, not {channel!r}")
    params = simulated_webhook_params(phone=phone, channel=channel, body=body)
    message, _ = inbound_record(inbound=inbound_parse(params))
    outcome = inbound_route(message_id=message.pk)
    message.refresh_from_db()
    return SimulatedInbound(message=message, outcome=outcome)
