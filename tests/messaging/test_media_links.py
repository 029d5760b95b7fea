"""Inbound attachments become links in the console only when they are https on Twilio's media hosts."""

import pytest

from messaging.media import media_url_is_linkable
from messaging.models import Conversation
from tests.factories.people import PatientFactory
from tests.messaging.test_inbox_admin import inbound, thread_url

TWILIO_MEDIA = "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages/MM123/Media/ME123"


@pytest.mark.parametrize("url", [TWILIO_MEDIA, "https://media.twiliocdn.com/AC123/abc"])
def test_https_urls_on_twilio_media_hosts_are_links(url):
    assert media_url_is_linkable(url) is True


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JAVASCRIPT:alert(1)",
        "http://api.twilio.com/Media/ME1",
        "https://evil.example/pay-now",
        "https://api.twilio.com.evil.example/x",
        "https://user:pw@api.twilio.com/x",
        "https://api.twilio.com:8443/x",
        "data:text/html,<script>alert(1)</script>",
        "//api.twilio.com/x",
        "https://api.twilio.com/x\njavascript:alert(1)",
        "https://[::1",
        "",
    ],
)
def test_anything_else_is_not_a_link(url):
    assert media_url_is_linkable(url) is False


def test_a_javascript_media_url_shows_as_text_in_the_thread(client, alice):
    patient = PatientFactory(coordinator=alice)
    message = inbound(patient, "See attached")
    message.media_urls = ["javascript:alert(document.cookie)", TWILIO_MEDIA]
    message.save()
    client.force_login(alice)
    page = client.get(thread_url(Conversation.objects.get(patient=patient))).content.decode()
    assert 'href="javascript:' not in page
    assert "<code>javascript:alert(document.cookie)</code>" in page
    assert f'href="{TWILIO_MEDIA}"' in page


def test_the_allowed_hosts_are_a_setting(settings):
    settings.MESSAGING_MEDIA_HOSTS = ["media.example-cdn.test"]
    assert media_url_is_linkable("https://media.example-cdn.test/x") is True
    assert media_url_is_linkable(TWILIO_MEDIA) is False
