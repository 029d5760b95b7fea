from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError


def validate_time_zone(value: str) -> None:
    """An IANA zone name such as Asia/Kolkata."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a known time zone; use a name like Asia/Kolkata.")


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones()) if "/" in name]


def local_datetime(day: date, at: time, zone: str) -> datetime:
    """The aware instant of wall-clock `at` on `day` in `zone`.

    In a spring-forward gap (02:30 that never happens) the time moves forward by the gap;
    in a fall-back overlap the first of the two instants is used, so nothing fires twice.
    """
    tz = ZoneInfo(zone)
    # fold=0 reads a gap time with the offset from before the jump (so it lands later once
    # normalized) and an overlap time as its first occurrence: both are what patients expect.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).astimezone(tz)


def next_local_occurrence(at: time, zone: str, *, after: datetime) -> datetime:
    """The first instant strictly after `after` when the clock in `zone` shows `at`."""
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date()
    for offset in range(3):
        candidate = local_datetime(day + timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a wall-clock time recurs within two days")
