"""The one way the project talks to patients: `message_send`, and `messages_cancel_pending`.

Other apps call these inside their own transaction; delivery starts only after that transaction
commits (messaging/delivery.py does the sending).
"""

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from clinic.inserts import insert_unless_conflict
from clinic.tasks import task_enqueue
from messaging.channels import next_allowed_time, plan_channel
from messaging.guards import send_guard_reason
from messaging.models import Conversation, Direction, Message, Status, WhatsAppTemplate
from messaging.texts import (
    CONVERSATIONAL_KINDS,
    URGENT_KINDS,
    render_body,
    render_template_variables,
    sensitive_term,
    sms_segments,
)
from patients.models import Channel, Language, Patient

logger = logging.getLogger(__name__)


def conversation_for_patient(patient: Patient) -> Conversation:
    """The patient's conversation, created on first use (safe against a concurrent first use)."""
    conversation = Conversation.objects.filter(patient=patient).first()
    if conversation is not None:
        return conversation
    conversation = Conversation(patient=patient)
    if insert_unless_conflict(conversation):  # no savepoint: a concurrent first use makes this a no-op
        return conversation
    return Conversation.objects.get(patient=patient)


def whatsapp_template_for(kind: str, language: str) -> WhatsAppTemplate | None:
    """The approved template for kind in the patient's language, else in English, else None."""
    candidates = WhatsAppTemplate.objects.filter(kind=kind, active=True, language__in={language, Language.ENGLISH})
    by_language = {template.language: template for template in candidates}
    return by_language.get(language) or by_language.get(Language.ENGLISH)


def enqueue_delivery(message_id: int) -> None:
    task_enqueue("messaging.tasks.deliver", message_id, task_name=f"deliver-message-{message_id}")


def sms_privacy_reason(*, patient: Patient, channel: str, body: str) -> str:
    """Why this SMS must not go ("" when it may): SMS never names a diagnosis or a medicine."""
    if channel != Channel.SMS or patient.detailed_messages:
        return ""
    term = sensitive_term(body)
    if term is None:
        return ""
    return f"Not sent: an SMS must not name a diagnosis or medicine ('{term}'). Change the text."


def message_send(
    *,
    patient: Patient,
    kind: str,
    context: dict[str, Any],
    idempotency_key: str,
    channel: str | None = None,
    not_before: dt.datetime | None = None,
    topic: str = "",
    urgent: bool = False,
    sent_by: User | None = None,
) -> Message:
    """Queue one message to `patient`, or record why it cannot go. The same idempotency_key always
    returns the same Message and never sends twice. Never raises for consent or opt-outs: the
    returned message is then `blocked` with a reason coordinators see."""
    if not idempotency_key or len(idempotency_key) > 200:
        raise ValueError("message_send needs an idempotency_key of 1-200 characters (e.g. 'consult:42:confirmation').")
    if len(topic) > 100:
        raise ValueError("A message topic is at most 100 characters (e.g. 'consult:42').")
    if channel not in (None, "", Channel.SMS, Channel.WHATSAPP):
        raise ValueError(f"Unknown channel {channel!r}.")
    now = timezone.now()
    body, language = render_body(kind=kind, patient=patient, context=context)
    template = whatsapp_template_for(kind, patient.language)
    variables = (
        render_template_variables(
            mapping=template.variables, patient=patient, context=context, language=template.language
        )
        if template
        else {}
    )
    urgent = urgent or kind in URGENT_KINDS
    due = max(not_before or now, now)
    if not urgent:
        due = next_allowed_time(due, patient.time_zone)

    # No savepoints (each would be two more round trips): the conversation and the message are inserted
    # with ON CONFLICT DO NOTHING, which leaves the caller's transaction usable when a row already exists.
    plan_for = partial(
        plan_channel,
        patient=patient,
        requested=channel or "",
        conversational=kind in CONVERSATIONAL_KINDS,
        has_template=template is not None,
        kind=kind,
        now=now,
    )
    with transaction.atomic(savepoint=False):
        conversation = Conversation.objects.filter(patient=patient).first()
        created = conversation is None
        if conversation is None:
            # First message to this patient: the conversation is inserted already carrying it (no UPDATE).
            conversation = Conversation(patient=patient)
            plan = plan_for(conversation=conversation)
            conversation.last_message_at, conversation.last_channel = now, plan.channel or conversation.last_channel
            if not insert_unless_conflict(conversation):  # a concurrent first use created it: plan with that one
                conversation, created = Conversation.objects.get(patient=patient), False
                plan = plan_for(conversation=conversation)
        else:
            plan = plan_for(conversation=conversation)
        status, reason = Status.QUEUED, plan.note
        if guard := send_guard_reason(patient=patient, kind=kind):
            status, reason = Status.BLOCKED, guard
        elif plan.blocked:
            status, reason = Status.BLOCKED, plan.blocked_reason
        elif not plan.use_template and (
            privacy := sms_privacy_reason(patient=patient, channel=plan.channel, body=body)
        ):
            status, reason = Status.BLOCKED, privacy
        send_now = status == Status.QUEUED and due <= now
        message = Message(
            conversation=conversation,
            patient=patient,
            direction=Direction.OUTBOUND,
            channel=plan.channel,
            requested_channel=channel or "",
            kind=kind,
            topic=topic,
            language=language,
            body=body,
            segments=sms_segments(body) if plan.channel == Channel.SMS else 0,
            content_sid=template.content_sid if template else "",
            content_variables=variables,
            used_template=plan.use_template,
            urgent=urgent,
            status=status,
            status_reason=reason[:300],
            idempotency_key=idempotency_key,
            not_before=due,
            enqueued_at=now if send_now else None,
            status_changed_at=now,
            sent_by=sent_by,
            created_at=now,
        )
        if not insert_unless_conflict(message):
            # Sent before with this key (a replay, or a concurrent send that won): that message stands.
            return Message.objects.get(idempotency_key=idempotency_key)
        if not created:
            Conversation.objects.filter(pk=conversation.pk).update(
                last_message_at=now, last_channel=plan.channel or conversation.last_channel
            )
        if send_now:
            transaction.on_commit(partial(enqueue_delivery, message.pk))
    if status == Status.BLOCKED:
        logger.info("message %s (%s) not sent: %s", message.pk, kind, reason)
    return message


def messages_cancel_pending(*, topic: str) -> int:
    """Cancel messages about `topic` that have not started sending; returns how many were canceled.

    A message already handed to a worker (or possibly to Twilio) is not touched: cancelling it here
    could not take it back."""
    if not topic:
        raise ValueError("messages_cancel_pending needs a topic; an empty topic would match unrelated messages.")
    now = timezone.now()
    return Message.objects.filter(
        topic=topic,
        direction=Direction.OUTBOUND,
        status=Status.QUEUED,
        twilio_sid__isnull=True,
        send_started_at__isnull=True,
    ).update(status=Status.CANCELED, status_reason="Canceled before sending: no longer needed.", status_changed_at=now)
