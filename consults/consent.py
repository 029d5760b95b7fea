"""The wording patients agree to when they allow messages, versioned so consent records say what was shown.

Change the text → bump the version: a stored consent then still names the wording the patient saw.
"""

from collections.abc import Mapping
from typing import Any

from patients.intake import IntakeDetails

CONSENT_TEXT_VERSION = "2026-01"

CONSENT_SMS_TEXT = (
    "Send me SMS about my consult and care (confirmations, reminders, follow-ups). Reply STOP at any time to stop."
)
CONSENT_WHATSAPP_TEXT = "Send me WhatsApp messages about my consult and care. Reply STOP at any time to stop."
BOOKING_NOTE = "Booking does not need message consent: without it, the clinic will only call you at the consult time."


def booking_intake(values: Mapping[str, Any], *, time_zone: str, source: str) -> IntakeDetails:
    """The person as a booking form or API call describes them, under today's consent wording."""
    return IntakeDetails(
        phone=values["phone"],
        full_name=values["name"].strip(),
        email=values["email"],
        preferred_channel=values["channel"],
        consent_sms=values["consent_sms"],
        consent_whatsapp=values["consent_whatsapp"],
        consent_text_version=CONSENT_TEXT_VERSION,
        time_zone=time_zone,
        source=source,
    )
