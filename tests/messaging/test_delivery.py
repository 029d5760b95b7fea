import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_q.models import OrmQ, Task

from messaging.backends import LocmemBackend, PermanentSendError, TransientSendError
from messaging.delivery import (
    message_claim,
    message_deliver,
    message_mark_attempt,
    messages_sweep,
    retry_delay,
)
from messaging.models import Conversation, Message, Status, WhatsAppTemplate
from messaging.services import message_send
from messaging.twilio_errors import reason_for
from patients.models import Patient

START = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: not an Exception, so no handler of ours sees it."""


def send(patient, key="k", **kwargs):
    return message_send(patient=patient, kind="help_reply", context={}, idempotency_key=key, **kwargs)


def later(seconds: int):
    return time_machine.travel(START + dt.timedelta(seconds=seconds))


@pytest.fixture
def at_start():
    with time_machine.travel(START) as traveller:
        yield traveller


def test_queued_message_is_delivered_by_the_task_queue(db, patient, outbox, commit, run_tasks):
    with commit():
        message = send(patient)
    tasks = run_tasks()
    message.refresh_from_db()
    assert [task["result"] for task in tasks] == ["accepted"]
    assert Task.objects.get().success
    assert not OrmQ.objects.exists()
    assert message.status == Status.ACCEPTED
    assert message.twilio_sid.startswith("SM")
    assert len(outbox) == 1
    sent = outbox[0]["outbound"]
    assert sent.to == "+919876500001"
    assert sent.body == message.body
    assert sent.status_callback == f"https://clinic.example.org/messaging/twilio/status/?m={message.pk}"


def test_whatsapp_template_is_sent_with_content_sid_and_variables(db, whatsapp_patient, outbox, commit, run_tasks):
    WhatsAppTemplate.objects.create(
        kind="help_reply", language="en", content_sid="HX" + "b" * 32, variables={"1": "clinic_phone"}
    )
    with commit():
        send(whatsapp_patient, channel="whatsapp")
    run_tasks()
    sent = outbox[0]["outbound"]
    assert (sent.to, sent.content_sid, sent.body) == ("whatsapp:+919876500002", "HX" + "b" * 32, "")
    assert sent.content_variables == {"1": "+91 80 4000 1234"}


def test_transient_failure_is_retried_later_with_backoff(db, patient, outbox, at_start):
    message = send(patient)
    LocmemBackend.script.append(("before", TransientSendError("20429", "Twilio asked us to slow down.")))
    assert message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.attempts == 1
    assert message.error_code == "20429"
    assert START + dt.timedelta(seconds=15) <= message.not_before <= START + dt.timedelta(seconds=30)
    assert message.send_started_at is None  # Twilio refused it outright: no doubt to reconcile
    assert message_deliver(message_id=message.pk) == "skipped"  # not due yet
    with later(31):
        assert message_deliver(message_id=message.pk) == "accepted"
    assert len(outbox) == 1


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.MESSAGING_RETRY_BASE_SECONDS = 30
    settings.MESSAGING_RETRY_MAX_SECONDS = 600
    for attempt, ceiling in [(1, 30), (2, 60), (3, 120), (6, 600), (10, 600)]:
        delays = {retry_delay(attempt).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(delays) > 1  # jittered


def test_gives_up_after_the_configured_number_of_attempts(db, patient, outbox, settings, at_start):
    settings.MESSAGING_MAX_ATTEMPTS = 2
    message = send(patient)
    LocmemBackend.script.extend([("before", TransientSendError("network", "down"))] * 2)
    assert message_deliver(message_id=message.pk) == "retry"
    with later(3600):
        assert message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "Gave up after 2 tries" in message.status_reason
    assert outbox == []


@pytest.mark.parametrize(
    ("code", "reason"),
    [("21211", "not valid"), ("21614", "not a mobile phone"), ("63016", "approved template")],
)
def test_permanent_failure_is_never_retried(db, patient, outbox, code, reason):
    message = send(patient)
    LocmemBackend.script.append(("before", PermanentSendError(code, reason_for(code))))
    assert message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert (message.status, message.error_code) == (Status.FAILED, code)
    assert reason in message.status_reason
    with later(10**6):
        messages_sweep()
        assert message_deliver(message_id=message.pk) == "skipped"
    assert outbox == []


def test_unsubscribed_error_records_the_opt_out(db, patient):
    message = send(patient)
    LocmemBackend.script.append(("before", PermanentSendError("21610", "unsubscribed")))
    message_deliver(message_id=message.pk)
    patient.refresh_from_db()
    assert patient.sms_opted_out_at is not None


def test_opt_out_after_queueing_stops_the_send(db, patient, outbox):
    message = send(patient)
    Patient.objects.filter(pk=patient.pk).update(sms_opted_out_at=timezone.now())
    assert message_deliver(message_id=message.pk) == "blocked"
    message.refresh_from_db()
    assert message.status == Status.BLOCKED
    assert "opted out of SMS" in message.status_reason
    assert outbox == []


def test_window_closing_before_delivery_switches_to_the_template(db, whatsapp_patient, outbox):
    WhatsAppTemplate.objects.create(kind="help_reply", language="en", content_sid="HX" + "c" * 32, variables={})
    Conversation.objects.create(patient=whatsapp_patient, last_whatsapp_inbound_at=timezone.now())
    message = send(whatsapp_patient)
    assert (message.channel, message.used_template) == ("whatsapp", False)
    Conversation.objects.update(last_whatsapp_inbound_at=timezone.now() - dt.timedelta(hours=25))
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.used_template
    assert outbox[0]["outbound"].content_sid == "HX" + "c" * 32


def test_retry_landing_in_quiet_hours_waits_for_morning(db, patient, outbox, settings):
    settings.MESSAGING_QUIET_HOURS_START, settings.MESSAGING_QUIET_HOURS_END = "21:00", "08:00"
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):  # 14:30 in Kolkata
        message = message_send(patient=patient, kind="opt_in_confirmation", context={}, idempotency_key="n")
    with time_machine.travel(dt.datetime(2026, 3, 10, 16, 0, tzinfo=dt.UTC), tick=False):  # 21:30
        assert message_deliver(message_id=message.pk) == "deferred"
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.attempts == 0
    assert message.not_before == dt.datetime(2026, 3, 11, 2, 30, tzinfo=dt.UTC)  # 08:00 Kolkata
    assert outbox == []


def test_two_workers_cannot_both_claim_a_message(db, patient):
    message = send(patient)
    assert message_claim(message_id=message.pk) is not None
    assert message_claim(message_id=message.pk) is None


def test_a_message_with_a_sid_is_never_sent_again(db, patient, outbox):
    message = send(patient)
    Message.objects.filter(pk=message.pk).update(twilio_sid="SM" + "9" * 32)  # status left "queued" on purpose
    assert message_deliver(message_id=message.pk) == "skipped"
    with later(10**6):
        messages_sweep()
    assert outbox == []


# --- a worker killed between steps ------------------------------------------------------------


def test_killed_after_claim_before_sending_is_recovered_and_sent_once(db, patient, outbox, at_start, run_tasks):
    message = send(patient)
    assert message_claim(message_id=message.pk)  # ... and the worker dies here
    with later(299):
        assert messages_sweep() == "recovered=0 dispatched=0 rerouted=0"
    with later(301):
        assert messages_sweep().startswith("recovered=1 dispatched=1")
        run_tasks()
    message.refresh_from_db()
    assert message.status == Status.ACCEPTED
    assert len(outbox) == 1


def test_killed_after_the_marker_before_twilio_heard_sends_once_after_asking(
    db, patient, outbox, at_start, monkeypatch
):
    message = send(patient)
    claimed, token = message_claim(message_id=message.pk)
    assert message_mark_attempt(claimed, token)  # ... and the worker dies before the HTTP request
    asked = []
    real_find = LocmemBackend.find_accepted

    def find_accepted(self, *args, **kwargs):
        asked.append(1)
        return real_find(self, *args, **kwargs)

    monkeypatch.setattr(LocmemBackend, "find_accepted", find_accepted)
    with later(301):
        messages_sweep()
        assert message_deliver(message_id=message.pk) == "accepted"
    assert asked == [1]
    assert len(outbox) == 1


def test_an_unknown_outcome_is_not_checked_until_twilio_has_surely_answered(db, patient, outbox, at_start, settings):
    settings.MESSAGING_RECONCILE_AFTER_SECONDS = 120
    message = send(patient)
    claimed, token = message_claim(message_id=message.pk)
    message_mark_attempt(claimed, token)
    Message.objects.filter(pk=message.pk).update(status=Status.QUEUED)  # as if a retry came at once
    with later(60):
        assert message_deliver(message_id=message.pk) == "waiting-to-reconcile"
    message.refresh_from_db()
    assert message.not_before == message.send_started_at + dt.timedelta(seconds=120)
    assert message.attempts == 1
    assert outbox == []


def test_killed_after_twilio_accepted_is_reconciled_not_sent_twice(db, patient, outbox, at_start):
    message = send(patient)
    LocmemBackend.script.append(("after", WorkerKilled()))
    with pytest.raises(WorkerKilled):
        message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENDING
    assert message.twilio_sid is None
    assert message.send_started_at
    with later(400):
        messages_sweep()
        assert message_deliver(message_id=message.pk) == "reconciled"
    message.refresh_from_db()
    assert len(outbox) == 1
    assert (message.status, message.twilio_sid) == (Status.ACCEPTED, outbox[0]["sid"])


def test_status_callback_fills_in_a_sid_the_dead_worker_never_stored(db, patient, outbox, at_start, twilio_post):
    message = send(patient)
    LocmemBackend.script.append(("after", WorkerKilled()))
    with pytest.raises(WorkerKilled):
        message_deliver(message_id=message.pk)
    sid = outbox[0]["sid"]
    response = twilio_post(f"/messaging/twilio/status/?m={message.pk}", {"MessageSid": sid, "MessageStatus": "sent"})
    assert response.status_code == 200
    message.refresh_from_db()
    assert (message.status, message.twilio_sid, message.send_started_at) == (Status.SENT, sid, None)
    with later(10**5):
        messages_sweep()
        assert message_deliver(message_id=message.pk) == "skipped"
    assert len(outbox) == 1


def test_ambiguous_timeout_is_reconciled_before_any_retry(db, patient, outbox, at_start):
    message = send(patient)
    # Twilio took it, but our side saw a read timeout.
    LocmemBackend.script.append(("after", TransientSendError("network", "timeout", ambiguous=True)))
    assert message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.send_started_at is not None
    with later(3600):
        assert message_deliver(message_id=message.pk) == "reconciled"
    assert len(outbox) == 1


def test_unconfirmed_after_the_last_attempt_fails_with_a_plain_reason(db, patient, outbox, settings, at_start):
    settings.MESSAGING_MAX_ATTEMPTS = 1
    message = send(patient)
    LocmemBackend.script.append(("before", TransientSendError("network", "timeout", ambiguous=True)))
    assert message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.error_code == "unconfirmed"
    assert "may or may not have been sent" in message.status_reason


def test_sweeper_dispatches_deferred_messages_when_due(db, patient, outbox, at_start, run_tasks):
    message = send(patient, not_before=START + dt.timedelta(hours=2))
    assert messages_sweep() == "recovered=0 dispatched=0 rerouted=0"
    with later(2 * 3600):
        assert messages_sweep() == "recovered=0 dispatched=1 rerouted=0"
        assert messages_sweep() == "recovered=0 dispatched=0 rerouted=0"  # already dispatched
        run_tasks()
    message.refresh_from_db()
    assert message.status == Status.ACCEPTED


def test_sweeper_redispatches_a_task_the_broker_lost(db, patient, outbox, at_start, commit, run_tasks):
    with commit():
        send(patient)
    OrmQ.objects.all().delete()  # Redis lost it, say
    with later(301):
        assert messages_sweep() == "recovered=0 dispatched=1 rerouted=0"
        run_tasks()
    assert len(outbox) == 1


def test_sweeper_schedule_is_run_by_django_q_scheduler_every_minute(db, patient, outbox, run_tasks):
    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    schedule = Schedule.objects.get(func="messaging.tasks.sweep")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)
    send(patient)  # its task was never queued (no commit in this test): only the sweeper can send it
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        scheduler(broker=get_broker())
        results = run_tasks()
        results += run_tasks()
    # Other apps' schedules (consult reminders) run in the same tick; only ours matter here.
    ours = [task["func"] for task in results if task["func"].startswith("messaging.")]
    assert ours == ["messaging.tasks.sweep", "messaging.tasks.deliver"]
    assert len(outbox) == 1


def test_console_backend_prints_and_marks_sent(db, patient, settings, capsys, caplog):
    settings.MESSAGING_BACKEND = "console"
    message = send(patient)
    assert message_deliver(message_id=message.pk) == "accepted"
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.twilio_sid.startswith("CONSOLE")
    printed = capsys.readouterr().out
    assert "+919876500001" in printed
    assert message.body in printed
    assert "+919876500001" not in caplog.text
