"""Which attachment URLs from an inbound message the console may show as links.

Twilio posts `MediaUrlN` with the webhook, but a stored URL is still text that came from outside:
only `https` links on Twilio's own media hosts (setting MESSAGING_MEDIA_HOSTS) become links;
anything else (`javascript:`, `http:`, another host) is shown as plain text for staff to judge.
"""

from urllib.parse import urlsplit

from django.conf import settings


def media_url_is_linkable(url: str) -> bool:
    """True for `https://<one of MESSAGING_MEDIA_HOSTS>/…` without credentials or an odd port."""
    if not isinstance(url, str) or any(ch in url for ch in "\x00\r\n\t "):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and port in (None, 443)
        and parts.username is None
        and (parts.hostname or "") in settings.MESSAGING_MEDIA_HOSTS
    )
