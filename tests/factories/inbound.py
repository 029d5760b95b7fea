"""Patients' messages as Twilio's webhook hands them over, recorded through messaging's own inbound path."""

from messaging.inbound import InboundMessage, inbound_record
from messaging.models import Message

CLINIC_NUMBER = "+14155550100"


def text_received(
    phone: str,
    body: str,
    *,
    sid: str,
    channel: str = "sms",
    to_address: str = CLINIC_NUMBER,
    profile_name: str = "",
) -> Message:
    """An SMS (or WhatsApp message) from `phone`, recorded and matched to a patient; not yet routed."""
    message, _ = inbound_record(
        inbound=InboundMessage(
            sid=sid,
            channel=channel,
            phone=phone,
            body=body,
            media_urls=[],
            from_address=phone if channel == "sms" else f"whatsapp:{phone}",
            to_address=to_address,
            profile_name=profile_name,
        )
    )
    return message
