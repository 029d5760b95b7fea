"""Messaging's part of the project's error vocabulary (see clinic/errors.py), and its programming errors.

A programming error is not a refusal a person can act on: it is a plain exception, logged and answered
with a 500, so that it is fixed in the code rather than shown to a patient or a coordinator.
"""

from http import HTTPStatus

from clinic.errors import Conflict, DomainError


class OutsideWhatsAppWindow(Conflict):
    """Free text on WhatsApp only within 24 hours of the patient's last WhatsApp message."""

    code = "outside_whatsapp_window"


class NoConsentedChannel(Conflict):
    code = "no_consented_channel"


class PrivacyViolation(DomainError):
    """An SMS would name a diagnosis or a medicine."""

    code = "privacy"


class WhatsAppTemplateMisconfigured(DomainError):
    """An administrator's WhatsApp template names a value the message does not have: fixable in the console,
    so the person sending sees what to fix (not a 500)."""

    code = "whatsapp_template_misconfigured"


class IdempotencyKeyReused(DomainError):
    """A reply's idempotency key came back with a different text, channel or conversation."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"


class UnknownMessageKind(LookupError):
    """A programming error: there is no template file for the kind asked for."""


class MessageTemplateError(LookupError):
    """A programming (or template set-up) error: a template used a value the caller did not pass."""
