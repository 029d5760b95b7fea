"""Slot arithmetic, free of database access: weekly availability → candidate times → free slots.

A slot grid starts at the beginning of each availability block and steps by consult length plus
buffer, so 09:00 with 20-minute consults and a 10-minute buffer offers 09:00, 09:30, 10:00…
Blocks are wall-clock times in the expert's zone; each block is turned into UTC on its own date,
so daylight-saving changes move the UTC times, never the expert's local hours.
"""

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True, slots=True)
class Slot:
    expert_id: int
    start: datetime  # UTC
    end: datetime  # UTC


@dataclass(frozen=True, slots=True)
class SlotRules:
    now: datetime
    min_notice: timedelta
    horizon: timedelta

    @property
    def earliest(self) -> datetime:
        return self.now + self.min_notice

    @property
    def latest(self) -> datetime:
        return self.now + self.horizon

    @classmethod
    def from_settings(cls, now: datetime | None = None) -> "SlotRules":
        return cls(
            now=now or timezone.now(),
            min_notice=timedelta(minutes=settings.CONSULT_MIN_NOTICE_MINUTES),
            horizon=timedelta(days=settings.CONSULT_HORIZON_DAYS),
        )


@dataclass(frozen=True, slots=True)
class Block:
    """One weekly availability block: weekday 0 = Monday, local wall-clock start and end."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class ExpertCalendar:
    """Everything slot computation needs about one expert, loaded up front."""

    expert_id: int
    time_zone: str
    length: timedelta
    buffer: timedelta
    blocks: Sequence[Block]
    time_off: Sequence[tuple[datetime, datetime]]
    # Active consults, sorted by start; they never overlap (the database guarantees it).
    busy: Sequence[tuple[datetime, datetime]]


class StartProblem(StrEnum):
    PAST = "past"
    TOO_SOON = "too_soon"
    BEYOND_HORIZON = "beyond_horizon"
    NOT_OFFERED = "not_offered"
    TAKEN = "taken"


def local_day_bounds(day_from: date, day_to: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC instants from the first moment of day_from to the end of day_to, in the viewer's zone."""
    start = datetime.combine(day_from, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day_to + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return start, end


def candidate_starts(calendar: ExpertCalendar, window_start: datetime, window_end: datetime) -> Iterator[datetime]:
    """Grid start times inside [window_start, window_end), in UTC and ascending, ignoring bookings."""
    tz = ZoneInfo(calendar.time_zone)
    step = calendar.length + calendar.buffer
    by_weekday: dict[int, list[Block]] = {}
    for block in sorted(calendar.blocks, key=lambda b: b.start):
        by_weekday.setdefault(block.weekday, []).append(block)
    # A day earlier than the window's local date covers blocks that began before midnight UTC.
    day = window_start.astimezone(tz).date() - timedelta(days=1)
    last_day = window_end.astimezone(tz).date()
    while day <= last_day:
        starts: set[datetime] = set()  # overlapping blocks must not offer a time twice
        for block in by_weekday.get(day.weekday(), ()):
            block_start = datetime.combine(day, block.start, tzinfo=tz).astimezone(UTC)
            block_end = datetime.combine(day, block.end, tzinfo=tz).astimezone(UTC)
            start = block_start
            while start + calendar.length <= block_end:
                if window_start <= start < window_end:
                    starts.add(start)
                start += step
        yield from sorted(starts)
        day += timedelta(days=1)


def _overlaps_any(start: datetime, end: datetime, periods: Iterable[tuple[datetime, datetime]]) -> bool:
    return any(p_start < end and p_end > start for p_start, p_end in periods)


class BusyIndex:
    """Answers "does [start, end) come within `buffer` of an active consult?" in O(log n)."""

    def __init__(self, busy: Sequence[tuple[datetime, datetime]], buffer: timedelta) -> None:
        self.starts = [b[0] for b in busy]
        self.ends = [b[1] for b in busy]
        self.buffer = buffer

    def blocks(self, start: datetime, end: datetime) -> bool:
        # First consult ending after start - buffer; with non-overlapping consults, ends are sorted.
        index = bisect_right(self.ends, start - self.buffer)
        return index < len(self.starts) and self.starts[index] < end + self.buffer


def free_slots(
    calendar: ExpertCalendar, *, window_start: datetime, window_end: datetime, rules: SlotRules
) -> list[Slot]:
    """Bookable slots of one expert in the window: on the grid, past notice, within horizon, not busy."""
    start_bound = max(window_start, rules.earliest)
    end_bound = min(window_end, rules.latest + timedelta(microseconds=1))
    if start_bound >= end_bound:
        return []
    busy = BusyIndex(calendar.busy, calendar.buffer)
    slots = []
    for start in candidate_starts(calendar, start_bound, end_bound):
        end = start + calendar.length
        if _overlaps_any(start, end, calendar.time_off) or busy.blocks(start, end):
            continue
        slots.append(Slot(calendar.expert_id, start, end))
    return slots


def start_problem(calendar: ExpertCalendar, start: datetime, rules: SlotRules) -> StartProblem | None:
    """Why `start` cannot be booked with this expert, or None when it is a free slot."""
    if start <= rules.now:
        return StartProblem.PAST
    if start < rules.earliest:
        return StartProblem.TOO_SOON
    if start > rules.latest:
        return StartProblem.BEYOND_HORIZON
    end = start + calendar.length
    on_grid = start in candidate_starts(calendar, start, start + timedelta(microseconds=1))
    if not on_grid or _overlaps_any(start, end, calendar.time_off):
        return StartProblem.NOT_OFFERED
    if BusyIndex(calendar.busy, calendar.buffer).blocks(start, end):
        return StartProblem.TAKEN
    return None


def merge_by_time(slot_lists: Iterable[Sequence[Slot]], expert_order: dict[int, int]) -> list[Slot]:
    """All experts' slots in one list, earliest first; ties follow the experts' display order."""
    merged = [slot for slots in slot_lists for slot in slots]
    merged.sort(key=lambda s: (s.start, expert_order.get(s.expert_id, 0)))
    return merged
