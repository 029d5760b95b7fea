"""Inbox reply idempotency keys are bound to their conversation and text: a replay returns the same
reply, anything else with the same key is a 422 naming the field, never a silently dropped reply."""

import pytest

from messaging.models import Conversation, Message
from tests.factories.people import PatientFactory
from tests.messaging.test_inbox_admin import inbound, thread_url

LIST = "/api/v1/conversations/"


@pytest.fixture
def conversations(alice) -> list[Conversation]:
    rows = []
    for index in range(2):
        patient = PatientFactory(full_name=f"Asha Idem{'ab'[index]}", coordinator=alice, consent_sms=True)
        inbound(patient, "When is my appointment?")
        rows.append(Conversation.objects.get(patient=patient))
    return rows


def reply(client, conversation, text="See you on Monday.", key="key-1", **extra):
    return client.post(
        f"{LIST}{conversation.pk}/reply/",
        {"text": text, "idempotency_key": key, **extra},
        content_type="application/json",
    )


def test_the_same_key_and_text_return_the_same_reply(client, alice, conversations):
    client.force_login(alice)
    first = reply(client, conversations[0])
    second = reply(client, conversations[0])
    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert Message.objects.filter(kind="staff_reply").count() == 1


def test_the_same_key_with_another_text_is_a_422_naming_the_key(client, alice, conversations):
    client.force_login(alice)
    reply(client, conversations[0])
    response = reply(client, conversations[0], text="Actually, Tuesday.")
    assert response.status_code == 422
    assert "idempotency_key" in response.json()
    assert Message.objects.filter(kind="staff_reply").count() == 1


def test_the_same_key_in_another_conversation_is_a_422_not_a_dropped_reply(client, alice, conversations):
    client.force_login(alice)
    reply(client, conversations[0])
    response = reply(client, conversations[1])
    assert response.status_code == 422
    assert response.json()["field"] == "idempotency_key"
    assert not Message.objects.filter(kind="staff_reply", conversation=conversations[1]).exists()


def test_the_same_key_on_another_channel_is_a_422(client, alice, conversations):
    client.force_login(alice)
    reply(client, conversations[0], channel="sms")
    assert reply(client, conversations[0], channel="sms", send_now=True).status_code == 422


def test_another_staff_members_key_does_not_collide(client, alice, ada, conversations):
    client.force_login(alice)
    reply(client, conversations[0])
    client.force_login(ada)
    assert reply(client, conversations[0], text="Also bring your reports.").status_code == 201


@pytest.mark.parametrize("key", ["a:b", "x" * 65, "key with spaces"])
def test_a_key_that_is_not_a_plain_token_is_a_400(client, alice, conversations, key):
    client.force_login(alice)
    response = reply(client, conversations[0], key=key)
    assert response.status_code == 400
    assert "idempotency_key" in response.json()


def test_the_console_shows_a_reused_key_as_a_form_error(client, alice, conversations):
    client.force_login(alice)
    client.post(thread_url(conversations[0]), {"action": "reply", "text": "On my way", "idempotency_key": "form-1"})
    response = client.post(
        thread_url(conversations[1]), {"action": "reply", "text": "On my way", "idempotency_key": "form-1"}
    )
    assert response.status_code == 422
    assert "already used for a different reply" in response.content.decode()
