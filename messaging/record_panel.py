"""The patient's message thread on the care record page (a clinic.panels RecordPanel).

Read-only there: the latest messages with delivery state and problems; replying, assigning and
"try again" stay on the conversation page in the inbox, which the panel links to. Showing the
panel does not mark anything read (the care record view itself is audited by the patients app).
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from clinic.panels import RecordPanel, SummaryLine
from messaging.admin_thread import bubbles
from messaging.models import Conversation
from messaging.selectors import conversation_thread
from patients.models import Patient

RECENT_MESSAGES = 8


def thread_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """Two queries: the conversation, then its latest messages."""
    conversation = Conversation.objects.filter(patient=patient).first()
    if conversation is None:
        return {"conversation": None, "bubbles": [], "inbox_url": ""}
    thread = conversation_thread(conversation, limit=RECENT_MESSAGES)
    return {
        "conversation": conversation,
        "bubbles": bubbles(thread, timezone.now()),
        "inbox_url": reverse("admin:messaging_conversation_change", args=[conversation.pk]),
        "shown": len(thread),
    }


SUMMARY_CHARS = 140


def last_message(context: dict[str, Any]) -> SummaryLine:
    """The care record summary's "last message" line, from the thread already loaded (no query)."""
    if not context["bubbles"]:
        return SummaryLine(label="Last message", text="No messages with this patient yet.")
    bubble = context["bubbles"][-1]
    message = bubble.message
    who = "from the patient" if bubble.inbound else "to the patient"
    channel = message.get_channel_display() if message.channel else "no channel"
    body = message.body or (f"WhatsApp template {message.kind}" if message.used_template else "(no text)")
    text = body if len(body) <= SUMMARY_CHARS else body[: SUMMARY_CHARS - 1].rstrip() + "…"
    unread = context["conversation"].unread_count
    detail = f"{who}, {channel}" + (f"; {unread} unread" if unread else "")
    return SummaryLine(label="Last message", text=text, at=message.created_at, url=context["inbox_url"], detail=detail)


MESSAGE_THREAD_PANEL = RecordPanel(
    key="messages",
    title="Messages with the patient",
    template="messaging/record_panel.html",
    context=thread_context,
    order=50,
    summary=last_message,
    menu_title="Messages",
)
