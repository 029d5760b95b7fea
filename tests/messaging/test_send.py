import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django_q.models import OrmQ

from messaging.models import Conversation, Message, Status, WhatsAppTemplate
from messaging.services import message_send, messages_cancel_pending
from tests.concurrency import released_together
from tests.factories.people import PatientFactory

KOLKATA = ZoneInfo("Asia/Kolkata")
CONSULT_AT = dt.datetime(2026, 3, 10, 10, 30, tzinfo=KOLKATA)


def send(patient, key="k1", kind="consult_confirmation", **kwargs):
    kwargs.setdefault("context", {"starts_at": CONSULT_AT, "expert_name": "Dr Rao"})
    return message_send(patient=patient, kind=kind, idempotency_key=key, **kwargs)


def open_whatsapp_window(patient, at=None):
    Conversation.objects.update_or_create(
        patient=patient, defaults={"last_whatsapp_inbound_at": at or dt.datetime.now(dt.UTC)}
    )


def test_message_is_rendered_in_the_patients_language_and_time_zone(db):
    patient = PatientFactory(full_name="Ravi Kumar", language="hi", time_zone="Asia/Kolkata")
    message = send(patient)
    assert message.language == "hi"
    assert "नमस्ते Ravi" in message.body
    assert "10 मार्च, 10:30" in message.body
    assert message.status == Status.QUEUED
    assert message.channel == "sms"


def test_times_are_shown_in_the_patients_own_zone(db):
    patient = PatientFactory(time_zone="America/New_York")
    message = send(patient, context={"starts_at": dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)})
    assert "Tue 10 Mar, 11:00 AM" in message.body  # 15:00 UTC is 11:00 in New York (EDT from 8 March)


def test_same_idempotency_key_returns_the_same_message_and_queues_one_delivery(db, patient, commit):
    with commit():
        first = send(patient, key="consult:1:confirmation")
        second = send(patient, key="consult:1:confirmation")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert OrmQ.objects.count() == 1


def test_insert_race_on_one_key_returns_the_row_that_won(db, patient, monkeypatch):
    # Another transaction inserted the key between our look-up and our insert: the unique
    # constraint, not the look-up, decides, and the caller gets the winner's row.
    winner = send(patient, key="race")
    real_filter = Message.objects.filter
    calls = {"n": 0}

    def filter_missing_first_lookup(*args, **kwargs):
        calls["n"] += 1
        result = real_filter(*args, **kwargs)
        return result.none() if calls["n"] == 1 and kwargs == {"idempotency_key": "race"} else result

    monkeypatch.setattr(Message.objects, "filter", filter_missing_first_lookup)
    again = send(patient, key="race")
    assert again.pk == winner.pk
    assert Message.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database locks whole "
    "tables across threads; the race is covered by the test above there",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_with_one_key_make_one_message():
    patient = PatientFactory(consent_sms=True)

    def send_once() -> int:
        with transaction.atomic():
            return send(patient, key="race").pk

    assert len(set(released_together(send_once))) == 1
    assert Message.objects.filter(idempotency_key="race").count() == 1


def test_no_consent_records_a_blocked_message_instead_of_raising(db, commit):
    patient = PatientFactory(consent_sms=False, consent_whatsapp=False)
    with commit():
        message = send(patient)
    assert message.status == Status.BLOCKED
    assert "has not agreed to SMS" in message.status_reason
    assert "WhatsApp" in message.status_reason
    assert OrmQ.objects.count() == 0


def test_opted_out_everywhere_is_blocked_with_the_reason(db):
    patient = PatientFactory(consent_sms=True, sms_opted_out_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    message = send(patient)
    assert message.status == Status.BLOCKED
    assert "opted out of SMS" in message.status_reason


def test_nothing_is_queued_when_the_callers_transaction_rolls_back(db, patient, commit):
    def book_then_fail() -> None:
        with transaction.atomic():
            send(patient)
            raise RuntimeError("booking failed")

    with commit(), pytest.raises(RuntimeError, match="booking failed"):
        book_then_fail()
    assert Message.objects.count() == 0
    assert OrmQ.objects.count() == 0


def test_whatsapp_free_text_inside_the_window(db, whatsapp_patient):
    open_whatsapp_window(whatsapp_patient)
    message = send(whatsapp_patient)
    assert (message.channel, message.used_template) == ("whatsapp", False)


def test_whatsapp_outside_the_window_uses_the_approved_template(db, whatsapp_patient):
    WhatsAppTemplate.objects.create(
        kind="consult_confirmation",
        language="en",
        content_sid="HX" + "a" * 32,
        variables={"1": "patient_name", "2": "starts_at|date:'j M, H:i'"},
    )
    message = send(whatsapp_patient)
    assert (message.channel, message.used_template) == ("whatsapp", True)
    assert message.content_sid == "HX" + "a" * 32
    assert message.content_variables == {"1": "Ravi", "2": "10 Mar, 10:30"}


def test_whatsapp_outside_the_window_without_template_falls_back_to_sms(db, whatsapp_patient):
    message = send(whatsapp_patient)
    assert message.channel == "sms"
    assert message.status == Status.QUEUED
    assert "Sent by SMS instead" in message.status_reason


def test_whatsapp_outside_the_window_without_template_or_sms_is_blocked(db):
    patient = PatientFactory(consent_sms=False, consent_whatsapp=True, preferred_channel="whatsapp")
    message = send(patient)
    assert message.status == Status.BLOCKED
    assert "24 hours" in message.status_reason
    assert "approved WhatsApp template" in message.status_reason


def test_window_is_24_hours_from_the_patients_last_whatsapp_message(db, whatsapp_patient):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        open_whatsapp_window(whatsapp_patient, at=dt.datetime(2026, 2, 28, 9, 1, tzinfo=dt.UTC))
        inside = send(whatsapp_patient, key="inside")
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 2, tzinfo=dt.UTC), tick=False):
        outside = send(whatsapp_patient, key="outside")
    assert inside.channel == "whatsapp"
    assert outside.channel == "sms"


def test_explicit_channel_is_respected(db, whatsapp_patient):
    open_whatsapp_window(whatsapp_patient)
    assert send(whatsapp_patient, channel="sms").channel == "sms"


def test_an_sms_never_names_a_diagnosis_or_medicine(db, patient):
    message = message_send(
        patient=patient, kind="staff_reply", context={"text": "Take your imatinib with food."}, idempotency_key="x"
    )
    assert message.status == Status.BLOCKED
    assert "diagnosis or medicine ('imatinib')" in message.status_reason


def test_patients_who_asked_for_detail_may_get_it_by_sms(db):
    patient = PatientFactory(consent_sms=True, detailed_messages=True)
    message = message_send(
        patient=patient, kind="staff_reply", context={"text": "Your CML results are in."}, idempotency_key="x"
    )
    assert message.status == Status.QUEUED


def test_sms_segments_are_counted_for_staff(db, patient):
    short = message_send(
        patient=patient, kind="staff_reply", context={"text": "See you soon."}, idempotency_key="short"
    )
    long = message_send(patient=patient, kind="staff_reply", context={"text": "x" * 300}, idempotency_key="long")
    assert (short.segments, long.segments) == (1, 3)


def test_messages_cancel_pending_cancels_only_unsent_messages_of_that_topic(db, patient):
    waiting = send(patient, key="a", topic="consult:42")
    other = send(patient, key="b", topic="consult:43")
    sent = send(patient, key="c", topic="consult:42")
    Message.objects.filter(pk=sent.pk).update(status=Status.ACCEPTED, twilio_sid="SM" + "1" * 32)
    assert messages_cancel_pending(topic="consult:42") == 1
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: Status.CANCELED, other.pk: Status.QUEUED, sent.pk: Status.ACCEPTED}


def test_cancel_pending_refuses_an_empty_topic(db):
    with pytest.raises(ValueError, match="needs a topic"):
        messages_cancel_pending(topic="")


def test_send_needs_an_idempotency_key(db, patient):
    with pytest.raises(ValueError, match="needs an idempotency_key"):
        send(patient, key="")


def test_every_message_lands_in_the_patients_conversation(db, patient):
    first = send(patient, key="a")
    second = send(patient, key="b")
    assert first.conversation_id == second.conversation_id == Conversation.objects.get(patient=patient).pk
    assert Conversation.objects.get().last_message_at is not None


def test_overlong_keys_and_topics_are_refused_before_the_database_would(db, patient):
    with pytest.raises(ValueError, match="idempotency_key"):
        send(patient, key="k" * 201)
    with pytest.raises(ValueError, match="topic"):
        send(patient, topic="t" * 101)
