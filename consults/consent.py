"""The wording patients agree to when they allow messages, versioned so consent records say what was shown.

Change the text → bump the version: a stored consent then still names the wording the patient saw.

Consent is per channel (DPDP: affirmative, specific, withdrawable): the booking form asks one
unticked question about the one channel the patient chose, and records consent for that channel
only. A patient may also choose no messages at all; booking never depends on consent.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from patients.intake import IntakeDetails
from patients.models import Channel

CONSENT_TEXT_VERSION = "2026-02"

# "No messages": a booking choice, not a messaging channel (patients.Channel stays SMS/WhatsApp).
NO_MESSAGES = "none"

# What the patient agrees to, in the words the form shows; the API documents the same sentences.
CONSENT_TEXT = _(
    "Yes, send me messages about this consult on the channel I chose above: a confirmation now, "
    "reminders the day before and 2 hours before, and a short follow-up afterwards. "
    "I can reply STOP at any time to stop them."
)
# Stored in English on the consent record; gettext_noop only marks it so the web chat can show it translated.
CONSENT_SMS_TEXT = gettext_noop(
    "Send me SMS about my consult and care (a confirmation, reminders the day before and 2 hours before, "
    "follow-ups). Reply STOP at any time to stop."
)
CONSENT_WHATSAPP_TEXT = (
    "Send me WhatsApp messages about my consult and care (a confirmation, reminders the day before and "
    "2 hours before, follow-ups). Reply STOP at any time to stop."
)
BOOKING_NOTE = _(
    "Booking does not need messages. If you choose no messages, we will not message you at all: "
    "keep the link on the next page to change or cancel, and the expert will call you at the consult time."
)


def channel_consents(channel: str, agreed: bool) -> tuple[bool, bool]:
    """(consent_sms, consent_whatsapp) for one answer to the one question about the chosen channel."""
    if not agreed or channel == NO_MESSAGES:
        return False, False
    return channel == Channel.SMS, channel == Channel.WHATSAPP


def booking_intake(values: Mapping[str, Any], *, time_zone: str, source: str, language: str = "") -> IntakeDetails:
    """The person as a booking form or API call describes them, under today's consent wording."""
    channel = values["channel"]
    return IntakeDetails(
        phone=values["phone"],
        full_name=values["name"].strip(),
        email=values["email"],
        # Someone who wants no messages still has a channel on file for staff replies they ask for.
        preferred_channel=Channel.SMS if channel == NO_MESSAGES else channel,
        consent_sms=values["consent_sms"],
        consent_whatsapp=values["consent_whatsapp"],
        consent_text_version=CONSENT_TEXT_VERSION,
        time_zone=time_zone,
        source=source,
        language=language,
    )
