"""The private chat page: bound to one browser session, never cached or indexed; the patient's
messages land in the coordinator inbox and staff answers come back to the page with a nudge."""

import pytest
from django.test import Client

from messaging.inbox import conversation_reply, default_reply_channel
from messaging.models import Conversation, Direction, Message, MessageChannel, Status
from messaging.texts import sensitive_term
from tests.factories.people import PatientFactory
from tests.webchat.conftest import PHONE, open_chat
from webchat.models import WebChat

pytestmark = pytest.mark.django_db


def write(client, url: str, text: str, key: str = "k1"):
    return client.post(url, {"text": text, "idempotency_key": key})


def test_the_thread_opens_for_the_session_that_proved_the_number(client):
    url = open_chat(client)
    assert client.get(url).status_code == 200


def test_the_thread_url_from_another_session_shows_nothing(client):
    url = open_chat(client)
    response = Client().get(url)
    assert response.status_code == 404
    assert "Meera" not in response.content.decode()


def test_chat_pages_are_never_stored_by_caches(client):
    url = open_chat(client)
    response = client.get(url)
    assert "no-store" in response["Cache-Control"]


def test_chat_pages_ask_search_engines_not_to_index_them(client):
    url = open_chat(client)
    response = client.get(url)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_the_start_page_is_not_indexed_either(client):
    response = client.get("/chat/")
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_leaving_ends_the_chat_even_for_the_same_token(client):
    url = open_chat(client)
    token = WebChat.objects.get().token
    client.post(f"/chat/t/{token}/leave/")
    assert WebChat.objects.get().ended_at is not None
    assert client.get(url).status_code == 404


def test_the_start_page_sends_an_open_chat_back_to_its_thread(client):
    url = open_chat(client)
    assert client.get("/chat/")["Location"] == url


def test_a_patient_message_lands_unread_in_the_coordinator_inbox(client, run_tasks, commit):
    url = open_chat(client)
    with commit():
        write(client, url, "When should I take my tablets?")
    with commit():
        run_tasks()
    conversation = Conversation.objects.get()
    assert conversation.unread_count == 1
    assert conversation.last_channel == MessageChannel.WEB


def test_the_same_form_sent_twice_is_stored_once(client):
    url = open_chat(client)
    write(client, url, "Hello", key="same")
    write(client, url, "Hello", key="same")
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1


def test_an_empty_message_is_refused_with_a_clear_error(client):
    url = open_chat(client)
    response = write(client, url, "  ")
    assert response.status_code == 400
    assert "Write a message before sending." in response.content.decode()


def test_staff_answer_a_web_conversation_on_the_web_by_default(client):
    url = open_chat(client)
    write(client, url, "Hello")
    assert default_reply_channel(Conversation.objects.get()) == MessageChannel.WEB


def _reply(alice, text: str = "Yes, take it after breakfast.", key: str = "r1") -> Message:
    conversation = Conversation.objects.select_related("patient").get()
    return conversation_reply(conversation=conversation, actor=alice, text=text, channel="", idempotency_key=key)


def test_a_staff_answer_appears_on_the_patients_chat_page(client, alice):
    url = open_chat(client)
    write(client, url, "Hello")
    _reply(alice, "Take imatinib with food.")
    assert "Take imatinib with food." in client.get(url).content.decode()


def test_a_staff_answer_is_shown_not_sent_by_twilio(client, alice):
    url = open_chat(client)
    write(client, url, "Hello")
    reply = _reply(alice)
    assert reply.channel == MessageChannel.WEB
    assert reply.status == Status.DELIVERED


def test_a_staff_answer_nudges_the_patient_by_sms_without_clinical_words(client, alice):
    url = open_chat(client)
    write(client, url, "Hello")
    _reply(alice, "Your BCR-ABL result for CML on imatinib is fine.")
    nudge = Message.objects.get(kind="webchat_reply")
    assert nudge.channel == "sms"
    assert sensitive_term(nudge.body) is None
    assert "imatinib" not in nudge.body.lower()
    assert "https://clinic.example.org/chat/" in nudge.body


def test_the_nudge_is_queued_to_send(client, alice):
    url = open_chat(client)
    write(client, url, "Hello")
    _reply(alice)
    assert Message.objects.get(kind="webchat_reply").status == Status.QUEUED


def test_without_consent_the_nudge_is_blocked_with_a_reason(client, alice):
    url = open_chat(client, consent_sms=False)
    write(client, url, "Hello")
    _reply(alice)
    nudge = Message.objects.get(kind="webchat_reply")
    assert nudge.status == Status.BLOCKED
    assert nudge.status_reason != ""


def test_two_answers_before_the_patient_writes_again_nudge_once(client, alice):
    url = open_chat(client)
    write(client, url, "Hello")
    _reply(alice, key="r1")
    _reply(alice, key="r2")
    assert Message.objects.filter(kind="webchat_reply").count() == 1


def test_a_staff_answer_is_audited(client, alice):
    from patients.models import AuditEntry

    url = open_chat(client)
    write(client, url, "Hello")
    reply = _reply(alice)
    assert AuditEntry.objects.filter(action="send", object_id=str(reply.pk), actor=alice).count() == 1


def test_the_thread_shows_only_web_messages_not_sms(client):
    patient = PatientFactory(phone=PHONE)
    from messaging.services import message_send

    message_send(patient=patient, kind="help_reply", context={}, idempotency_key="sms-1")
    url = open_chat(client)
    body = client.get(url).content.decode()
    assert Message.objects.get(idempotency_key="sms-1").body.splitlines()[0] not in body


def test_the_thread_page_reads_messages_in_fixed_queries(client, django_assert_max_num_queries, alice):
    url = open_chat(client)
    for index in range(5):
        write(client, url, f"Message {index}", key=f"k{index}")
        _reply(alice, key=f"r{index}")
    with django_assert_max_num_queries(8):
        client.get(url)


def test_after_leaving_the_start_page_says_the_chat_ended(client):
    open_chat(client)
    token = WebChat.objects.get().token
    response = client.post(f"/chat/t/{token}/leave/", follow=True)
    assert "You left the chat" in response.content.decode()


def test_a_web_chat_of_a_patient_with_a_coordinator_is_in_that_coordinators_inbox(client, alice, bob):
    from messaging.selectors import assigned_to_q, conversations_visible_to

    PatientFactory(phone=PHONE, coordinator=alice)
    url = open_chat(client)
    write(client, url, "Hello")
    assert conversations_visible_to(alice).filter(assigned_to_q(alice)).count() == 1
    assert conversations_visible_to(bob).count() == 0


def test_the_api_can_answer_in_the_web_chat(client, alice):
    url = open_chat(client)
    write(client, url, "Hello")
    staff = Client()
    staff.force_login(alice)
    conversation = Conversation.objects.get()
    response = staff.post(
        f"/api/v1/conversations/{conversation.pk}/reply/",
        {"text": "We will call you.", "channel": "web", "idempotency_key": "api-1"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["channel"] == "web"


def test_chat_tokens_never_reach_a_log_line():
    from clinic.observability import redact

    assert redact('"GET /chat/t/7AL0thzTEHzqH7EgSWgDPS1Un0R4zQLPTi9-xe7J0uY/ HTTP/1.1" 200') == (
        '"GET /chat/t/[token]/ HTTP/1.1" 200'
    )


def test_the_chat_cookie_ends_when_the_browser_closes(client):
    open_chat(client)
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_proving_the_number_gives_the_browser_a_new_session_key(client):
    from messaging.verify import LocmemVerifyBackend
    from tests.webchat.conftest import start_chat

    start_chat(client)
    before = client.cookies["sessionid"].value
    client.post("/chat/code/", {"code": LocmemVerifyBackend.last_code_for(PHONE)})
    assert client.cookies["sessionid"].value != before


def test_message_text_is_shown_as_text_not_markup(client):
    url = open_chat(client)
    write(client, url, "<script>alert(1)</script>")
    body = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
