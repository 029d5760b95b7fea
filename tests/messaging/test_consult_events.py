"""Booking, rescheduling and cancelling a consult message the patient (consults emits, we send)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consults.services import consult_cancel, consult_reschedule
from consults.signals import consult_booked
from messaging.models import Message, Status
from messaging.services import message_send
from tests.factories.consults import ConsultFactory
from tests.factories.people import PatientFactory

KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def consult(db):
    patient = PatientFactory(full_name="Asha Consult", consent_sms=True, language="en")
    day = (timezone.now().astimezone(KOLKATA) + dt.timedelta(days=3)).date()
    return ConsultFactory(patient=patient, start=dt.datetime.combine(day, dt.time(10, 0), tzinfo=KOLKATA),
                          source="web")


def test_booking_sends_a_confirmation_with_the_manage_link(consult, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consult_booked.send(sender=type(consult), consult=consult)
    message = Message.objects.get(kind="consult_confirmation")
    assert message.topic == f"consult:{consult.pk}" and message.status == Status.QUEUED
    assert f"/c/{consult.manage_token}/" in message.body and consult.expert.display_name in message.body
    assert "10:00 AM" in message.body


def test_the_same_event_twice_sends_one_confirmation(consult):
    consult_booked.send(sender=type(consult), consult=consult)
    consult_booked.send(sender=type(consult), consult=consult)
    assert Message.objects.filter(kind="consult_confirmation").count() == 1


def test_cancelling_cancels_pending_messages_and_tells_the_patient(consult, django_capture_on_commit_callbacks):
    reminder = message_send(patient=consult.patient, kind="consult_reminder", context={"starts_at": consult.start},
                            idempotency_key="r", topic=f"consult:{consult.pk}",
                            not_before=consult.start - dt.timedelta(hours=24))
    with django_capture_on_commit_callbacks(execute=True):
        consult_cancel(consult=consult, reason="patient asked", source="web")
    reminder.refresh_from_db()
    assert reminder.status == Status.CANCELED
    notice = Message.objects.get(kind="consult_cancelled")
    assert notice.status == Status.QUEUED and "/book/" in notice.body


def test_rescheduling_moves_messages_to_the_new_time(consult, django_capture_on_commit_callbacks):
    old_reminder = message_send(patient=consult.patient, kind="consult_reminder", idempotency_key="r",
                                context={"starts_at": consult.start}, topic=f"consult:{consult.pk}",
                                not_before=consult.start - dt.timedelta(hours=24))
    with django_capture_on_commit_callbacks(execute=True):
        moved = consult_reschedule(consult=consult, new_start=consult.start + dt.timedelta(hours=1), source="web")
    old_reminder.refresh_from_db()
    assert old_reminder.status == Status.CANCELED
    notice = Message.objects.get(kind="consult_rescheduled")
    assert notice.topic == f"consult:{moved.pk}" and "11:00 AM" in notice.body


def test_a_messaging_failure_never_fails_the_booking(consult, monkeypatch, django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("messaging is down")

    monkeypatch.setattr("messaging.consult_events.message_send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = consult_cancel(consult=consult, source="web")
    assert cancelled.status == "cancelled"


def test_staff_changes_at_night_wait_for_the_patients_morning(consult, settings, django_capture_on_commit_callbacks):
    import time_machine

    settings.MESSAGING_QUIET_HOURS_START, settings.MESSAGING_QUIET_HOURS_END = "21:00", "08:00"
    night = dt.datetime.combine(consult.start.astimezone(KOLKATA).date() - dt.timedelta(days=1), dt.time(23, 0),
                                tzinfo=KOLKATA)
    with time_machine.travel(night), django_capture_on_commit_callbacks(execute=True):
        consult_cancel(consult=consult, source="staff")
    notice = Message.objects.get(kind="consult_cancelled")
    assert notice.not_before.astimezone(KOLKATA).time() == dt.time(8, 0)


def test_confirmation_carries_the_link_as_committed_not_as_first_built(consult, django_capture_on_commit_callbacks):
    from consults.models import Consult

    stale = Consult.objects.get(pk=consult.pk)
    Consult.objects.filter(pk=consult.pk).update(manage_token="fresh-token-after-booking-0123456789")
    consult_booked.send(sender=Consult, consult=stale)
    assert "/c/fresh-token-after-booking-0123456789/" in Message.objects.get(kind="consult_confirmation").body
