"""Booking, rescheduling and cancelling write the patient's message in the same transaction (outbox).

Moved from tests/messaging/test_consult_events.py when the messages moved from after-commit signal
receivers in messaging into consults/notifications.py.
"""

import datetime as dt

import pytest

from consults import notifications
from consults.models import Consult, ConsultStatus, Topic
from consults.services import (
    consult_book_for_public,
    consult_cancel,
    consult_mark_completed,
    consult_mark_no_show,
    consult_reschedule,
)
from messaging.backends import LocmemBackend
from messaging.delivery import messages_sweep
from messaging.models import Message, Status
from messaging.services import message_send
from patients.models import Patient
from tests.consults.conftest import NOW
from tests.consults.helpers import DEC_2, KOLKATA, ist
from tests.consults.helpers import details as intake
from tests.factories.consults import ExpertFactory
from tests.messaging.conftest import drain_queue

pytestmark = pytest.mark.django_db


class Crash(Exception):
    """Stands in for any failure inside the booking transaction after its message was written."""


class WorkerKilled(BaseException):
    """Stands in for SIGKILL after commit: not an Exception, so no handler of ours sees it."""


@pytest.fixture(autouse=True)
def _messaging(settings):
    settings.MESSAGING_BACKEND = "locmem"
    settings.MESSAGING_SMS_PER_SECOND = 0
    settings.MESSAGING_NOTIFY_BY_EMAIL = False
    LocmemBackend.reset()
    yield
    LocmemBackend.reset()


@pytest.fixture
def expert():
    return ExpertFactory()


def book(expert, start=None, *, key=None, phone="+919876500001"):
    return consult_book_for_public(
        details=intake(phone, consent_sms=True),
        expert=expert,
        start=start or ist(DEC_2, 10),
        topic=Topic.SIDE_EFFECTS,
        idempotency_key=key,
        request_fingerprint="fp" if key else "",
    )


@pytest.fixture
def consult(frozen, expert):
    return book(expert)


@pytest.fixture
def run_tasks(monkeypatch):
    """Drain the django-q2 queue through its real worker and monitor (see tests/messaging/conftest.py)."""
    for module in ("worker", "monitor", "scheduler"):
        monkeypatch.setattr(f"django_q.{module}.close_old_django_connections", lambda: None)
    return drain_queue


def crash_after(monkeypatch, name: str) -> None:
    real = getattr(notifications, name)

    def write_then_crash(**kwargs):
        real(**kwargs)
        assert Message.objects.exists()  # the message row was written inside the transaction ...
        raise Crash("... and the transaction fails after it")

    monkeypatch.setattr(f"consults.services.{name}", write_then_crash)


# --- what each change sends -------------------------------------------------------------------


def test_booking_queues_a_confirmation_with_the_manage_and_calendar_links(consult):
    message = Message.objects.get(kind="consult_confirmation")
    assert message.topic == f"consult:{consult.pk}"
    assert message.status == Status.QUEUED
    assert f"/c/{consult.manage_token}/" in message.body
    assert consult.expert.display_name in message.body
    assert "10:00 AM" in message.body


def test_the_confirmation_row_exists_before_commit(frozen, expert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        consult = book(expert)
        assert Message.objects.filter(topic=f"consult:{consult.pk}", kind="consult_confirmation").count() == 1
    assert len(callbacks) >= 1  # only the delivery task (and observers) wait for the commit


def test_cancelling_cancels_pending_messages_and_tells_the_patient(consult):
    reminder = message_send(
        patient=consult.patient,
        kind="consult_reminder",
        context={"starts_at": consult.start},
        idempotency_key="r",
        topic=f"consult:{consult.pk}",
        not_before=consult.start - dt.timedelta(hours=24),
    )
    consult_cancel(consult=consult, reason="patient asked", source="web")
    reminder.refresh_from_db()
    assert reminder.status == Status.CANCELED
    notice = Message.objects.get(kind="consult_cancelled")
    assert notice.status == Status.QUEUED
    assert "/book/" in notice.body


def test_rescheduling_moves_messages_to_the_new_time(consult):
    old_reminder = message_send(
        patient=consult.patient,
        kind="consult_reminder",
        idempotency_key="r",
        context={"starts_at": consult.start},
        topic=f"consult:{consult.pk}",
        not_before=consult.start - dt.timedelta(hours=24),
    )
    moved = consult_reschedule(consult=consult, new_start=ist(DEC_2, 11), source="web")
    old_reminder.refresh_from_db()
    assert old_reminder.status == Status.CANCELED
    notice = Message.objects.get(kind="consult_rescheduled")
    assert notice.topic == f"consult:{moved.pk}"
    assert "11:00 AM" in notice.body
    assert f"/c/{moved.manage_token}/" in notice.body


def test_completed_consult_thanks_the_patient(consult, frozen):
    frozen.move_to(ist(DEC_2, 10, 30))
    consult_mark_completed(consult=consult)
    assert Message.objects.filter(kind="consult_thanks", topic=f"consult:{consult.pk}:after").count() == 1


def test_no_show_offers_to_book_again(consult, frozen):
    frozen.move_to(ist(DEC_2, 10, 30))
    consult_mark_no_show(consult=consult)
    assert Message.objects.filter(kind="consult_no_show", topic=f"consult:{consult.pk}:after").count() == 1


def test_staff_changes_at_night_wait_for_the_patients_morning(consult, settings, frozen):
    settings.MESSAGING_QUIET_HOURS_START, settings.MESSAGING_QUIET_HOURS_END = "21:00", "08:00"
    frozen.move_to(dt.datetime.combine(DEC_2 - dt.timedelta(days=1), dt.time(23, 0), tzinfo=KOLKATA))
    consult_cancel(consult=consult, source="staff")
    notice = Message.objects.get(kind="consult_cancelled")
    assert notice.not_before.astimezone(KOLKATA).time() == dt.time(8, 0)


def test_patient_changes_at_night_are_answered_at_once(consult, settings, frozen):
    settings.MESSAGING_QUIET_HOURS_START, settings.MESSAGING_QUIET_HOURS_END = "21:00", "08:00"
    night = dt.datetime.combine(DEC_2 - dt.timedelta(days=1), dt.time(23, 0), tzinfo=KOLKATA)
    frozen.move_to(night)
    consult_cancel(consult=consult, source="web")
    assert Message.objects.get(kind="consult_cancelled").not_before == night


def test_without_sms_consent_the_confirmation_is_recorded_as_blocked(frozen, expert):
    consult = consult_book_for_public(details=intake(), expert=expert, start=ist(DEC_2, 10), topic=Topic.SIDE_EFFECTS)
    message = Message.objects.get(topic=f"consult:{consult.pk}")
    assert message.status == Status.BLOCKED


# --- one transaction: all or nothing ----------------------------------------------------------


def test_a_failure_after_the_confirmation_leaves_neither_consult_nor_message(frozen, expert, monkeypatch):
    crash_after(monkeypatch, "consult_notify_booked")
    with pytest.raises(Crash):
        book(expert)
    assert Consult.objects.count() == 0
    assert Message.objects.count() == 0
    assert not Patient.objects.filter(phone="+919876500001").exists()


def test_a_failure_after_the_new_time_message_leaves_the_consult_where_it_was(consult, monkeypatch):
    crash_after(monkeypatch, "consult_notify_rescheduled")
    with pytest.raises(Crash):
        consult_reschedule(consult=consult, new_start=ist(DEC_2, 11), source="web")
    assert list(Consult.objects.values_list("start", "status")) == [(ist(DEC_2, 10), ConsultStatus.CONFIRMED)]
    assert not Message.objects.filter(kind="consult_rescheduled").exists()


def test_a_failure_after_the_cancellation_notice_leaves_the_consult_booked(consult, monkeypatch):
    crash_after(monkeypatch, "consult_notify_cancelled")
    with pytest.raises(Crash):
        consult_cancel(consult=consult, source="web")
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.CONFIRMED
    assert not Message.objects.filter(kind="consult_cancelled").exists()


# --- killed after commit, before the delivery task ran ----------------------------------------


def kill_before_tasks(django_capture_on_commit_callbacks, change):
    """Commit `change`, then lose every on-commit callback (the process died before enqueueing)."""
    with django_capture_on_commit_callbacks(execute=False):
        return change()


@pytest.mark.parametrize("change", ["book", "reschedule", "cancel"])
def test_a_kill_after_commit_leaves_a_queued_row_that_the_sweeper_delivers(
    change, frozen, expert, django_capture_on_commit_callbacks, run_tasks
):
    if change == "book":
        kind = "consult_confirmation"
        kill_before_tasks(django_capture_on_commit_callbacks, lambda: book(expert))
    else:
        consult = book(expert)
        Message.objects.update(status=Status.SENT)  # the confirmation went out long ago
        if change == "reschedule":
            kind = "consult_rescheduled"
            kill_before_tasks(
                django_capture_on_commit_callbacks,
                lambda: consult_reschedule(consult=consult, new_start=ist(DEC_2, 11), source="web"),
            )
        else:
            kind = "consult_cancelled"
            kill_before_tasks(django_capture_on_commit_callbacks, lambda: consult_cancel(consult=consult, source="web"))
    assert Message.objects.get(kind=kind).status == Status.QUEUED
    frozen.move_to(NOW + dt.timedelta(minutes=10))  # past MESSAGING_SENDING_TIMEOUT_SECONDS
    assert messages_sweep().startswith("recovered=0 dispatched=1")
    frozen.shift(1)  # django-q2's ORM broker hands out tasks queued strictly before now
    run_tasks()
    assert Message.objects.get(kind=kind).status == Status.ACCEPTED
    assert len(LocmemBackend.outbox) == 1


# --- exactly one row per change ---------------------------------------------------------------


def test_an_idempotent_replay_of_a_booking_writes_no_second_confirmation(frozen, expert):
    first = book(expert, key="key-1")
    replay = book(expert, key="key-1")
    assert replay.pk == first.pk
    assert Message.objects.filter(kind="consult_confirmation").count() == 1


def test_a_replay_after_reschedule_writes_no_second_confirmation(frozen, expert):
    first = book(expert, key="key-1")
    consult_reschedule(consult=first, new_start=ist(DEC_2, 11), source="web")
    book(expert, key="key-1")
    assert Message.objects.filter(kind="consult_confirmation").count() == 1
    assert Message.objects.filter(kind="consult_rescheduled").count() == 1


def test_each_booking_has_exactly_one_confirmation(frozen, expert):
    consults = [book(expert, ist(DEC_2, 10 + hour), phone=f"+9198765000{10 + hour}") for hour in range(3)]
    for consult in consults:
        assert Message.objects.filter(topic=f"consult:{consult.pk}", kind="consult_confirmation").count() == 1


def test_cancelling_twice_writes_one_cancellation_notice(consult):
    consult_cancel(consult=consult, source="web")
    consult_cancel(consult=consult, source="web")
    assert Message.objects.filter(kind="consult_cancelled").count() == 1


def test_the_notification_is_idempotent_by_consult(consult):
    again = notifications.consult_notify_booked(consult=consult)
    assert Message.objects.filter(kind="consult_confirmation").count() == 1
    assert again.topic == f"consult:{consult.pk}"


def test_messaging_does_not_import_consults():
    import pathlib

    messaging = pathlib.Path(notifications.__file__).resolve().parents[1] / "messaging"
    offenders = [
        path.name
        for path in messaging.glob("*.py")
        if "from consults" in path.read_text() or "import consults" in path.read_text()
    ]
    assert offenders == []
