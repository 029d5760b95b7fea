from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

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


# Zones most of the clinic's patients and staff live in come first in the pickers.
COMMON_ZONES = [
    "Asia/Kolkata",
    "Asia/Dubai",
    "Asia/Singapore",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
]


def zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    common = [(name, name.replace("_", " ")) for name in COMMON_ZONES]
    return [("Common", common), ("All time zones", time_zone_choices())]


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


class DisplayZone(ZoneInfo):
    """A zone whose abbreviation always reads as one: "IST", "GMT", "BST", else "UTC+04:00".

    The tz database has no letter abbreviation for many zones (Asia/Dubai is "+04"); Django's "T"
    format shows whatever `tzname` says, so the console's one datetime format (DATETIME_FORMAT,
    config/formats/) gets "UTC+04:00" there from this class instead of a bare "+04".
    """

    def tzname(self, dt: datetime | None) -> str | None:
        name = super().tzname(dt)
        if dt is None or (name and name.isalpha()):
            # dt None: Django asks for the zone's name for the database (str(zone) is used when None).
            return name
        return utc_offset_label(self.utcoffset(dt) or timedelta(0))


def utc_offset_label(offset: timedelta) -> str:
    """timedelta(hours=5, minutes=30) -> "UTC+05:30"."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def display_zone(zone: tzinfo | str) -> tzinfo:
    """The DisplayZone for an IANA name or a ZoneInfo; an unknown name gives the clinic's zone, and any
    other tzinfo (a fixed offset such as datetime.UTC) is kept as it is."""
    if isinstance(zone, DisplayZone):
        return zone
    if isinstance(zone, str | ZoneInfo):
        name = zone if isinstance(zone, str) else zone.key
        return DisplayZone(name) if zone_or_none(name) is not None else DisplayZone(settings.TIME_ZONE)
    return zone


def clinic_zone() -> DisplayZone:
    """The clinic's own zone (settings.TIME_ZONE): its working day, schedules and reports."""
    return DisplayZone(settings.TIME_ZONE)


def clinic_today(now: datetime | None = None) -> date:
    """Today's date at the clinic, whichever zone the signed-in viewer has chosen to see times in.

    Clinical rules (what is overdue, what is due today, dates that may not lie in the future) count
    days at the clinic; only what a page shows follows the viewer's zone.
    """
    return timezone.localtime(now or timezone.now(), clinic_zone()).date()


def format_date(day: date) -> str:
    """'30 Nov 2026': the console's one date format (DATE_FORMAT), in the active language.

    A date-time gives its date in the viewer's zone.
    """
    if isinstance(day, datetime):
        day = timezone.localtime(day if timezone.is_aware(day) else timezone.make_aware(day, clinic_zone()))
    return formats.date_format(day, "DATE_FORMAT")


def format_day_range(first: date, last: date) -> str:
    """'5 Nov - 19 Nov 2026' (with an en dash; MONTH_DAY_FORMAT, then the date); both years when they differ."""
    start = formats.date_format(first, "MONTH_DAY_FORMAT") if first.year == last.year else format_date(first)
    return f"{start} – {format_date(last)}"


def format_datetime(moment: datetime, zone: tzinfo | str | None = None) -> str:
    """'30 Nov 2026, 10:00 IST': the console's one date-time format, in the viewer's zone unless `zone` is given.

    The viewer's zone is the active one (accounts.middleware.StaffTimeZoneMiddleware activates each
    staff member's own). Naive values are read as the clinic's zone.
    """
    return formats.date_format(_local(moment, zone), "DATETIME_FORMAT")


def format_time(moment: datetime, zone: tzinfo | str | None = None) -> str:
    """'10:00 IST': the time of day with the zone's abbreviation, for rows under a dated heading."""
    local = _local(moment, zone)
    return formats.date_format(local, "TIME_FORMAT") + f" {local.tzname()}"


def _local(moment: datetime, zone: tzinfo | str | None) -> datetime:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, clinic_zone())
    return moment.astimezone(display_zone(zone or timezone.get_current_timezone()))
