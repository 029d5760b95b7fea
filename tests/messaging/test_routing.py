"""Patient messages after the webhook: keywords, replies to prompts, the unread inbox."""

import contextlib
import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from messaging import replies
from messaging.inbound import inbound_route
from messaging.models import Conversation, Message, Status
from messaging.services import message_send
from tests.factories.people import PatientFactory, UserFactory

INBOUND = "/messaging/twilio/inbound/"
_sids = iter(range(10**6))


def receive(twilio_post, body, sender="+919876500001"):
    sid = f"SM{next(_sids):032d}"
    params = {"MessageSid": sid, "From": sender, "To": "+14155550100", "Body": body}
    assert twilio_post(INBOUND, params).status_code == 200
    return Message.objects.get(twilio_sid=sid)


@pytest.fixture
def deliver_all(run_tasks, django_capture_on_commit_callbacks):
    """Receive inside a captured on-commit block, then run the queue (routing, replies, delivery)."""

    def go(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = callable_(*args, **kwargs)
        for _ in range(3):  # routing may queue a reply, whose delivery is another task
            with django_capture_on_commit_callbacks(execute=True):
                tasks = run_tasks()
            if not tasks:
                break
        return result

    return go


def reload(obj):
    obj.refresh_from_db()
    return obj


# --- keywords ----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["STOP", "stop", " Stop. ", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"])
def test_stop_words_opt_out_of_that_channel_at_once(db, patient, twilio_post, word):
    inbound = receive(twilio_post, word)  # no task has run yet
    assert reload(patient).sms_opted_out_at is not None
    assert inbound.keyword == word.strip().strip(".").upper()


def test_stop_on_whatsapp_opts_out_of_whatsapp_only(db, whatsapp_patient, twilio_post):
    receive(twilio_post, "STOP", sender="whatsapp:+919876500002")
    whatsapp_patient.refresh_from_db()
    assert whatsapp_patient.whatsapp_opted_out_at is not None
    assert whatsapp_patient.sms_opted_out_at is None


def test_stop_inside_a_sentence_is_just_a_message(db, patient, twilio_post):
    receive(twilio_post, "please stop the reminders for today")
    assert reload(patient).sms_opted_out_at is None


def test_nothing_is_sent_on_a_channel_after_stop(db, patient, twilio_post, outbox, deliver_all):
    deliver_all(receive, twilio_post, "STOP")
    # The caller's Patient instance is stale (loaded before the STOP): delivery checks again.
    message = deliver_all(message_send, patient=patient, kind="opt_in_confirmation", context={}, idempotency_key="a")
    assert reload(message).status == Status.BLOCKED
    assert outbox == []


@pytest.mark.parametrize("word", ["START", "unstop", "Yes"])
def test_start_words_opt_back_in(db, patient, twilio_post, word):
    patient.sms_opted_out_at = timezone.now()
    patient.save()
    receive(twilio_post, word)
    assert reload(patient).sms_opted_out_at is None


def test_yes_from_someone_not_opted_out_is_an_ordinary_reply(db, patient, twilio_post, deliver_all):
    inbound = deliver_all(receive, twilio_post, "YES")
    inbound.refresh_from_db()
    assert inbound.keyword == ""
    assert Conversation.objects.get().unread_count == 1


def test_sms_stop_and_help_get_no_second_reply_while_twilio_answers_them(db, patient, twilio_post, outbox, deliver_all):
    deliver_all(receive, twilio_post, "HELP")
    deliver_all(receive, twilio_post, "STOP")
    assert outbox == []
    assert Conversation.objects.get().unread_count == 0


def test_sms_help_is_answered_when_twilio_auto_replies_are_off(db, patient, twilio_post, outbox, deliver_all, settings):
    settings.TWILIO_SMS_AUTO_REPLIES = False
    deliver_all(receive, twilio_post, "help")
    assert len(outbox) == 1
    assert settings.CLINIC_PHONE in outbox[0]["outbound"].body


def test_whatsapp_help_gets_the_help_reply_in_the_patients_language(db, twilio_post, outbox, deliver_all):
    PatientFactory(phone="+919876500003", language="hi", consent_whatsapp=True, preferred_channel="whatsapp")
    deliver_all(receive, twilio_post, "INFO", sender="whatsapp:+919876500003")
    sent = outbox[0]["outbound"]
    assert sent.to == "whatsapp:+919876500003"
    assert "सहायता" in sent.body


def test_whatsapp_start_is_confirmed(db, whatsapp_patient, twilio_post, outbox, deliver_all):
    whatsapp_patient.whatsapp_opted_out_at = timezone.now()
    whatsapp_patient.save()
    deliver_all(receive, twilio_post, "START", sender="whatsapp:+919876500002")
    assert len(outbox) == 1
    assert "again" in outbox[0]["outbound"].body


def test_a_lead_who_asks_for_help_on_whatsapp_gets_an_answer_without_recorded_consent(
    db, twilio_post, outbox, deliver_all
):
    deliver_all(receive, twilio_post, "HELP", sender="whatsapp:+919811111111")
    assert len(outbox) == 1


# --- replies to prompts ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def registered_handlers_are_left_as_found():
    """The registry is process-wide (the consults app registers the real C/R/X handler in ready()): a test
    that swaps a handler in and does not put the real one back breaks every later test of consult replies."""
    before = {kind: replies.reply_handler_for(kind) for kind in replies.registered_reply_kinds()}
    yield
    after = {kind: replies.reply_handler_for(kind) for kind in replies.registered_reply_kinds()}
    assert after == before, "a test left the reply-handler registry changed"


@contextlib.contextmanager
def reply_handler_swapped(kind, handler):
    """`handler` answers replies to `kind` inside the block; whatever was registered before (or nothing)
    is back afterwards, even when the block raises."""
    previous = replies.reply_handler_for(kind)
    replies.register_reply_handler(kind, handler)
    try:
        yield
    finally:
        if previous is None:
            replies.unregister_reply_handler(kind)
        else:
            replies.register_reply_handler(kind, previous)


@pytest.fixture
def use_reply_handler():
    """`use_reply_handler(kind, handler)` swaps `handler` in for this test only (reply_handler_swapped)."""
    with contextlib.ExitStack() as stack:
        yield lambda kind, handler: stack.enter_context(reply_handler_swapped(kind, handler))


def test_the_consults_apps_reminder_handler_is_registered():
    from consults.replies import consult_reminder_reply

    assert replies.reply_handler_for("consult_reminder") is consult_reminder_reply


def test_a_swapped_handler_is_put_back_even_when_the_test_fails():
    from consults.replies import consult_reminder_reply

    with pytest.raises(RuntimeError), reply_handler_swapped("consult_reminder", lambda *, inbound, prompt: True):
        raise RuntimeError("a failing test")
    assert replies.reply_handler_for("consult_reminder") is consult_reminder_reply


def test_a_handler_for_a_kind_nobody_handled_is_removed_afterwards():
    with reply_handler_swapped("consult_no_show", lambda *, inbound, prompt: True):
        pass
    assert replies.reply_handler_for("consult_no_show") is None


@pytest.fixture
def reminder_handler(use_reply_handler):
    calls = []

    def handle(*, inbound, prompt):
        calls.append((inbound.body, prompt.kind))
        return inbound.body.strip().upper() in {"C", "R", "X"}

    use_reply_handler("consult_reminder", handle)
    return calls


def send_reminder(patient, key="r1", **kwargs):
    message = message_send(
        patient=patient,
        kind="consult_reminder",
        idempotency_key=key,
        context={"starts_at": timezone.now() + dt.timedelta(days=1)},
        **kwargs,
    )
    Message.objects.filter(pk=message.pk).update(
        status=Status.DELIVERED, accepted_at=timezone.now(), twilio_sid=f"SM{key:0>32}"
    )
    return message


def test_reply_to_a_reminder_goes_to_its_handler_and_is_marked_handled(
    db, patient, twilio_post, deliver_all, reminder_handler
):
    send_reminder(patient)
    inbound = deliver_all(receive, twilio_post, "c")
    inbound.refresh_from_db()
    assert reminder_handler == [("c", "consult_reminder")]
    assert inbound.handled_by == "consult_reminder"
    assert inbound.seen_at is not None
    assert Conversation.objects.get().unread_count == 0


def test_reply_the_handler_does_not_understand_lands_unread(db, patient, twilio_post, deliver_all, reminder_handler):
    send_reminder(patient)
    inbound = deliver_all(receive, twilio_post, "what time is parking?")
    inbound.refresh_from_db()
    assert reminder_handler
    assert inbound.handled_by == ""
    assert inbound.seen_at is None
    assert Conversation.objects.get().unread_count == 1


def test_the_most_recent_registered_prompt_wins(
    db, patient, twilio_post, deliver_all, reminder_handler, use_reply_handler
):
    checkins = []
    use_reply_handler("call_clinic_now", lambda *, inbound, prompt: checkins.append(prompt.pk) or True)
    with time_machine.travel(timezone.now() - dt.timedelta(hours=2)):
        send_reminder(patient)
    newer = message_send(patient=patient, kind="call_clinic_now", context={}, idempotency_key="n")
    Message.objects.filter(pk=newer.pk).update(status=Status.SENT, accepted_at=timezone.now())
    deliver_all(receive, twilio_post, "C")
    assert checkins == [newer.pk]
    assert reminder_handler == []


def test_reply_after_the_reply_window_is_not_offered_to_the_handler(
    db, patient, twilio_post, deliver_all, reminder_handler, settings
):
    settings.MESSAGING_REPLY_WINDOW_HOURS = 48
    with time_machine.travel(timezone.now() - dt.timedelta(hours=49)):
        send_reminder(patient)
    deliver_all(receive, twilio_post, "C")
    assert reminder_handler == []
    assert Conversation.objects.get().unread_count == 1


def test_reply_on_another_channel_is_not_matched_to_the_prompt(
    db, whatsapp_patient, twilio_post, deliver_all, reminder_handler
):
    send_reminder(whatsapp_patient, channel="sms")
    deliver_all(receive, twilio_post, "C", sender="whatsapp:+919876500002")
    assert reminder_handler == []


def test_a_prompt_that_never_reached_the_patient_is_not_matched(
    db, patient, twilio_post, deliver_all, reminder_handler
):
    prompt = send_reminder(patient)
    Message.objects.filter(pk=prompt.pk).update(status=Status.FAILED)
    deliver_all(receive, twilio_post, "C")
    assert reminder_handler == []


def test_a_crashing_handler_leaves_the_message_unread_instead_of_losing_it(
    db, patient, twilio_post, deliver_all, use_reply_handler
):
    def broken(*, inbound, prompt):
        raise RuntimeError("bug in the consult app")

    use_reply_handler("consult_reminder", broken)
    send_reminder(patient)
    inbound = deliver_all(receive, twilio_post, "C")
    inbound.refresh_from_db()
    assert inbound.routed_at is not None
    assert inbound.seen_at is None
    assert Conversation.objects.get().unread_count == 1


def test_handler_may_answer_through_message_send(db, patient, twilio_post, outbox, deliver_all, use_reply_handler):
    def confirm(*, inbound, prompt):
        message_send(
            patient=inbound.patient,
            kind="opt_in_confirmation",
            context={},
            idempotency_key=f"confirm:{inbound.pk}",
            channel=inbound.channel,
            urgent=True,
        )
        return True

    use_reply_handler("consult_reminder", confirm)
    send_reminder(patient)
    deliver_all(receive, twilio_post, "C")
    assert len(outbox) == 1


def test_routing_runs_once_even_if_the_task_is_delivered_twice(db, patient, twilio_post, reminder_handler):
    send_reminder(patient)
    inbound = receive(twilio_post, "C")
    assert inbound_route(message_id=inbound.pk) == "handled:consult_reminder"
    assert inbound_route(message_id=inbound.pk) == "already-routed"
    assert len(reminder_handler) == 1


def test_unread_message_notifies_the_assignee_by_email_without_patient_data(db, twilio_post, deliver_all, settings):
    settings.MESSAGING_NOTIFY_BY_EMAIL = True
    coordinator = UserFactory(username="meera", email="meera@example.org")
    PatientFactory(phone="+919876500009", full_name="Secret Name", coordinator=coordinator)
    deliver_all(receive, twilio_post, "I have a fever", sender="+919876500009")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["meera@example.org"]
    assert "Secret Name" not in mail.outbox[0].body
    assert "fever" not in mail.outbox[0].body
    assert "/admin/messaging/conversation/" in mail.outbox[0].body


def test_sweeper_routes_messages_whose_task_was_lost(
    db, patient, twilio_post, run_tasks, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ

    from messaging.delivery import messages_sweep

    inbound = receive(twilio_post, "hello")  # on-commit never ran: the routing task was never queued
    assert not OrmQ.objects.exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert messages_sweep() == "recovered=0 dispatched=0 rerouted=1"
        run_tasks()
    inbound.refresh_from_db()
    assert inbound.routed_at is not None
    assert Conversation.objects.get().unread_count == 1
