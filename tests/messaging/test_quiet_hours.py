import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from messaging.channels import next_allowed_time
from messaging.services import message_send
from tests.factories.people import PatientFactory

KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def quiet_nights(settings):
    settings.MESSAGING_QUIET_HOURS_START = "21:00"
    settings.MESSAGING_QUIET_HOURS_END = "08:00"


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2026, 3, 10, 20, 59), (2026, 3, 10, 20, 59)),  # before quiet hours
        ((2026, 3, 10, 21, 0), (2026, 3, 11, 8, 0)),  # starts: next morning
        ((2026, 3, 10, 23, 59), (2026, 3, 11, 8, 0)),  # before midnight
        ((2026, 3, 11, 0, 30), (2026, 3, 11, 8, 0)),  # after midnight: same morning
        ((2026, 3, 11, 7, 59), (2026, 3, 11, 8, 0)),
        ((2026, 3, 11, 8, 0), (2026, 3, 11, 8, 0)),  # the first allowed minute
    ],
)
def test_quiet_hours_cross_midnight_in_the_patients_zone(local, expected):
    at = dt.datetime(*local, tzinfo=KOLKATA).astimezone(dt.UTC)
    assert next_allowed_time(at, "Asia/Kolkata") == dt.datetime(*expected, tzinfo=KOLKATA)


def test_quiet_hours_follow_the_patients_zone_not_the_clinics():
    # 22:00 in Kolkata is 11:30 in New York (EST): fine for a patient there.
    at = dt.datetime(2026, 1, 15, 22, 0, tzinfo=KOLKATA)
    assert next_allowed_time(at, "America/New_York") == at
    assert next_allowed_time(at, "Asia/Kolkata") == dt.datetime(2026, 1, 16, 8, 0, tzinfo=KOLKATA)


def test_quiet_hours_across_a_daylight_saving_change():
    # New York springs forward on 8 March 2026: 08:00 that morning is EDT (UTC-4).
    at = dt.datetime(2026, 3, 7, 23, 0, tzinfo=NEW_YORK)
    assert next_allowed_time(at, "America/New_York") == dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)


def test_same_day_quiet_window(settings):
    settings.MESSAGING_QUIET_HOURS_START = "13:00"
    settings.MESSAGING_QUIET_HOURS_END = "14:00"
    at = dt.datetime(2026, 3, 10, 13, 30, tzinfo=KOLKATA)
    assert next_allowed_time(at, "Asia/Kolkata") == dt.datetime(2026, 3, 10, 14, 0, tzinfo=KOLKATA)


def test_equal_start_and_end_turns_quiet_hours_off(settings):
    settings.MESSAGING_QUIET_HOURS_END = "21:00"
    at = dt.datetime(2026, 3, 10, 23, 0, tzinfo=KOLKATA)
    assert next_allowed_time(at, "Asia/Kolkata") == at


@time_machine.travel(dt.datetime(2026, 3, 10, 22, 15, tzinfo=KOLKATA), tick=False)
def test_non_urgent_message_at_night_waits_for_morning_and_is_not_queued_yet(db):
    patient = PatientFactory(consent_sms=True)
    message = message_send(patient=patient, kind="help_reply", context={}, idempotency_key="u")
    deferred = message_send(patient=patient, kind="opt_in_confirmation", context={}, idempotency_key="n")
    assert message.not_before == dt.datetime(2026, 3, 10, 22, 15, tzinfo=KOLKATA)  # urgent kind
    assert deferred.not_before == dt.datetime(2026, 3, 11, 8, 0, tzinfo=KOLKATA)
    assert deferred.enqueued_at is None


@time_machine.travel(dt.datetime(2026, 3, 10, 22, 15, tzinfo=KOLKATA), tick=False)
def test_caller_can_mark_a_message_urgent(db):
    patient = PatientFactory(consent_sms=True)
    message = message_send(
        patient=patient,
        kind="consult_cancelled",
        idempotency_key="x",
        urgent=True,
        context={"starts_at": dt.datetime(2026, 3, 11, 9, 0, tzinfo=KOLKATA)},
    )
    assert message.not_before == dt.datetime(2026, 3, 10, 22, 15, tzinfo=KOLKATA)


@time_machine.travel(dt.datetime(2026, 3, 10, 12, 0, tzinfo=KOLKATA), tick=False)
def test_not_before_in_quiet_hours_moves_to_the_next_morning(db):
    patient = PatientFactory(consent_sms=True)
    message = message_send(
        patient=patient,
        kind="opt_in_confirmation",
        context={},
        idempotency_key="x",
        not_before=dt.datetime(2026, 3, 10, 23, 0, tzinfo=KOLKATA),
    )
    assert message.not_before == dt.datetime(2026, 3, 11, 8, 0, tzinfo=KOLKATA)
