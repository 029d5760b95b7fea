"""The web chat in Hindi at /hi/chat/, like the booking pages: every sentence in Hindi, the language
switcher and hreflang pointing at /chat/ and /hi/chat/, and a Hindi lead's reply nudge in Hindi."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from messaging.inbox import conversation_reply
from messaging.models import Conversation, Message
from patients.models import Patient
from tests.webchat.conftest import PHONE
from webchat.models import WebChat

pytestmark = pytest.mark.django_db


def start_in_hindi(client, **overrides):
    data = {"name": "मीरा अय्यर", "phone": PHONE, "consent_sms": "on", "website": "", **overrides}
    return client.post("/hi/chat/", data, REMOTE_ADDR="203.0.113.7")


def open_hindi_chat(client, codes) -> str:
    assert start_in_hindi(client)["Location"] == "/hi/chat/code/"
    response = client.post("/hi/chat/code/", {"code": codes.last_code_for(PHONE)})
    assert response.status_code == 302
    return response["Location"]


def test_the_chat_start_page_answers_under_hi():
    with translation.override("hi"):
        assert reverse("webchat:start") == "/hi/chat/"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param("/hi/chat/", "<h1>क्लिनिक से चैट करें</h1>", id="the hindi chat page reads in hindi"),
        pytest.param("/hi/chat/", '<html lang="hi">', id="the hindi chat page is marked hindi"),
        pytest.param("/hi/chat/", "मेरी सलाह और देखभाल के बारे में मुझे SMS भेजें", id="the hindi form labels read in hindi"),
        pytest.param(
            "/hi/chat/",
            "हम इस नंबर पर 6 अंकों का कोड भेजते हैं। उदाहरण: +91",
            id="the hindi phone hint reads in hindi",
        ),
        pytest.param("/chat/", "<h1>Chat with the clinic</h1>", id="the english chat page stays english"),
        pytest.param(
            "/chat/",
            '<a href="/hi/chat/" hreflang="hi" lang="hi">हिन्दी</a>',
            id="the language switcher on the english chat links to the hindi chat",
        ),
        pytest.param(
            "/hi/chat/",
            '<a href="/chat/" hreflang="en" lang="en">English</a>',
            id="the language switcher on the hindi chat links to the english chat",
        ),
        pytest.param(
            "/hi/chat/",
            '<link rel="alternate" hreflang="en" href="https://clinic.example.org/chat/">',
            id="the chat page names its english version for search engines",
        ),
        pytest.param(
            "/hi/chat/",
            '<link rel="alternate" hreflang="hi" href="https://clinic.example.org/hi/chat/">',
            id="the chat page names its hindi version for search engines",
        ),
        pytest.param(
            "/hi/chat/",
            '<a href="/hi/chat/">',
            id="the message an expert panel on the hindi chat offers the hindi chat",
        ),
    ],
)
def test_the_chat_start_page_in_each_language(client, path, text):
    assert text in client.get(path).content.decode()


def test_a_bad_phone_on_the_hindi_chat_is_refused_in_hindi(client):
    response = start_in_hindi(client, phone="12")
    assert response.status_code == 400
    assert "भारत का मोबाइल नंबर लिखें, जैसे +91 81234 56789।" in response.content.decode()


def test_a_missing_name_on_the_hindi_chat_is_asked_for_in_hindi(client):
    body = start_in_hindi(client, name="").content.decode()
    assert "अपना नाम बताएँ, ताकि क्लिनिक जाने कि कौन लिख रहा है।" in body


def test_the_hindi_code_page_reads_in_hindi(client):
    start_in_hindi(client)
    body = client.get("/hi/chat/code/").content.decode()
    assert "पर खत्म होने वाले नंबर पर SMS से एक कोड भेजा है। यह 10 मिनट तक काम करेगा।" in body


def test_a_wrong_code_is_refused_in_hindi_with_the_tries_left(client, codes):
    start_in_hindi(client)
    wrong = "000000" if codes.last_code_for(PHONE) != "000000" else "111111"
    body = client.post("/hi/chat/code/", {"code": wrong}).content.decode()
    assert "यह कोड सही नहीं है। SMS जाँचें और फिर कोशिश करें (4 कोशिशें बाकी हैं)।" in body


def test_too_many_codes_are_refused_in_hindi(client, settings):
    settings.WEBCHAT_CODES_PER_PHONE_HOUR = 1
    start_in_hindi(client)
    body = start_in_hindi(client).content.decode()
    assert "हम पिछले एक घंटे में इस नंबर पर 1 कोड भेज चुके हैं, जो हमारी सीमा है।" in body


def test_the_hindi_chat_opens_under_hi(client, codes):
    assert re.fullmatch(r"/hi/chat/t/[^/]+/", open_hindi_chat(client, codes))


def test_the_hindi_thread_reads_in_hindi(client, codes):
    body = client.get(open_hindi_chat(client, codes)).content.decode()
    assert "यह चैट सिर्फ़ इसी ब्राउज़र में दिखती है।" in body


def test_an_empty_message_is_refused_in_hindi(client, codes):
    url = open_hindi_chat(client, codes)
    body = client.post(url, {"text": "", "idempotency_key": "k1"}).content.decode()
    assert "भेजने से पहले संदेश लिखें।" in body


def test_leaving_the_hindi_chat_returns_to_the_hindi_start_page(client, codes):
    url = open_hindi_chat(client, codes)
    assert client.post(f"{url}leave/")["Location"] == "/hi/chat/?left=1"


def test_a_new_lead_from_the_hindi_chat_gets_hindi_messages(client, codes):
    open_hindi_chat(client, codes)
    assert Patient.objects.get(phone=PHONE).language == "hi"


def test_a_known_patients_language_is_kept_when_they_chat_in_hindi(client, codes):
    from tests.factories.people import PatientFactory

    PatientFactory(phone=PHONE, language="en")
    open_hindi_chat(client, codes)
    assert Patient.objects.get(phone=PHONE).language == "en"


def test_the_reply_nudge_to_a_hindi_lead_is_in_hindi_and_links_to_the_hindi_chat(client, codes, alice, settings):
    url = open_hindi_chat(client, codes)
    client.post(url, {"text": "नमस्ते", "idempotency_key": "k1"})
    conversation = Conversation.objects.get(patient=WebChat.objects.get().patient)
    conversation_reply(conversation=conversation, actor=alice, text="जी, बताइए।", idempotency_key="r1", channel="web")
    nudge = Message.objects.get(kind="webchat_reply")
    assert nudge.body == f"{settings.CLINIC_NAME} से आपके लिए जवाब आया है: https://clinic.example.org/hi/chat/"
