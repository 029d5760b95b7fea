"""The conversation page in the console: bubbles with delivery ticks, failed messages with their
reason, a reply box that goes through the outbox, assign/close. Views stay thin: forms parse,
messaging.inbox services act."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from messaging.channels import whatsapp_window_open, window_hours
from messaging.errors import IdempotencyKeyReused, OutsideWhatsAppWindow
from messaging.inbox import (
    REOPEN_KIND,
    assignable_staff,
    conversation_assign,
    conversation_mark_seen,
    conversation_reply,
    conversation_send_reopen_template,
    conversation_set_status,
    default_reply_channel,
    message_retry,
)
from messaging.models import Conversation, ConversationStatus, Direction, Message, MessageChannel, Status
from messaging.selectors import conversation_thread
from messaging.services import whatsapp_template_for
from messaging.simulate import inbound_simulate
from patients.audit import audit_record
from patients.models import AuditAction, Channel

TICKS = {
    Status.QUEUED: ("…", "Waiting to send"),
    Status.SENDING: ("…", "Sending"),
    Status.ACCEPTED: ("✓", "Handed to Twilio"),
    Status.SENT: ("✓", "Sent"),
    Status.DELIVERED: ("✓✓", "Delivered"),
    Status.READ: ("✓✓", "Read by the patient"),
    Status.CANCELED: ("–", "Canceled"),
    Status.BLOCKED: ("!", "Not sent"),
    Status.FAILED: ("!", "Failed"),
    Status.UNDELIVERED: ("!", "Not delivered"),
}


@dataclass
class Bubble:
    message: Message
    inbound: bool
    ticks: str
    tick_label: str
    problem: bool
    scheduled_for: dt.datetime | None
    note: str = ""


# Keyword answers messaging.inbound writes, by the idempotency key prefix it gives them.
AUTO_REPLY_KEYS = {"help": "help", "opt-in": "opt-in"}


def inbound_note(message: Message, replies: dict[str, Message]) -> str:
    """What happened to a patient's message, in words that never claim a reply nobody sent."""
    handled = message.handled_by
    if handled in AUTO_REPLY_KEYS:
        reply = replies.get(f"{AUTO_REPLY_KEYS[handled]}:{message.pk}")
        if reply is None:
            if message.channel == Channel.SMS and settings.TWILIO_SMS_AUTO_REPLIES:
                if settings.MESSAGING_BACKEND == "twilio":
                    return f"keyword {message.keyword}: Twilio's own SMS auto-reply answers it (not shown here)"
                return f"keyword {message.keyword}: no answer was sent (Twilio answers it only when sending for real)"
            return f"keyword {message.keyword}: no answer was sent"
        if reply.is_problem or reply.status == Status.CANCELED:
            why = reply.status_reason or reply.get_status_display()
            return f"keyword {message.keyword}: the automatic answer was not sent ({why})"
        return f"keyword {message.keyword}: answered automatically"
    if handled == "opt-out":
        return f"keyword {message.keyword}: opted out, nothing more is sent on this channel"
    if handled:
        return f"handled automatically ({handled})"
    return f"keyword {message.keyword}" if message.keyword else ""


def bubbles(thread: list[Message], now: dt.datetime) -> list[Bubble]:
    # Answers are found among the messages already loaded: no query per bubble.
    replies = {m.idempotency_key: m for m in thread if m.direction == Direction.OUTBOUND and m.idempotency_key}
    rows = []
    for message in thread:
        inbound = message.direction == Direction.INBOUND
        ticks, label = ("", "") if inbound else TICKS.get(message.status, ("", message.get_status_display()))
        scheduled = message.not_before if message.status == Status.QUEUED and message.not_before > now else None
        note = inbound_note(message, replies) if inbound else ""
        rows.append(Bubble(message, inbound, ticks, label, message.is_problem, scheduled, note))
    return rows


class ReplyForm(forms.Form):
    text = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 3}), max_length=1200)
    channel = forms.ChoiceField(choices=[("", "Automatic"), *MessageChannel.choices], required=False)
    send_now = forms.BooleanField(required=False, label="Send now even if it is night for the patient")
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, required=False, empty_label="The patient's coordinator")

    def __init__(self, *args, conversation: Conversation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_staff(conversation)


def _thread_url(conversation: Conversation) -> str:
    return reverse("admin:messaging_conversation_change", args=[conversation.pk])


def render_thread(
    model_admin,
    request: HttpRequest,
    conversation: Conversation,
    *,
    reply_form: ReplyForm | None = None,
    window_offer: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    patient = conversation.patient
    can_act = model_admin.has_change_permission(request, conversation)
    default_channel = default_reply_channel(conversation)
    window_open = whatsapp_window_open(conversation, now)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Conversation with {patient}",
        "conversation": conversation,
        "patient": patient,
        "bubbles": bubbles(conversation_thread(conversation), now),
        "can_act": can_act,
        "reply_form": reply_form or ReplyForm(initial={"idempotency_key": uuid.uuid4().hex}),
        "assign_form": AssignForm(conversation=conversation, initial={"assignee": conversation.assignee_id}),
        "default_channel": MessageChannel(default_channel).label,
        "window_open": window_open,
        "window_hours": window_hours(),
        "window_closes_at": (conversation.last_whatsapp_inbound_at + dt.timedelta(hours=window_hours()))
        if window_open
        else None,
        "reopen_template": whatsapp_template_for(REOPEN_KIND, patient.language),
        "window_offer": window_offer,
        "patient_url": reverse("admin:patients_patient_change", args=[patient.pk]),
        "is_closed": conversation.status == ConversationStatus.CLOSED,
        # Local development only: pretend the patient wrote (messaging/simulate.py).
        "simulate_inbound": settings.DEBUG,
        "simulate_channels": Channel.choices,
    }
    return TemplateResponse(request, "admin/messaging/conversation/thread.html", context, status=status)


def thread_get(model_admin, request: HttpRequest, conversation: Conversation) -> HttpResponse:
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=conversation, request=request)
    # Reading marks the thread read for the people who work the inbox; an expert's look does not.
    if model_admin.has_change_permission(request, conversation):
        conversation_mark_seen(conversation=conversation)
    return render_thread(model_admin, request, conversation)


def thread_post(model_admin, request: HttpRequest, conversation: Conversation) -> HttpResponse:
    if not model_admin.has_change_permission(request, conversation):
        raise PermissionDenied
    action = request.POST.get("action", "")
    handlers = {
        "reply": _post_reply,
        "send_template": _post_template,
        "assign": _post_assign,
        "close": _post_status,
        "reopen": _post_status,
        "retry": _post_retry,
        "simulate_inbound": _post_simulate_inbound,
    }
    handler = handlers.get(action)
    if handler is None:
        flash.error(request, "Unknown action; nothing was changed.")
        return HttpResponseRedirect(_thread_url(conversation))
    return handler(model_admin, request, conversation)


def _post_reply(model_admin, request, conversation):
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render_thread(model_admin, request, conversation, reply_form=form, status=400)
    try:
        message = conversation_reply(
            conversation=conversation,
            actor=request.user,
            text=form.cleaned_data["text"],
            channel=form.cleaned_data["channel"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            send_now=form.cleaned_data["send_now"],
            request=request,
        )
    except OutsideWhatsAppWindow as error:
        add_service_errors(form, error)
        return render_thread(model_admin, request, conversation, reply_form=form, window_offer=error.extra, status=409)
    except IdempotencyKeyReused as error:
        # The key is a hidden field: show the error above the form and give it a fresh key, so that
        # sending again (after checking the text) is a new reply rather than the same refusal.
        add_service_errors(form, error, moved={"idempotency_key": None})
        form.data = form.data.copy()
        form.data["idempotency_key"] = uuid.uuid4().hex
        return render_thread(model_admin, request, conversation, reply_form=form, status=error.status)
    except DomainError as error:
        add_service_errors(form, error)
        return render_thread(model_admin, request, conversation, reply_form=form, status=error.status)
    if message.status == Status.BLOCKED:
        flash.warning(request, message.status_reason)
    elif message.not_before > timezone.now():
        flash.success(request, "Reply saved; it will be sent when quiet hours end for the patient.")
    else:
        flash.success(request, "Reply sent to the outbox.")
    return HttpResponseRedirect(_thread_url(conversation))


def _post_template(model_admin, request, conversation):
    try:
        conversation_send_reopen_template(
            conversation=conversation,
            actor=request.user,
            idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
            request=request,
        )
    except DomainError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, "WhatsApp template sent. When the patient replies you can write freely again.")
    return HttpResponseRedirect(_thread_url(conversation))


def _post_assign(model_admin, request, conversation):
    if request.POST.get("assignee") == "me":
        assignee = request.user
    else:
        form = AssignForm(request.POST, conversation=conversation)
        if not form.is_valid():
            flash.error(request, "Choose someone from the list.")
            return HttpResponseRedirect(_thread_url(conversation))
        assignee = form.cleaned_data["assignee"]
    try:
        conversation_assign(conversation=conversation, actor=request.user, assignee=assignee, request=request)
    except DomainError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, f"Assigned to {assignee.get_username() if assignee else 'the patient’s coordinator'}.")
    return HttpResponseRedirect(_thread_url(conversation))


def _post_status(model_admin, request, conversation):
    closing = request.POST["action"] == "close"
    conversation_set_status(
        conversation=conversation,
        actor=request.user,
        status=ConversationStatus.CLOSED if closing else ConversationStatus.OPEN,
        request=request,
    )
    flash.success(request, "Conversation closed." if closing else "Conversation reopened.")
    return HttpResponseRedirect(_thread_url(conversation))


def _post_retry(model_admin, request, conversation):
    message_id = request.POST.get("message_id", "")
    message = get_object_or_404(Message, pk=int(message_id) if message_id.isdigit() else 0, conversation=conversation)
    try:
        message_retry(message=message, actor=request.user, request=request)
    except DomainError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, "The message will be tried again.")
    return HttpResponseRedirect(_thread_url(conversation))


def _post_simulate_inbound(model_admin, request, conversation):
    """Debug only (404 otherwise): the patient 'writes' through the real inbound path."""
    if not settings.DEBUG:
        raise Http404("Simulating patient messages is only available with DJANGO_DEBUG=true.")
    channel = request.POST.get("channel", Channel.SMS)
    text = (request.POST.get("text") or "").strip()
    if channel not in Channel.values or not text:
        flash.error(request, "Write what the patient says and choose SMS or WhatsApp.")
        return HttpResponseRedirect(_thread_url(conversation))
    result = inbound_simulate(phone=str(conversation.patient.phone), channel=channel, body=text)
    flash.success(request, f"Simulated patient message routed: {result.outcome}.")
    return HttpResponseRedirect(_thread_url(conversation))
