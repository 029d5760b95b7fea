"""What staff do in the inbox: reply, send the WhatsApp template, assign, close, mark read, retry.
Every action is audited; replies go through `message_send` like everything else."""

import hashlib
import json
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from messaging.channels import channel_refusal, whatsapp_window_open
from messaging.errors import IdempotencyKeyReused, NoConsentedChannel, OutsideWhatsAppWindow, PrivacyViolation
from messaging.models import Conversation, ConversationStatus, Direction, Message, MessageChannel, Status
from messaging.services import enqueue_delivery, message_send, whatsapp_template_for
from messaging.texts import sensitive_term
from messaging.web_channel import web_reply_send
from patients.audit import audit_record
from patients.capabilities import can_reply_to_conversation
from patients.models import AuditAction, Channel

REOPEN_KIND = "conversation_reopen"
MAX_REPLY_LENGTH = 1200
# No ':' in a client's key: the stored key is "reply:<staff>:<key>:<fingerprint>" and is looked up by prefix.
REPLY_KEY = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _check_may_work(actor: AbstractBaseUser, conversation: Conversation) -> None:
    """Every staff action on a thread asks the same capability as the console and the API."""
    if not can_reply_to_conversation(actor, conversation):
        raise PermissionDenied("Only coordinators and admins who can see this patient work their conversation.")


def default_reply_channel(conversation: Conversation) -> str:
    """Answer on the channel the patient last wrote on; else their preferred channel."""
    sms, whatsapp = conversation.last_sms_inbound_at, conversation.last_whatsapp_inbound_at
    web = conversation.last_web_inbound_at
    if web and all(other is None or web >= other for other in (sms, whatsapp)):
        return MessageChannel.WEB
    if sms or whatsapp:
        return Channel.WHATSAPP if (whatsapp and (not sms or whatsapp >= sms)) else Channel.SMS
    return conversation.patient.preferred_channel


def conversation_mark_seen(*, conversation: Conversation) -> int:
    """Mark the patient's messages read; the unread count is recounted, not zeroed, so a message
    routed at the same moment is not lost."""
    now = timezone.now()
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        marked = Message.objects.filter(
            conversation=locked, direction=Direction.INBOUND, seen_at__isnull=True, routed_at__isnull=False
        ).update(seen_at=now)
        remaining = Message.objects.filter(
            conversation=locked, direction=Direction.INBOUND, seen_at__isnull=True, routed_at__isnull=False
        ).count()
        Conversation.objects.filter(pk=locked.pk).update(unread_count=remaining)
        conversation.unread_count = remaining
    return marked


def reply_fingerprint(*, conversation: Conversation, text: str, channel: str, send_now: bool) -> str:
    """What a reply's idempotency key is bound to: its conversation, text, requested channel and urgency."""
    body = json.dumps([conversation.pk, text, channel or "", bool(send_now)], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def _reply_with_key(key_prefix: str, key: str) -> Message | None:
    """The reply already sent under this staff member's key, or None; 422 if it was for another reply."""
    existing = Message.objects.filter(idempotency_key__startswith=key_prefix).first()
    if existing is None or existing.idempotency_key == key:
        return existing
    raise IdempotencyKeyReused(
        "This idempotency_key was already used for a different reply (another text, channel or conversation). "
        "Use a new key for each new reply (in the console, check the text and send again).",
        field="idempotency_key",
    )


def conversation_reply(
    *,
    conversation: Conversation,
    actor: AbstractBaseUser,
    text: str,
    channel: str,
    idempotency_key: str,
    send_now: bool = False,
    request: HttpRequest | None = None,
    via: str = "admin",
) -> Message:
    """Send a staff member's free-text reply. Refuses (never silently switches channel) when the
    channel is not allowed, WhatsApp's 24-hour window is closed, or an SMS would name a diagnosis.

    The same key with the same conversation, text, channel and urgency returns the reply already
    sent (a double submit); the same key with anything else is IdempotencyKeyReused (422), never a
    silently dropped reply."""
    _check_may_work(actor, conversation)
    text = (text or "").strip()
    if not REPLY_KEY.match(idempotency_key or ""):
        raise DomainError(
            "idempotency_key must be 1-64 letters, digits, '-', '_' or '.' (a UUID is ideal).", field="idempotency_key"
        )
    key_prefix = f"reply:{actor.pk}:{idempotency_key}:"
    key = key_prefix + reply_fingerprint(conversation=conversation, text=text, channel=channel, send_now=send_now)
    existing = _reply_with_key(key_prefix, key)
    if existing is not None:
        return existing
    if not text:
        raise DomainError("Write a message before sending.", field="text")
    if len(text) > MAX_REPLY_LENGTH:
        raise DomainError(f"Keep replies under {MAX_REPLY_LENGTH} characters (this one has {len(text)}).", field="text")
    patient = conversation.patient
    channel = channel or default_reply_channel(conversation)
    if channel == MessageChannel.WEB:
        # Shown on the patient's chat page; the SMS/WhatsApp nudge carries no text, so neither the
        # consent refusal nor the no-diagnosis-in-SMS rule applies to the answer itself.
        with transaction.atomic():
            message = web_reply_send(
                conversation=conversation,
                actor=actor,
                text=text,
                idempotency_key=idempotency_key,
                request=request,
                via=via,
            )
            conversation_mark_seen(conversation=conversation)
        return message
    now = timezone.now()
    refusal = channel_refusal(patient=patient, conversation=conversation, channel=channel, conversational=True, now=now)
    if refusal:
        raise NoConsentedChannel(f"Cannot send by {Channel(channel).label}: {refusal}.", field="channel")
    if channel == Channel.WHATSAPP and not whatsapp_window_open(conversation, now):
        template = whatsapp_template_for(REOPEN_KIND, patient.language)
        sms_ok = not channel_refusal(
            patient=patient, conversation=conversation, channel=Channel.SMS, conversational=True, now=now
        )
        raise OutsideWhatsAppWindow(
            "The patient has not written on WhatsApp in the last 24 hours, so WhatsApp only allows an approved "
            "template. Send the template asking them to reply" + (" or send this text by SMS." if sms_ok else "."),
            field="channel",
            extra={"template_available": template is not None, "sms_available": sms_ok},
        )
    if channel == Channel.SMS and not patient.detailed_messages and (term := sensitive_term(text)):
        raise PrivacyViolation(
            f"An SMS must not name a diagnosis or medicine ('{term}'). Say 'your appointment', 'your results' "
            "or 'your medicine' instead, or ask the patient to call.",
            field="text",
        )
    with transaction.atomic():
        # One reply per key even when two submits race: the sender's row lock orders them, and the
        # second finds the first's message.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        existing = _reply_with_key(key_prefix, key)
        if existing is not None:
            return existing
        message = message_send(
            patient=patient,
            kind="staff_reply",
            context={"text": text, "staff_name": getattr(actor, "first_name", "")},
            idempotency_key=key,
            channel=channel,
            urgent=send_now,
            topic=f"conversation:{conversation.pk}",
            sent_by=actor,
        )
        audit_record(actor=actor, action=AuditAction.SEND, obj=message, patient=patient, request=request, via=via)
        conversation_mark_seen(conversation=conversation)
    return message


def conversation_send_reopen_template(
    *, conversation: Conversation, actor: AbstractBaseUser, idempotency_key: str, request: HttpRequest | None = None
) -> Message:
    """Send the approved WhatsApp template that asks the patient to reply (reopening the window)."""
    _check_may_work(actor, conversation)
    patient = conversation.patient
    if whatsapp_template_for(REOPEN_KIND, patient.language) is None:
        raise OutsideWhatsAppWindow(
            f"No approved WhatsApp template is set up for '{REOPEN_KIND}'. An administrator can add it under "
            "Messages › WhatsApp templates.",
            field="channel",
        )
    refusal = channel_refusal(
        patient=patient, conversation=conversation, channel=Channel.WHATSAPP, conversational=False, now=timezone.now()
    )
    if refusal:
        raise NoConsentedChannel(f"Cannot send by WhatsApp: {refusal}.", field="channel")
    with transaction.atomic():
        message = message_send(
            patient=patient,
            kind=REOPEN_KIND,
            context={},
            idempotency_key=f"reopen:{actor.pk}:{idempotency_key}",
            channel=Channel.WHATSAPP,
            urgent=True,
            topic=f"conversation:{conversation.pk}",
            sent_by=actor,
        )
        audit_record(actor=actor, action=AuditAction.SEND, obj=message, patient=patient, request=request)
    return message


def assignable_staff(conversation: Conversation):
    """Coordinators and admins; the UI narrows to those who may see the patient."""
    from django.contrib.auth import get_user_model

    from clinic.roles import COORDINATOR

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(groups__name=COORDINATOR)
        .distinct()
        .order_by("first_name", "username")
    )


def conversation_assign(
    *,
    conversation: Conversation,
    actor: AbstractBaseUser,
    assignee: AbstractBaseUser | None,
    request: HttpRequest | None = None,
) -> Conversation:
    """Give the conversation to a coordinator (None: back to the patient's coordinator)."""
    _check_may_work(actor, conversation)
    if assignee is not None:
        # The assignee must be someone who may work this conversation: the same capability, asked of them.
        if not can_reply_to_conversation(assignee):
            raise DomainError("Conversations can only be assigned to coordinators.", field="assignee")
        if not can_reply_to_conversation(assignee, conversation):
            raise DomainError(
                f"{assignee.get_username()} cannot see this patient. Make them the patient's coordinator first.",
                field="assignee",
            )
    return _conversation_change(conversation, actor=actor, request=request, assignee=assignee)


def _conversation_change(conversation: Conversation, *, actor, request, **changes) -> Conversation:
    """Write `changes` to the conversation (row and instance) with their audit entry, in one transaction."""
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(**changes)
        for name, value in changes.items():
            setattr(conversation, name, value)
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=conversation, changed_fields=list(changes), request=request
        )
    return conversation


def conversation_set_status(
    *, conversation: Conversation, actor: AbstractBaseUser, status: str, request: HttpRequest | None = None
) -> Conversation:
    """Close or reopen; a new patient message reopens a closed conversation by itself."""
    _check_may_work(actor, conversation)
    if status not in ConversationStatus.values:
        raise DomainError("Choose open or closed.", field="status")
    return _conversation_change(conversation, actor=actor, request=request, status=status)


def message_retry(*, message: Message, actor: AbstractBaseUser, request: HttpRequest | None = None) -> Message:
    """Try a failed or blocked message again; consent and windows are checked again when it goes."""
    _check_may_work(actor, message.conversation)
    if message.direction != Direction.OUTBOUND or message.status not in (Status.FAILED, Status.BLOCKED):
        raise DomainError("Only messages that failed or were not sent can be tried again.")
    if message.twilio_sid:
        raise Conflict("Twilio already has this message; it cannot be sent again.")
    now = timezone.now()
    with transaction.atomic():
        updated = Message.objects.filter(
            pk=message.pk, status__in=(Status.FAILED, Status.BLOCKED), twilio_sid__isnull=True
        ).update(
            status=Status.QUEUED,
            attempts=0,
            not_before=now,
            enqueued_at=now,
            status_reason="",
            error_code="",
            status_changed_at=now,
        )
        if updated:
            audit_record(actor=actor, action=AuditAction.SEND, obj=message, patient=message.patient, request=request)
            transaction.on_commit(lambda: enqueue_delivery(message.pk))
    message.refresh_from_db()
    return message
