"""A patient answers a consult reminder by SMS: C confirms, R gets the link, X cancels."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from consults.models import ConsultStatus
from consults.services import consult_mark_completed, consult_mark_no_show
from messaging.models import Conversation, Message
from tests.factories.consults import ConsultFactory
from tests.messaging.conftest import deliver_consult_reminder

INBOUND = "/messaging/twilio/inbound/"
_sids = itertools.count(1)


@pytest.fixture
def consult(patient):
    return ConsultFactory(patient=patient, start=timezone.now() + dt.timedelta(hours=20))


@pytest.fixture
def reminded(consult):
    deliver_consult_reminder(consult)
    return consult


@pytest.fixture
def reply(twilio_post, run_tasks, django_capture_on_commit_callbacks):
    def send(body: str) -> Message:
        sid = f"SM{next(_sids):032d}"
        with django_capture_on_commit_callbacks(execute=True):
            params = {"MessageSid": sid, "From": "+919876500001", "To": "+14155550100", "Body": body}
            assert twilio_post(INBOUND, params).status_code == 200
        for _ in range(4):  # routing, then the answers it queued
            with django_capture_on_commit_callbacks(execute=True):
                if not run_tasks():
                    break
        return Message.objects.get(twilio_sid=sid)

    return send


@pytest.mark.parametrize("body", ["C", "c", " c. "])
def test_c_confirms_attendance_and_thanks_the_patient(reminded, reply, outbox, body):
    inbound = reply(body)
    reminded.refresh_from_db()
    assert reminded.attendance_confirmed_at is not None
    assert inbound.handled_by == "consult_reminder"
    assert "is confirmed" in outbox[-1]["outbound"].body


def test_r_sends_the_reschedule_link(reminded, reply, outbox):
    reply("R")
    assert f"/c/{reminded.manage_token}/" in outbox[-1]["outbound"].body
    reminded.refresh_from_db()
    assert reminded.status == ConsultStatus.CONFIRMED


def test_x_cancels_and_the_cancellation_message_confirms_it(reminded, reply, outbox):
    reply("x")
    reminded.refresh_from_db()
    assert reminded.status == ConsultStatus.CANCELLED
    assert reminded.cancelled_source == "sms"
    assert "is cancelled" in outbox[-1]["outbound"].body
    assert "/book/" in outbox[-1]["outbound"].body


def test_x_for_a_consult_already_cancelled_gets_a_call_us_answer(reminded, reply, outbox):
    reply("X")
    reply("C")
    assert "can no longer be changed by reply" in outbox[-1]["outbound"].body


def test_any_other_reply_lands_unread_for_a_coordinator(reminded, reply):
    inbound = reply("Can I bring my son along?")
    assert inbound.handled_by == ""
    assert Conversation.objects.get().unread_count == 1
    reminded.refresh_from_db()
    assert reminded.attendance_confirmed_at is None


def test_completed_consult_sends_thanks_and_no_show_offers_to_rebook(patient, django_capture_on_commit_callbacks):
    done = ConsultFactory(patient=patient, start=timezone.now() - dt.timedelta(hours=2))
    missed = ConsultFactory(patient=patient, start=timezone.now() - dt.timedelta(hours=5))
    with django_capture_on_commit_callbacks(execute=True):
        consult_mark_completed(consult=done)
        consult_mark_no_show(consult=missed)
    thanks = Message.objects.get(kind="consult_thanks")
    no_show = Message.objects.get(kind="consult_no_show")
    assert "thank you for talking with" in thanks.body
    assert "/book/" in thanks.body
    assert "we missed you" in no_show.body
    assert "/book/" in no_show.body
