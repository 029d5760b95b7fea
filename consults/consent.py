"""The wording patients agree to when they allow messages, versioned so consent records say what was shown.

Change the text → bump the version: a stored consent then still names the wording the patient saw.
"""

CONSENT_TEXT_VERSION = "2026-01"

CONSENT_SMS_TEXT = (
    "Send me SMS about my consult and care (confirmations, reminders, follow-ups). Reply STOP at any time to stop."
)
CONSENT_WHATSAPP_TEXT = "Send me WhatsApp messages about my consult and care. Reply STOP at any time to stop."
BOOKING_NOTE = "Booking does not need message consent: without it, the clinic will only call you at the consult time."
