"""The real Twilio SDK against Twilio's own OpenAPI description, served by Stoplight Prism with
--errors: a request that breaks the spec gets HTTP 422 instead of the example answer."""

import json

import pytest
from django.utils import timezone

from messaging import twilio_client
from messaging.backends import OutboundSend, PermanentSendError, TransientSendError, TwilioBackend
from messaging.delivery import message_deliver
from messaging.models import Conversation, Status, WhatsAppTemplate
from messaging.services import message_send
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.contract
EXAMPLE_SID = "SM" + "a" * 32  # Prism answers with the spec's example message


@pytest.fixture
def twilio(settings, prism_url):
    settings.MESSAGING_BACKEND = "twilio"
    settings.TWILIO_API_BASE_URL = prism_url
    settings.TWILIO_SMS_FROM = "+14155550100"
    settings.TWILIO_WHATSAPP_FROM = "whatsapp:+14155550101"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    twilio_client._client.cache_clear()
    yield settings
    twilio_client._client.cache_clear()


def last_response_json() -> dict:
    return json.loads(twilio_client.twilio_client().http_client._test_only_last_response.text)


def test_sms_send_is_accepted_by_twilios_spec(db, twilio):
    patient = PatientFactory(phone="+919876500001", consent_sms=True)
    message = message_send(
        patient=patient, kind="consult_reminder", idempotency_key="c", context={"starts_at": timezone.now()}
    )
    assert message_deliver(message_id=message.pk) == "accepted"
    message.refresh_from_db()
    assert (message.status, message.twilio_sid) == (Status.ACCEPTED, EXAMPLE_SID)
    assert message.to_address == "+919876500001"


def test_whatsapp_free_form_send_is_accepted(db, twilio):
    patient = PatientFactory(phone="+919876500002", consent_whatsapp=True, preferred_channel="whatsapp")
    Conversation.objects.create(patient=patient, last_whatsapp_inbound_at=timezone.now())
    message = message_send(patient=patient, kind="help_reply", context={}, idempotency_key="w")
    assert message_deliver(message_id=message.pk) == "accepted"
    message.refresh_from_db()
    assert (message.channel, message.used_template, message.twilio_sid) == ("whatsapp", False, EXAMPLE_SID)
    assert message.to_address == "whatsapp:+919876500002"


def test_whatsapp_template_send_is_accepted(db, twilio):
    WhatsAppTemplate.objects.create(
        kind="help_reply",
        language="en",
        content_sid="HX" + "f" * 32,
        variables={"1": "clinic_name", "2": "clinic_phone"},
    )
    patient = PatientFactory(phone="+919876500003", consent_whatsapp=True, preferred_channel="whatsapp")
    message = message_send(patient=patient, kind="help_reply", context={}, idempotency_key="t")
    assert message_deliver(message_id=message.pk) == "accepted"
    message.refresh_from_db()
    assert (message.channel, message.used_template, message.twilio_sid) == ("whatsapp", True, EXAMPLE_SID)


def test_messaging_service_send_without_from_is_accepted(db, twilio):
    twilio.TWILIO_SMS_FROM = ""
    twilio.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    result = TwilioBackend().send(
        OutboundSend(
            message_id=1,
            channel="sms",
            to="+919876500001",
            body="Hello",
            status_callback="https://clinic.example.org/messaging/twilio/status/?m=1",
        )
    )
    assert result.sid == EXAMPLE_SID


def test_a_request_that_breaks_the_spec_is_a_permanent_failure(db, twilio):
    outbound = OutboundSend(
        message_id=1,
        channel="whatsapp",
        to="whatsapp:+919876500001",
        content_sid="HX-not-a-real-sid",
        content_variables={"1": "x"},
    )
    with pytest.raises(PermanentSendError) as caught:
        TwilioBackend().send(outbound)
    assert caught.value.code == "422"
    assert any("ContentSid" in str(item) for item in last_response_json()["validation"])


def test_reconcile_lookup_request_matches_the_spec(db, twilio):
    """Prism flags the spec's own list example as invalid (a 500), so check that every complaint is
    about the response and none about our request."""
    outbound = OutboundSend(message_id=1, channel="sms", to="+919876500001", body="Hello")
    try:
        found = TwilioBackend().find_accepted(outbound, since=timezone.now())
    except TransientSendError:
        problems = last_response_json().get("validation", [])
        assert problems
        assert all(problem["location"][0] == "response" for problem in problems), problems
    else:
        assert found == []  # the example message is years old
