"""Messaging's part of the project's error vocabulary (see config/errors.py)."""

from config.errors import Conflict, DomainError


class OutsideWhatsAppWindow(Conflict):
    """Free text on WhatsApp only within 24 hours of the patient's last WhatsApp message."""

    code = "outside_whatsapp_window"


class NoConsentedChannel(Conflict):
    code = "no_consented_channel"


class PrivacyViolation(DomainError):
    """An SMS would name a diagnosis or a medicine."""

    code = "privacy"


class UnknownMessageKind(DomainError):
    """A programming error: there is no template file for the kind asked for."""

    code = "unknown_message_kind"


class MessageTemplateError(DomainError):
    """A template used a value the caller did not pass (a programming error)."""

    code = "message_template_error"


class IdempotencyKeyReused(DomainError):
    """A reply's idempotency key came back with a different text, channel or conversation."""

    status = 422
    code = "idempotency_key_reused"
