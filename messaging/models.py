"""Outbox, inbox and conversations. A `Message` row is the source of truth; the task queue only
triggers work on it (see messaging/delivery.py for the state machine)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from patients.models import Channel, Language, Patient


class Direction(models.TextChoices):
    OUTBOUND = "out", "To patient"
    INBOUND = "in", "From patient"


class Status(models.TextChoices):
    # Ours, before Twilio has the message.
    QUEUED = "queued", "Waiting to send"
    SENDING = "sending", "Sending"
    BLOCKED = "blocked", "Not sent"
    CANCELED = "canceled", "Canceled"
    # Twilio's, after it accepted the message (its accepted/scheduled/queued/sending map to ACCEPTED).
    ACCEPTED = "accepted", "Handed to Twilio"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read by patient"
    UNDELIVERED = "undelivered", "Not delivered"
    FAILED = "failed", "Failed"
    # Inbound.
    RECEIVED = "received", "Received"


# Statuses a status callback may move a message *to*, from which earlier statuses. Anything else
# (a late "sent" after "delivered", a repeat) is ignored, so status only ever moves forward.
STATUS_PREDECESSORS: dict[str, tuple[str, ...]] = {
    Status.ACCEPTED: (Status.QUEUED, Status.SENDING),
    Status.SENT: (Status.QUEUED, Status.SENDING, Status.ACCEPTED),
    Status.DELIVERED: (Status.QUEUED, Status.SENDING, Status.ACCEPTED, Status.SENT),
    Status.READ: (Status.QUEUED, Status.SENDING, Status.ACCEPTED, Status.SENT, Status.DELIVERED),
    Status.UNDELIVERED: (Status.QUEUED, Status.SENDING, Status.ACCEPTED, Status.SENT),
    Status.FAILED: (Status.QUEUED, Status.SENDING, Status.ACCEPTED, Status.SENT),
}
FINAL_STATUSES = frozenset(
    {Status.BLOCKED, Status.CANCELED, Status.READ, Status.UNDELIVERED, Status.FAILED, Status.DELIVERED}
)
PROBLEM_STATUSES = (Status.BLOCKED, Status.FAILED, Status.UNDELIVERED)


class MessageChannel(models.TextChoices):
    """Where a message travelled: the patient-facing channels (patients.Channel) plus the website's
    chat, which carries messages but cannot be chosen as a patient's preferred channel."""

    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    WEB = "web", "Web chat"


class ConversationStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Conversation(models.Model):
    """Everything the clinic and one patient said to each other, on every channel.

    One per patient rather than per channel: coordinators answer people, and a patient who writes
    on WhatsApp and later by SMS is one thread. Each message carries its channel.
    """

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="conversation")
    # Empty means "the patient's coordinator" (so reassigning the patient moves the thread too).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    status = models.CharField(max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.OPEN)
    unread_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_channel = models.CharField(max_length=10, choices=MessageChannel.choices, blank=True)
    # When the patient last wrote on each channel: the WhatsApp 24-hour window and the right to
    # answer someone who wrote first both start here.
    last_sms_inbound_at = models.DateTimeField(null=True, blank=True)
    last_whatsapp_inbound_at = models.DateTimeField(null=True, blank=True)
    # When the patient last wrote in the website's chat: staff answers go there by default then.
    last_web_inbound_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["-unread_count", "-last_message_at"], name="conversation_inbox_order"),
            models.Index(fields=["assignee", "-unread_count"], name="conversation_assignee"),
        ]

    def __str__(self) -> str:
        return f"Conversation with {self.patient}"

    def last_inbound_at(self, channel: str):
        if channel == MessageChannel.WEB:
            return self.last_web_inbound_at
        return self.last_whatsapp_inbound_at if channel == Channel.WHATSAPP else self.last_sms_inbound_at


class Message(models.Model):
    """One SMS, WhatsApp or web chat message, either way. Outbound rows go queued → sending → accepted →
    sent → delivered/read, or end blocked/canceled/failed/undelivered with a reason."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices, blank=True)
    # The channel the caller asked for, if any; the delivery re-plans within it.
    requested_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    kind = models.CharField(max_length=50, help_text="Template name, or 'inbound'.")
    topic = models.CharField(max_length=100, blank=True, db_index=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    body = models.TextField(blank=True)
    segments = models.PositiveSmallIntegerField(default=0, help_text="SMS segments the body takes.")
    # WhatsApp approved template (used outside the 24-hour window).
    content_sid = models.CharField(max_length=34, blank=True)
    content_variables = models.JSONField(default=dict, blank=True)
    used_template = models.BooleanField(default=False)
    media_urls = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)

    status = models.CharField(max_length=12, choices=Status.choices)
    status_reason = models.CharField(max_length=300, blank=True, help_text="Plain-language reason for staff.")
    error_code = models.CharField(max_length=20, blank=True)

    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    twilio_sid = models.CharField(max_length=34, null=True, blank=True, unique=True)
    from_address = models.CharField(max_length=60, blank=True)
    to_address = models.CharField(max_length=60, blank=True)

    # Delivery bookkeeping (see messaging/delivery.py).
    not_before = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set just before the request to Twilio and cleared once its outcome is known. Set with no
    # SID means "Twilio may have it": the next attempt asks Twilio before sending again.
    send_started_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    # Inbound handling.
    keyword = models.CharField(max_length=20, blank=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.CharField(max_length=50, blank=True, help_text="Reply handler that acted on it.")

    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="sent_messages"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_thread"),
            models.Index(fields=["status", "not_before"], name="message_due"),
            models.Index(fields=["patient", "direction", "channel", "-created_at"], name="message_patient_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                name="message_outbound_has_idempotency_key",
                condition=Q(direction="in") | Q(idempotency_key__isnull=False),
            ),
            # Web chat messages never pass through Twilio: their idempotency key (from the chat form)
            # plays the part of the MessageSid.
            models.CheckConstraint(
                name="message_inbound_has_sid_or_web_key",
                condition=Q(direction="out")
                | Q(twilio_sid__isnull=False)
                | Q(channel="web", idempotency_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        arrow = "→" if self.direction == Direction.OUTBOUND else "←"
        return f"{arrow} {self.kind} #{self.pk}"

    @property
    def is_problem(self) -> bool:
        return self.status in PROBLEM_STATUSES


_CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
_VARIABLE_KEY = re.compile(r"^[1-9][0-9]?$")


class WhatsAppTemplate(models.Model):
    """A WhatsApp template approved by Meta (Twilio Content API `ContentSid`) for one kind and language.

    Outside the 24-hour window WhatsApp only delivers approved templates; `variables` maps each
    numbered placeholder to a value from the message context, e.g. {"1": "patient_name", "2":
    "{{ starts_at|date:'j M, g:i A' }}"}.
    """

    kind = models.CharField(max_length=50)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    content_sid = models.CharField(max_length=34, help_text="HX… from Twilio Content Template Builder.")
    variables = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "language"]
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="whatsapp_template_per_kind_language")]
        verbose_name = "WhatsApp template"

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not _CONTENT_SID.match(self.content_sid or ""):
            errors["content_sid"] = "Paste the Content SID from Twilio: HX followed by 32 letters or digits."
        if not isinstance(self.variables, dict):
            errors["variables"] = 'Write the variables as a JSON object, e.g. {"1": "patient_name"}.'
        else:
            for key, value in self.variables.items():
                if not _VARIABLE_KEY.match(str(key)) or not isinstance(value, str) or not value.strip():
                    errors["variables"] = (
                        'Each variable needs a number and a value name, e.g. {"1": "patient_name", "2": "starts_at"}.'
                    )
                    break
        if errors:
            raise ValidationError(errors)
