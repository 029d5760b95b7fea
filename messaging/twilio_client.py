"""The one place that builds a Twilio SDK client: explicit timeout, no hidden HTTP retries, and an
optional base URL (TWILIO_API_BASE_URL) so tests and benchmarks can point the real SDK at a mock."""

from functools import cache
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"


class BaseUrlHttpClient(TwilioHttpClient):
    """Sends every SDK request to `base_url` instead of Twilio's host; all else stays the SDK's."""

    def __init__(self, base_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url.rstrip("/"))
        self._scheme, self._netloc, self._prefix = parts.scheme, parts.netloc, parts.path

    def request(self, method: str, url: str, *args, **kwargs) -> Response:
        parts = urlsplit(url)
        url = urlunsplit((self._scheme, self._netloc, self._prefix + parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


@cache
def _client(account_sid: str, auth_token: str, base_url: str, timeout: float) -> Client:
    # No urllib3 retries: a retried POST could create a second message; retries are ours, after
    # asking Twilio whether the first attempt got through (messaging/delivery.py).
    if base_url.rstrip("/") == TWILIO_API:
        http_client = TwilioHttpClient(timeout=timeout)
    else:
        http_client = BaseUrlHttpClient(base_url, timeout=timeout)
    return Client(account_sid, auth_token, http_client=http_client)


def twilio_client() -> Client:
    return _client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        settings.TWILIO_API_BASE_URL,
        float(settings.TWILIO_HTTP_TIMEOUT),
    )
