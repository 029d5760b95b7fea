"""How times are shown to patients: in their own zone, in words a person reads at a glance."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat

from clinic.timezones import zone_choices, zone_or_none  # noqa: F401 - zone_choices: consults.forms imports it here
from consults.slots import Slot


def zone_or_default(name: str | None) -> ZoneInfo:
    return zone_or_none(name) or ZoneInfo(settings.TIME_ZONE)


def time_label(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"


def day_label(day: date) -> str:
    # Django's date format names days and months in the page's language.
    return dateformat.format(day, "D j M")


def long_label(moment: datetime, tz: tzinfo) -> str:
    """'Tuesday 1 December 2026, 10:30 am (IST, Asia/Kolkata)'."""
    local = moment.astimezone(tz)
    return f"{dateformat.format(local, 'l j F Y')}, {time_label(local, tz)} ({local.tzname()}, {tz})"


@dataclass(frozen=True)
class SlotChoice:
    value: str  # "<expert id>@<UTC ISO start>": what the form posts back
    time: str
    expert_name: str


@dataclass(frozen=True)
class SlotDay:
    day: date
    label: str
    slots: list[SlotChoice]


def slot_value(slot: Slot) -> str:
    return f"{slot.expert_id}@{slot.start.astimezone(UTC).isoformat()}"


def group_by_day(
    slots: Sequence[Slot], tz: tzinfo, expert_names: dict[int, str], *, one_per_time: bool
) -> list[SlotDay]:
    """Slots as the patient's days; with `one_per_time`, one expert per start time (any expert)."""
    days: dict[date, list[SlotChoice]] = {}
    seen: set[datetime] = set()
    for slot in slots:
        if one_per_time:
            if slot.start in seen:
                continue
            seen.add(slot.start)
        local_day = slot.start.astimezone(tz).date()
        days.setdefault(local_day, []).append(
            SlotChoice(slot_value(slot), time_label(slot.start, tz), expert_names.get(slot.expert_id, ""))
        )
    return [SlotDay(day, day_label(day), choices) for day, choices in sorted(days.items())]
