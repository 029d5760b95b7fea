"""`{% inbox_badge %}`: unread conversations in the console header (one query); `|media_linkable`."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from messaging.media import media_url_is_linkable
from messaging.selectors import inbox_unread_counts
from patients.capabilities import can_use_console

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_badge(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_use_console(user):
        return ""
    counts = inbox_unread_counts(user)
    url = reverse("admin:messaging_conversation_changelist")
    if not counts["total"]:
        return format_html('<a class="ct-inbox-link" href="{}">Inbox</a> /', url)
    return format_html(
        '<a class="ct-inbox-link" href="{}?unread=1" title="Conversations with unread patient messages">'
        'Inbox <span class="ct-badge">{}</span></a>'
        '<a class="ct-inbox-link" href="{}?unread=1&amp;assigned=me">mine: {}</a> /',
        url,
        counts["total"],
        url,
        counts["mine"],
    )


@register.filter
def media_linkable(url: str) -> bool:
    """Whether an attachment URL may be shown as a link (messaging/media.py)."""
    return media_url_is_linkable(url)
