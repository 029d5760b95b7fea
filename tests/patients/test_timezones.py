from datetime import UTC, date, datetime, time

import pytest

from patients.timezones import local_datetime, next_local_occurrence


def test_kolkata_has_a_fixed_offset():
    assert local_datetime(date(2026, 3, 29), time(9, 0), "Asia/Kolkata") == datetime(2026, 3, 29, 3, 30, tzinfo=UTC)


def test_london_morning_dose_follows_the_clock_across_spring_forward():
    before = local_datetime(date(2026, 3, 28), time(9, 0), "Europe/London")
    after = local_datetime(date(2026, 3, 29), time(9, 0), "Europe/London")
    assert before.astimezone(UTC).hour == 9  # GMT
    assert after.astimezone(UTC).hour == 8  # BST


def test_a_time_inside_the_spring_forward_gap_moves_forward():
    moved = local_datetime(date(2026, 3, 29), time(1, 30), "Europe/London")
    assert moved.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 BST


def test_a_time_inside_the_fall_back_overlap_fires_once_at_the_first_instant():
    first = local_datetime(date(2026, 11, 1), time(1, 30), "America/New_York")
    assert first.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    following = next_local_occurrence(time(1, 30), "America/New_York", after=first)
    assert following.date() == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("now_utc", "expected_utc"),
    [
        (datetime(2026, 6, 1, 2, 0, tzinfo=UTC), datetime(2026, 6, 1, 3, 30, tzinfo=UTC)),
        (datetime(2026, 6, 1, 3, 30, tzinfo=UTC), datetime(2026, 6, 2, 3, 30, tzinfo=UTC)),
        (datetime(2026, 6, 1, 20, 0, tzinfo=UTC), datetime(2026, 6, 2, 3, 30, tzinfo=UTC)),
    ],
)
def test_next_occurrence_is_strictly_after_now(now_utc, expected_utc):
    assert next_local_occurrence(time(9, 0), "Asia/Kolkata", after=now_utc) == expected_utc
