"""The website's chat as a messaging channel ("web"): patient messages land in the same
conversation and go through the same routing task as SMS/WhatsApp (unread count, assignee
notified); staff answers are shown on the patient's chat page, and the patient gets a short
SMS/WhatsApp nudge with a link and no clinical content.

No Twilio here: a web message is "delivered" the moment it is stored, because the chat page reads
the row itself. The chat page and the code check live in the `webchat` app."""

from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from clinic.errors import DomainError
from messaging.inbound import enqueue_routing
from messaging.models import Conversation, ConversationStatus, Direction, Message, MessageChannel, Status
from messaging.services import conversation_for_patient, message_send
from patients.audit import audit_record
from patients.models import AuditAction, Patient

NUDGE_KIND = "webchat_reply"
MAX_WEB_MESSAGE_LENGTH = 2000


def web_message_receive(*, patient: Patient, text: str, idempotency_key: str) -> Message:
    """Store one message the patient wrote in the web chat exactly once (per form key) and queue
    its routing, like an inbound SMS."""
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Write a message before sending."), field="text")
    if len(text) > MAX_WEB_MESSAGE_LENGTH:
        raise DomainError(
            gettext("Keep a message under %(max)s characters (this one has %(length)s).")
            % {"max": MAX_WEB_MESSAGE_LENGTH, "length": len(text)},
            field="text",
        )
    key = f"web-in:{patient.pk}:{idempotency_key}"[:200]
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing  # the same form sent twice (Back, double click)
    now = timezone.now()
    with transaction.atomic():
        conversation = conversation_for_patient(patient)
        message = Message(
            conversation=conversation,
            patient=patient,
            direction=Direction.INBOUND,
            channel=MessageChannel.WEB,
            kind="inbound",
            body=text,
            status=Status.RECEIVED,
            idempotency_key=key,
            language=patient.language,
            enqueued_at=now,
            status_changed_at=now,
            created_at=now,
        )
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            return Message.objects.get(idempotency_key=key)
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_at=now,
            last_channel=MessageChannel.WEB,
            status=ConversationStatus.OPEN,
            last_web_inbound_at=now,
        )
        transaction.on_commit(partial(enqueue_routing, message.pk))
    return message


def web_chat_url(language: str = "") -> str:
    """The chat's start page in `language` (/chat/, /hi/chat/; the site's default when it has no such pages)."""
    # The start page, not the thread: the thread is bound to a browser session, and the start page
    # sends a patient whose session still holds the chat straight to it.
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        return settings.PUBLIC_BASE_URL + reverse("webchat:start")


def _nudge_needed(conversation: Conversation) -> bool:
    """One nudge per turn: none when an earlier one already went out since the patient last wrote."""
    since = conversation.last_web_inbound_at
    earlier = Message.objects.filter(conversation=conversation, kind=NUDGE_KIND, direction=Direction.OUTBOUND)
    if since is not None:
        earlier = earlier.filter(created_at__gte=since)
    return not earlier.exclude(status__in=(Status.BLOCKED, Status.CANCELED)).exists()


def web_reply_send(
    *,
    conversation: Conversation,
    actor: AbstractBaseUser,
    text: str,
    idempotency_key: str,
    request: HttpRequest | None = None,
    via: str = "admin",
) -> Message:
    """A staff answer shown on the patient's chat page, audited, plus (in the same transaction) a
    consent-aware SMS/WhatsApp nudge that says only that a reply is waiting and where."""
    key = f"staff:{actor.pk}:{idempotency_key}"
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    patient = conversation.patient
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            patient=patient,
            direction=Direction.OUTBOUND,
            channel=MessageChannel.WEB,
            requested_channel="",
            kind="staff_reply",
            topic=f"conversation:{conversation.pk}",
            language=patient.language,
            body=text,
            status=Status.DELIVERED,
            status_reason="",
            idempotency_key=key,
            not_before=now,
            status_changed_at=now,
            sent_by=actor,
            created_at=now,
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
        audit_record(actor=actor, action=AuditAction.SEND, obj=message, patient=patient, request=request, via=via)
        if _nudge_needed(conversation):
            message_send(
                patient=patient,
                kind=NUDGE_KIND,
                context={"chat_url": web_chat_url(patient.language)},
                idempotency_key=f"webchat-nudge:{message.pk}",
                topic=f"conversation:{conversation.pk}:nudge",
            )
    return message
