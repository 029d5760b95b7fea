import datetime as dt

import pytest
from django.utils import timezone

from messaging.models import Conversation, Message, WhatsAppTemplate
from patients.models import AuditEntry
from tests.factories.people import PatientFactory
from tests.messaging.test_inbox_admin import inbound

LIST = "/api/v1/conversations/"


@pytest.fixture
def alices_patient(alice):
    return PatientFactory(
        full_name="Asha Api", phone="+919876533333", coordinator=alice, consent_sms=True, consent_whatsapp=True
    )


@pytest.fixture
def conversation(alices_patient):
    inbound(alices_patient, "Is parking available?")
    return Conversation.objects.get(patient=alices_patient)


def reply(client, conversation, **data):
    payload = {"text": "Yes, at the back.", "idempotency_key": "k1", **data}
    return client.post(f"{LIST}{conversation.pk}/reply/", payload, content_type="application/json")


def test_coordinator_lists_visible_conversations_unread_first(client, alice, bob, conversation):
    inbound(PatientFactory(full_name="Bob's Patient", coordinator=bob))
    client.force_login(alice)
    rows = client.get(LIST).json()["results"]
    assert [row["patient_name"] for row in rows] == ["Asha Api"]
    assert rows[0]["unread_count"] == 1
    assert rows[0]["last_message"] == "Is parking available?"
    assert rows[0]["assigned_to"] == "alice"


def test_list_filters_unread_and_mine(client, alice, conversation):
    inbound(PatientFactory(full_name="Read Unassigned"), unread=False)
    client.force_login(alice)
    assert len(client.get(LIST).json()["results"]) == 2
    assert [row["patient_name"] for row in client.get(f"{LIST}?unread=1").json()["results"]] == ["Asha Api"]
    assert [row["patient_name"] for row in client.get(f"{LIST}?assigned=me").json()["results"]] == ["Asha Api"]


def test_list_query_count_stays_flat(client, alice, django_assert_max_num_queries):
    client.force_login(alice)
    for _ in range(3):
        inbound(PatientFactory(coordinator=alice))
    with django_assert_max_num_queries(10) as few:
        client.get(LIST)
    for _ in range(30):
        inbound(PatientFactory(coordinator=alice))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST).json()["results"]) == 33


def test_thread_is_returned_oldest_first_and_audited(client, alice, conversation):
    inbound(conversation.patient, "second")
    client.force_login(alice)
    rows = client.get(f"{LIST}{conversation.pk}/messages/").json()
    assert [row["body"] for row in rows] == ["Is parking available?", "second"]
    assert AuditEntry.objects.get().via == "api"


def test_thread_query_count_stays_flat(client, alice, conversation, django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(12) as few:
        client.get(f"{LIST}{conversation.pk}/messages/")
    for index in range(30):
        inbound(conversation.patient, f"m{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{LIST}{conversation.pk}/messages/")


def test_reply_creates_a_message_through_the_outbox(client, alice, conversation):
    client.force_login(alice)
    response = reply(client, conversation)
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["channel"], body["status"], body["sent_by"]) == ("staff_reply", "sms", "queued", "alice")
    assert reply(client, conversation).json()["id"] == body["id"]  # same key, same message
    assert AuditEntry.objects.filter(action="send", via="api").count() == 1


def test_reply_outside_the_whatsapp_window_is_409_with_the_options(client, alice, conversation):
    WhatsAppTemplate.objects.create(kind="conversation_reopen", language="en", content_sid="HX" + "a" * 32)
    Conversation.objects.filter(pk=conversation.pk).update(
        last_whatsapp_inbound_at=timezone.now() - dt.timedelta(days=2)
    )
    client.force_login(alice)
    response = reply(client, conversation, channel="whatsapp")
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["field"], body["template_available"], body["sms_available"]) == (
        "outside_whatsapp_window",
        "channel",
        True,
        True,
    )
    assert not Message.objects.filter(direction="out").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"text": ""}, "text"), ({"channel": "fax"}, "channel"), ({"idempotency_key": ""}, "idempotency_key")],
)
def test_bad_reply_gets_400_naming_the_field(client, alice, conversation, data, field):
    client.force_login(alice)
    response = reply(client, conversation, **data)
    assert response.status_code == 400
    assert field in response.json()


def test_other_coordinator_gets_404(client, bob, conversation):
    client.force_login(bob)
    assert client.get(f"{LIST}{conversation.pk}/messages/").status_code == 404
    assert reply(client, conversation).status_code == 404


def test_outsider_and_anonymous_are_refused(client, charlie, conversation):
    assert client.get(LIST).status_code == 401
    client.force_login(charlie)
    assert client.get(LIST).status_code == 403
    assert reply(client, conversation).status_code == 403


def test_admin_sees_and_may_reply(client, ada, conversation):
    client.force_login(ada)
    assert len(client.get(LIST).json()["results"]) == 1
    assert reply(client, conversation).status_code == 201


def test_expert_cannot_reply(client, erin, conversation):
    client.force_login(erin)
    assert reply(client, conversation).status_code in (403, 404)
