from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError

# Dates people can mean. Anything outside is a typing slip, and date arithmetic near Python's own
# limits (years 1 and 9999) overflows, so such input is refused where it comes in.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_or_none(name: Any) -> ZoneInfo | None:
    """The IANA zone called `name`, or None for anything else; never raises.

    Checked against the zone list rather than by trying ZoneInfo(name): that raises OSError for
    names that are folders ("America") or too long for a file name, not only ZoneInfoNotFoundError.
    """
    if not isinstance(name, str) or name not in _known_zones():
        return None
    return ZoneInfo(name)


def validate_time_zone(value: str) -> None:
    """An IANA zone name such as Asia/Kolkata."""
    if zone_or_none(value) is None:
        raise ValidationError(f"{value!r} is not a known time zone; use a name like Asia/Kolkata.")


def is_plausible_date(value: date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


def plausible_instant(moment: datetime) -> datetime | None:
    """An aware instant as UTC, or None when it is naive or outside the plausible years."""
    if moment.tzinfo is None:
        return None
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        return None
    return utc if is_plausible_date(utc.date()) else None


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
