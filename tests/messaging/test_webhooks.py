import pytest

from messaging.models import Conversation, Message, Status
from messaging.services import message_send
from patients.models import Patient

INBOUND = "/messaging/twilio/inbound/"
STATUS = "/messaging/twilio/status/"


def inbound_params(sid="SM" + "a" * 32, sender="+919876500001", body="Hello", **extra):
    return {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+14155550100",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


# --- signatures --------------------------------------------------------------------------------


def test_signed_inbound_is_stored_and_answered_with_empty_twiml(db, patient, twilio_post):
    response = twilio_post(INBOUND, inbound_params())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode() == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    message = Message.objects.get()
    assert (message.patient, message.body, message.channel, message.status) == (patient, "Hello", "sms", "received")


@pytest.mark.parametrize(
    ("path", "params"),
    [(INBOUND, inbound_params()), (STATUS, {"MessageSid": "SM" + "b" * 32, "MessageStatus": "delivered"})],
)
class TestBadSignature:
    def test_missing_signature_gets_403(self, db, patient, twilio_post, path, params):
        assert twilio_post(path, params, signature="").status_code == 403
        assert not Message.objects.exists()

    def test_tampered_body_gets_403(self, db, patient, twilio_post, path, params):
        from tests.messaging.conftest import sign

        signature = sign(f"https://clinic.example.org{path}", params)
        tampered = {**params, "Body": "Send me everything"}
        assert twilio_post(path, tampered, signature=signature).status_code == 403
        assert not Message.objects.exists()

    def test_signature_for_another_url_gets_403(self, db, patient, twilio_post, path, params):
        response = twilio_post(path, params, signed_url=f"http://internal-host:8000{path}")
        assert response.status_code == 403
        assert not Message.objects.exists()

    def test_signature_with_another_token_gets_403(self, db, patient, twilio_post, path, params):
        from twilio.request_validator import RequestValidator

        forged = RequestValidator("someone-elses-token").compute_signature(f"https://clinic.example.org{path}", params)
        assert twilio_post(path, params, signature=forged).status_code == 403
        assert not Message.objects.exists()


def test_webhooks_refuse_get(client, db):
    assert client.get(INBOUND).status_code == 405
    assert client.get(STATUS).status_code == 405


def test_every_posted_parameter_is_signed_including_new_ones(db, patient, twilio_post):
    params = inbound_params(SomeNewTwilioField="x")
    assert twilio_post(INBOUND, params).status_code == 200


# --- inbound -----------------------------------------------------------------------------------


def test_same_inbound_twice_is_stored_once(db, patient, twilio_post):
    assert twilio_post(INBOUND, inbound_params()).status_code == 200
    assert twilio_post(INBOUND, inbound_params()).status_code == 200
    assert Message.objects.count() == 1


def test_unknown_number_becomes_a_lead(db, twilio_post):
    twilio_post(INBOUND, inbound_params(sender="whatsapp:+919812345678", ProfileName="Kiran"))
    lead = Patient.objects.get()
    assert (str(lead.phone), lead.is_lead, lead.source, lead.full_name) == ("+919812345678", True, "whatsapp", "Kiran")
    assert not lead.consent_sms
    assert not lead.consent_whatsapp
    message = Message.objects.get()
    assert message.channel == "whatsapp"
    assert message.conversation.patient == lead


def test_whatsapp_message_opens_the_24_hour_window(db, whatsapp_patient, twilio_post):
    twilio_post(INBOUND, inbound_params(sender="whatsapp:+919876500002"))
    conversation = Conversation.objects.get(patient=whatsapp_patient)
    assert conversation.last_whatsapp_inbound_at is not None
    assert conversation.last_sms_inbound_at is None


def test_media_urls_are_kept(db, patient, twilio_post):
    params = inbound_params(
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/m/1",
        MediaUrl1="https://api.twilio.com/m/2",
        MediaContentType0="image/jpeg",
        MediaContentType1="image/png",
        Body="",
    )
    twilio_post(INBOUND, params)
    assert Message.objects.get().media_urls == ["https://api.twilio.com/m/1", "https://api.twilio.com/m/2"]


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("From", inbound_params(sender="not-a-number")),
        ("MessageSid", {**inbound_params(), "MessageSid": ""}),
        ("NumMedia", inbound_params(NumMedia="many")),
    ],
)
def test_malformed_inbound_gets_400_naming_the_field(db, twilio_post, field, params):
    response = twilio_post(INBOUND, params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Message.objects.exists()


def test_inbound_closed_conversation_is_reopened(db, patient, twilio_post):
    Conversation.objects.create(patient=patient, status="closed")
    twilio_post(INBOUND, inbound_params())
    assert Conversation.objects.get().status == "open"


# --- status callbacks --------------------------------------------------------------------------


@pytest.fixture
def accepted(db, patient):
    message = message_send(patient=patient, kind="help_reply", context={}, idempotency_key="k")
    Message.objects.filter(pk=message.pk).update(status=Status.ACCEPTED, twilio_sid="SM" + "c" * 32)
    return message


def post_status(twilio_post, status, sid="SM" + "c" * 32, **extra):
    return twilio_post(STATUS, {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32, **extra})


def status_of(message):
    message.refresh_from_db()
    return message.status


def test_status_moves_forward_through_sent_delivered_read(accepted, twilio_post):
    for twilio_status, ours in [("sent", "sent"), ("delivered", "delivered"), ("read", "read")]:
        assert post_status(twilio_post, twilio_status).status_code == 200
        assert status_of(accepted) == ours


def test_out_of_order_callbacks_never_move_status_backwards(accepted, twilio_post):
    post_status(twilio_post, "delivered")
    post_status(twilio_post, "sent")
    post_status(twilio_post, "queued")
    assert status_of(accepted) == "delivered"
    post_status(twilio_post, "delivered")  # a repeat
    assert status_of(accepted) == "delivered"


def test_failed_callback_stores_code_and_plain_reason(accepted, twilio_post):
    post_status(twilio_post, "sent")
    post_status(twilio_post, "undelivered", ErrorCode="30003")
    accepted.refresh_from_db()
    assert (accepted.status, accepted.error_code) == ("undelivered", "30003")
    assert "switched off" in accepted.status_reason
    post_status(twilio_post, "delivered")  # undelivered is final
    assert status_of(accepted) == "undelivered"


def test_unsubscribed_callback_records_the_opt_out(accepted, twilio_post, patient):
    post_status(twilio_post, "failed", ErrorCode="21610")
    patient.refresh_from_db()
    assert patient.sms_opted_out_at is not None


def test_unknown_sid_is_answered_200_and_changes_nothing(accepted, twilio_post):
    assert post_status(twilio_post, "delivered", sid="SM" + "d" * 32).status_code == 200
    assert status_of(accepted) == "accepted"


def test_status_callback_without_status_gets_400(db, twilio_post):
    assert twilio_post(STATUS, {"MessageSid": "SM" + "c" * 32}).status_code == 400


def test_message_ref_cannot_overwrite_a_message_that_has_a_sid(accepted, twilio_post):
    response = twilio_post(f"{STATUS}?m={accepted.pk}", {"MessageSid": "SM" + "e" * 32, "MessageStatus": "sent"})
    assert response.status_code == 200
    accepted.refresh_from_db()
    assert accepted.twilio_sid == "SM" + "c" * 32
    assert accepted.status == "accepted"


def test_inbound_webhook_runs_a_fixed_small_number_of_queries(
    db, patient, twilio_post, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # Twilio waits ~15 s and retries: the webhook stores and queues, nothing more (this includes
    # creating the patient's conversation on first contact and queueing the routing task).
    with django_assert_max_num_queries(13), django_capture_on_commit_callbacks(execute=True):
        assert twilio_post(INBOUND, inbound_params()).status_code == 200
    with django_assert_max_num_queries(11), django_capture_on_commit_callbacks(execute=True):
        assert twilio_post(INBOUND, inbound_params(sid="SM" + "f" * 32)).status_code == 200
