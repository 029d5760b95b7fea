"""Reads for the patient's chat page."""

from messaging.models import Message, MessageChannel
from messaging.selectors import THREAD_LENGTH
from webchat.models import WebChat


def chat_thread(chat: WebChat, *, limit: int = THREAD_LENGTH) -> list[Message]:
    """The web chat messages of the patient's conversation, oldest first (one query).

    SMS and WhatsApp messages are left out: the page shows what was said here, and a nudge's
    "you have a reply" text would only repeat itself."""
    latest = (
        Message.objects.filter(patient_id=chat.patient_id, channel=MessageChannel.WEB)
        .select_related("sent_by")
        .order_by("-created_at", "-pk")[:limit]
    )
    return list(reversed(latest))
