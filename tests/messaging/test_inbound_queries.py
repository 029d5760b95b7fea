"""The inbound webhook's thin path: a known patient's message in a fixed, small number of statements."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Conversation, Message
from messaging.services import conversation_for_patient
from patients.models import Patient

INBOUND = "/messaging/twilio/inbound/"


def inbound_params(sid="SM" + "a" * 32, body="Hello"):
    return {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": "+919876500001",
        "To": "+14155550100",
        "Body": body,
        "NumMedia": "0",
    }


def statements(captured: CaptureQueriesContext) -> list[str]:
    # pytest-django's test transaction turns the view's BEGIN/COMMIT into SAVEPOINT/RELEASE.
    return [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]


def test_a_known_patients_message_is_one_read_then_one_insert_and_conversation_update(db, patient, twilio_post):
    conversation_for_patient(patient)
    with CaptureQueriesContext(connection) as captured:
        assert twilio_post(INBOUND, inbound_params()).status_code == 200
    sql = statements(captured)
    if connection.vendor == "postgresql":
        # No transaction at all: the insert and the conversation's update are one statement (a CTE).
        assert len(captured) == 2
        assert sql[1].startswith("WITH inserted AS (INSERT")
        assert 'UPDATE "messaging_conversation"' in sql[1]
    else:
        assert len(sql) == 3
        assert sql[1].startswith("INSERT")
    conversation = Conversation.objects.get(patient=patient)
    assert Message.objects.get().conversation == conversation
    assert conversation.last_sms_inbound_at == Message.objects.get().created_at
    assert conversation.status == "open"


def test_a_retried_webhook_inserts_nothing_and_reads_the_stored_message(db, patient, twilio_post):
    conversation_for_patient(patient)
    twilio_post(INBOUND, inbound_params())
    conversation = Conversation.objects.get(patient=patient)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=None)
    with CaptureQueriesContext(connection) as captured:
        assert twilio_post(INBOUND, inbound_params()).status_code == 200
    assert len(statements(captured)) == 3  # patient, insert that does nothing, the stored message
    assert Message.objects.count() == 1
    # Nothing inserted, so the conversation was not touched either.
    assert Conversation.objects.get(pk=conversation.pk).last_message_at is None


def test_stop_takes_effect_before_the_answer_with_four_more_statements(db, patient, twilio_post):
    """In the same transaction: the opt-out, its audit entry (the consent change's source), and the
    consent ledger's row with the patient's consent cache kept in step."""
    conversation_for_patient(patient)
    with CaptureQueriesContext(connection) as captured:
        assert twilio_post(INBOUND, inbound_params(body="stop")).status_code == 200
    assert len(statements(captured)) == 7
    assert Patient.objects.get(pk=patient.pk).sms_opted_out_at is not None
    assert Message.objects.get().keyword == "STOP"


def test_yes_from_someone_subscribed_is_an_ordinary_answer(db, patient, twilio_post):
    with CaptureQueriesContext(connection):
        assert twilio_post(INBOUND, inbound_params(body="Yes")).status_code == 200
    assert Message.objects.get().keyword == ""
