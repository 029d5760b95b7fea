from datetime import UTC, date, datetime, time, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation

from clinic.timezones import (
    clinic_today,
    display_zone,
    format_date,
    format_datetime,
    local_datetime,
    next_local_occurrence,
    utc_offset_label,
)


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


# --- how the console shows dates and times (issue 14) ----------------------------------------------

DEC_1_0400_UTC = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def test_a_date_reads_day_month_year():
    assert format_date(date(2026, 11, 30)) == "30 Nov 2026"


def test_a_single_digit_day_has_no_leading_zero():
    assert format_date(date(2026, 11, 5)) == "5 Nov 2026"


def test_a_date_time_shows_the_viewers_zone_abbreviation():
    with timezone.override(display_zone("Asia/Kolkata")):
        assert format_datetime(DEC_1_0400_UTC) == "1 Dec 2026, 09:30 IST"


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Europe/London", "1 Dec 2026, 04:00 GMT"),
        ("Asia/Dubai", "1 Dec 2026, 08:00 UTC+04:00"),
        ("Asia/Kathmandu", "1 Dec 2026, 09:45 UTC+05:45"),
        ("America/Sao_Paulo", "1 Dec 2026, 01:00 UTC-03:00"),
        ("UTC", "1 Dec 2026, 04:00 UTC"),
    ],
)
def test_a_zone_without_letters_reads_as_a_utc_offset(zone, shown):
    assert format_datetime(DEC_1_0400_UTC, zone) == shown


def test_london_in_summer_reads_bst():
    assert format_datetime(datetime(2026, 6, 1, 4, 0, tzinfo=UTC), "Europe/London") == "1 Jun 2026, 05:00 BST"


def test_the_date_time_format_setting_gives_the_same_text():
    """Django admin changelists use DATETIME_FORMAT with the active zone: the same as format_datetime."""
    with timezone.override(display_zone("Asia/Dubai")):
        assert formats.localize(timezone.template_localtime(DEC_1_0400_UTC)) == "1 Dec 2026, 08:00 UTC+04:00"


def test_the_date_format_setting_gives_the_same_text():
    assert formats.localize(date(2026, 11, 30)) == "30 Nov 2026"


def test_hindi_pages_get_the_same_patterns():
    with translation.override("hi"):
        assert formats.get_format("DATETIME_FORMAT") == "j M Y, H:i T"


def test_a_display_zone_keeps_its_name_for_the_database():
    assert display_zone("Asia/Dubai").tzname(None) is None


def test_a_display_zone_prints_as_its_name():
    assert str(display_zone("Europe/London")) == "Europe/London"


def test_an_unknown_zone_shows_the_clinic_zone():
    assert display_zone("Mars/Olympus").key == "Asia/Kolkata"


def test_offsets_read_hours_and_minutes():
    assert utc_offset_label(timedelta(hours=-9, minutes=-30)) == "UTC-09:30"


@pytest.mark.parametrize("typed", ["2026-11-28", "28/11/2026", "28-11-2026", "28 Nov 2026"])
def test_console_forms_read_indian_dates(typed):
    assert forms.DateField().clean(typed) == date(2026, 11, 28)


def test_console_forms_never_read_month_first():
    with pytest.raises(ValidationError):
        forms.DateField().clean("11/28/2026")


def test_the_clinic_day_does_not_follow_the_viewer():
    """23:30 in London on 30 Nov is already 1 Dec at the clinic: what is due "today" is the clinic's today."""
    late_in_london = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    with timezone.override(display_zone("Europe/London")):
        assert clinic_today(late_in_london) == date(2026, 12, 1)
