"""The weekly numbers on a small known clinic (tests/insights/conftest.py), one fact per assert."""

from datetime import date

import pytest

from insights import selectors
from insights.selectors import period_ending_this_week
from tests.insights.conftest import LAST_WEEK, THIS_WEEK, WEEK_OF_RESULTS

pytestmark = pytest.mark.django_db


def test_default_period_is_twelve_weeks_starting_on_a_monday(frozen_now):
    period = period_ending_this_week()
    assert period.first_monday == date(2026, 8, 31)
    assert period.last_day == date(2026, 11, 22)
    assert len(period.week_starts) == 12


def test_period_is_capped_at_fifty_two_weeks(frozen_now):
    assert period_ending_this_week(weeks=500).weeks == 52


def bookings(user, by: str) -> dict:
    """The user's bookings per week over the default period, counted by "topic" or by "source"."""
    return selectors.bookings_by_week(user=user, period=period_ending_this_week())[by]


def test_bookings_by_topic_count_what_alice_can_see(clinic, alice):
    topics = bookings(alice, "topic")
    assert topics[LAST_WEEK]["side_effects"] == 2
    assert topics[LAST_WEEK]["diet"] == 1


def test_booking_just_after_local_midnight_on_monday_falls_in_the_new_week(clinic, alice):
    topics = bookings(alice, "topic")
    assert topics[THIS_WEEK]["new_diagnosis"] == 1


def test_bookings_by_source(clinic, alice):
    sources = bookings(alice, "source")
    assert sources[LAST_WEEK]["web"] == 1
    assert sources[LAST_WEEK]["sms"] == 1
    assert sources[LAST_WEEK]["staff"] == 1


def test_admin_bookings_include_every_coordinators_patients(clinic, ada):
    topics = bookings(ada, "topic")
    assert topics[LAST_WEEK]["diet"] == 2


def test_consult_outcomes_for_a_coordinator(clinic, alice):
    outcomes = selectors.consult_outcomes_by_week(user=alice, period=period_ending_this_week())[LAST_WEEK]
    assert outcomes["scheduled"] == 3
    assert outcomes["completed"] == 1
    assert outcomes["no_show"] == 1
    assert outcomes["cancelled"] == 1


def test_other_coordinators_patients_are_left_out_of_outcomes(clinic, bob):
    outcomes = selectors.consult_outcomes_by_week(user=bob, period=period_ending_this_week())[LAST_WEEK]
    assert outcomes["scheduled"] == 1
    assert outcomes["no_show"] == 1


def test_first_reply_waits_fold_messages_before_one_reply_and_ignore_automatic_ones(clinic, alice):
    waits = selectors.first_reply_waits(user=alice, period=period_ending_this_week())[LAST_WEEK]
    assert sorted(w for w in waits if w is not None) == [10.0, 40.0, 120.0]


def test_an_unanswered_message_is_an_open_wait(clinic, alice):
    waits = selectors.first_reply_waits(user=alice, period=period_ending_this_week())[LAST_WEEK]
    assert waits.count(None) == 1


def test_percentiles_use_nearest_rank():
    assert selectors.percentile([10.0, 40.0, 120.0], 0.5) == 40.0
    assert selectors.percentile([10.0, 40.0, 120.0], 0.9) == 120.0
    assert selectors.percentile([], 0.5) is None


def test_message_problems_by_reason(clinic, alice):
    problems = selectors.message_problems(user=alice, period=period_ending_this_week())
    assert problems[0] == {
        "status": "blocked",
        "error_code": "",
        "status_reason": "Not sent: the patient has not agreed to SMS.",
        "messages": 2,
    }
    assert problems[1]["messages"] == 1
    assert len(problems) == 2


def test_dose_adherence_counts(clinic, alice):
    doses = selectors.dose_adherence_by_week(user=alice, period=period_ending_this_week())
    assert doses[LAST_WEEK]["taken"] == 3
    assert doses[LAST_WEEK]["missed"] == 1
    assert doses[LAST_WEEK]["not_confirmed"] == 1
    assert doses[THIS_WEEK]["pending"] == 1


def test_eln_assessments_by_sample_week(clinic, alice):
    assessments = selectors.eln_assessments_by_week(user=alice, period=period_ending_this_week())
    assert assessments[WEEK_OF_RESULTS]["optimal"] == 1
    assert assessments[WEEK_OF_RESULTS]["warning"] == 1


def test_bob_sees_no_results_of_alices_patients(clinic, bob):
    assert selectors.eln_assessments_by_week(user=bob, period=period_ending_this_week()) == {}
