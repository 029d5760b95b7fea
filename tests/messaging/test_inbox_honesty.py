"""Issue 13: the inbox never says a HELP was answered when nothing was sent, and its list shows
the patient's unread question rather than our latest automatic text."""

import datetime as dt

import pytest
from django.utils import timezone

from messaging.inbound import InboundMessage, inbound_record, inbound_route
from messaging.models import Conversation, Message
from messaging.services import message_send
from tests.factories.people import PatientFactory
from tests.messaging.test_inbox_admin import LIST, inbound, thread_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(alice):
    return PatientFactory(
        full_name="Asha Help", phone="+919876533333", coordinator=alice, consent_sms=True, consent_whatsapp=True
    )


def receive(patient, body: str, *, channel: str = "sms", sid: str = "SM" + "7" * 32) -> Message:
    address = f"whatsapp:{patient.phone}" if channel == "whatsapp" else str(patient.phone)
    message, _ = inbound_record(
        inbound=InboundMessage(
            sid=sid,
            channel=channel,
            phone=str(patient.phone),
            body=body,
            media_urls=[],
            from_address=address,
            to_address="+14155550100",
        )
    )
    inbound_route(message_id=message.pk)
    return message


def thread_page(client, alice, patient) -> str:
    """The patient's conversation as alice sees it in the console."""
    client.force_login(alice)
    return client.get(thread_url(Conversation.objects.get(patient=patient))).content.decode()


def remind(patient, key: str) -> None:
    """Our automatic consult reminder, sent now: after whatever the patient wrote."""
    message_send(
        patient=patient,
        kind="consult_reminder",
        context={"starts_at": timezone.now()},
        idempotency_key=key,
        urgent=True,
    )


def test_sms_help_answered_by_nobody_does_not_say_answered(client, alice, patient, settings):
    settings.TWILIO_SMS_AUTO_REPLIES = True
    receive(patient, "HELP")
    body = thread_page(client, alice, patient)
    assert "answered automatically" not in body


def test_sms_help_left_to_twilio_says_no_answer_was_sent_locally(client, alice, patient, settings):
    settings.TWILIO_SMS_AUTO_REPLIES = True
    receive(patient, "HELP")
    body = thread_page(client, alice, patient)
    assert "keyword HELP: no answer was sent" in body


def test_whatsapp_help_we_answered_says_answered(client, alice, patient):
    receive(patient, "HELP", channel="whatsapp")
    body = thread_page(client, alice, patient)
    assert "keyword HELP: answered automatically" in body


def test_whatsapp_help_whose_answer_was_blocked_says_so(client, alice, settings):
    settings.TWILIO_SMS_AUTO_REPLIES = False
    patient = PatientFactory(phone="+919876544444", coordinator=alice, sms_opted_out_at=timezone.now())
    receive(patient, "HELP")
    body = thread_page(client, alice, patient)
    assert "keyword HELP: the automatic answer was not sent" in body


def test_inbox_list_shows_the_unread_question_not_our_later_reminder(client, alice, patient):
    inbound(patient, "Can I take it with food?", when=timezone.now() - dt.timedelta(minutes=5))
    remind(patient, "reminder-after-question")
    client.force_login(alice)
    body = client.get(LIST).content.decode()
    assert "← Can I take it with food?" in body


def test_inbox_list_shows_the_latest_message_once_read(client, alice, patient):
    inbound(patient, "Thanks", when=timezone.now() - dt.timedelta(minutes=5), unread=False)
    remind(patient, "reminder-after-read")
    client.force_login(alice)
    body = client.get(LIST).content.decode()
    assert "→ CareThread" in body


def test_inbox_api_gives_the_unread_question_beside_the_last_message(client, alice, patient):
    inbound(patient, "Can I take it with food?", when=timezone.now() - dt.timedelta(minutes=5))
    remind(patient, "reminder-after-question-api")
    client.force_login(alice)
    row = client.get("/api/v1/conversations/").json()["results"][0]
    assert row["unread_message"] == "Can I take it with food?"
