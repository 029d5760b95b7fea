"""Slot arithmetic, free of database access: weekly availability → candidate times → free slots.

A slot grid starts at the beginning of each availability block and steps by consult length plus
buffer, so 09:00 with 20-minute consults and a 10-minute buffer offers 09:00, 09:30, 10:00…
Blocks are wall-clock times in the expert's zone; each block is turned into UTC on its own date,
so daylight-saving changes move the UTC times, never the expert's local hours.

Hot path (issue 11): first available over 20 experts x 30 days is ~4,400 candidate times. They are
computed as whole seconds since the epoch per expert and day (ints compare and bisect far faster
than aware datetimes), merged across experts with `heapq`, and turned into `Slot` objects only
for the slice a page shows (`SlotList`). Seconds rather than minutes keep an off-grid staff
booking (10:00:30) exact.
"""

import heapq
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import islice, repeat
from typing import overload
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def epoch_floor(moment: datetime) -> int:
    """Whole seconds since the epoch, rounded down (exact: no float arithmetic)."""
    return (moment - EPOCH) // SECOND


def epoch_ceil(moment: datetime) -> int:
    """Whole seconds since the epoch, rounded up."""
    return -((EPOCH - moment) // SECOND)


def from_epoch(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


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
    busy: Sequence[tuple[datetime, datetime]] = ()
    # The same consults as epoch seconds (start floored, end ceiled), as the selector reads them
    # straight from the database; when given, `busy` is not consulted.
    busy_epochs: tuple[Sequence[int], Sequence[int]] | None = field(default=None)


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


class _Grid:
    """One expert's calendar in epoch seconds: candidate starts, busy and time-off checks."""

    def __init__(self, calendar: ExpertCalendar) -> None:
        self.tz = ZoneInfo(calendar.time_zone)
        self.length = epoch_ceil(EPOCH + calendar.length)
        self.buffer = epoch_ceil(EPOCH + calendar.buffer)
        self.step = self.length + self.buffer
        self.by_weekday: dict[int, list[Block]] = {}
        for block in sorted(calendar.blocks, key=lambda b: b.start):
            self.by_weekday.setdefault(block.weekday, []).append(block)
        self.time_off = [(epoch_floor(start), epoch_ceil(end)) for start, end in calendar.time_off]
        if calendar.busy_epochs is not None:
            self.busy_starts, self.busy_ends = calendar.busy_epochs
        else:
            self.busy_starts = [epoch_floor(start) for start, _ in calendar.busy]
            self.busy_ends = [epoch_ceil(end) for _, end in calendar.busy]

    def candidates(self, first: int, last: int, first_day: date, last_day: date) -> list[int]:
        """Grid starts s with first <= s <= last on the expert's local days first_day..last_day, ascending."""
        length, step = self.length, self.step
        found: list[int] = []
        day = first_day
        while day <= last_day:
            blocks = self.by_weekday.get(day.weekday(), ())
            day_starts: list[int] = []
            for block in blocks:
                block_start = epoch_ceil(datetime.combine(day, block.start, tzinfo=self.tz))
                block_end = epoch_floor(datetime.combine(day, block.end, tzinfo=self.tz))
                start = block_start
                if start < first:  # jump straight to the first grid time inside the window
                    start += -((block_start - first) // step) * step
                day_starts.extend(range(start, min(block_end - length, last) + 1, step))
            # Overlapping blocks must not offer a time twice.
            found.extend(sorted(set(day_starts)) if len(blocks) > 1 else day_starts)
            day += timedelta(days=1)
        return found

    def not_busy(self, starts: list[int]) -> list[int]:
        """The ascending `starts` that come within the buffer of no active consult, in one merge pass."""
        busy_starts, busy_ends, count = self.busy_starts, self.busy_ends, len(self.busy_starts)
        if not count:
            return starts
        reach, buffer = self.length + self.buffer, self.buffer
        free: list[int] = []
        index = 0
        for start in starts:
            # Skip consults that end (plus buffer) by this start; ends ascend as consults never overlap.
            while index < count and busy_ends[index] + buffer <= start:
                index += 1
            if index < count and busy_starts[index] < start + reach:
                continue
            free.append(start)
        return free

    def is_busy(self, start: int) -> bool:
        """Whether [start, start + length) comes within the buffer of an active consult (O(log n))."""
        # First consult ending after start - buffer; with non-overlapping consults, ends are sorted.
        index = bisect_right(self.busy_ends, start - self.buffer)
        return index < len(self.busy_starts) and self.busy_starts[index] < start + self.length + self.buffer

    def is_off(self, start: int) -> bool:
        end = start + self.length
        return any(off_start < end and off_end > start for off_start, off_end in self.time_off)

    def local_date(self, seconds: int) -> date:
        return from_epoch(seconds).astimezone(self.tz).date()


def free_starts(
    calendar: ExpertCalendar, *, window_start: datetime, window_end: datetime, rules: SlotRules
) -> list[int]:
    """Epoch seconds of the expert's bookable starts in the window, ascending."""
    first = epoch_ceil(max(window_start, rules.earliest))
    last = min(epoch_ceil(window_end) - 1, epoch_floor(rules.latest))
    if first > last:
        return []
    grid = _Grid(calendar)
    # A day earlier than the window's local date covers blocks that began before midnight UTC.
    candidates = grid.candidates(first, last, grid.local_date(first) - timedelta(days=1), grid.local_date(last))
    free = grid.not_busy(candidates)
    return [s for s in free if not grid.is_off(s)] if grid.time_off else free


def start_problem(calendar: ExpertCalendar, start: datetime, rules: SlotRules) -> StartProblem | None:
    """Why `start` cannot be booked with this expert, or None when it is a free slot."""
    if start <= rules.now:
        return StartProblem.PAST
    if start < rules.earliest:
        return StartProblem.TOO_SOON
    if start > rules.latest:
        return StartProblem.BEYOND_HORIZON
    grid = _Grid(calendar)
    seconds = epoch_floor(start)
    day = grid.local_date(seconds)
    on_grid = seconds == epoch_ceil(start) and seconds in grid.candidates(
        seconds, seconds, day - timedelta(days=1), day
    )
    if not on_grid or grid.is_off(seconds):
        return StartProblem.NOT_OFFERED
    if grid.is_busy(seconds):
        return StartProblem.TAKEN
    return None


class SlotList(Sequence[Slot]):
    """Several experts' free starts as one list, earliest first, ties in the experts' display order.

    Holds only ints; `Slot` objects are built for the items actually read, so a paginated answer
    over 4,400 free times builds one page of them. `len()` needs no merge at all.
    """

    def __init__(self, calendars: Sequence[ExpertCalendar], starts: Sequence[Sequence[int]]) -> None:
        self._calendars = calendars
        self._starts = starts
        self._lengths = [calendar.length for calendar in calendars]
        self._count = sum(len(s) for s in starts)

    def __len__(self) -> int:
        return self._count

    def _merged(self) -> Iterator[tuple[int, int]]:
        """(epoch start, calendar index) in slot order; heapq.merge reads each expert's list lazily."""
        return heapq.merge(*(zip(starts, repeat(index)) for index, starts in enumerate(self._starts) if starts))

    def _slot(self, seconds: int, index: int) -> Slot:
        start = from_epoch(seconds)
        return Slot(self._calendars[index].expert_id, start, start + self._lengths[index])

    def __iter__(self) -> Iterator[Slot]:
        return (self._slot(seconds, index) for seconds, index in self._merged())

    @overload
    def __getitem__(self, item: int) -> Slot: ...

    @overload
    def __getitem__(self, item: slice) -> list[Slot]: ...

    def __getitem__(self, item: int | slice) -> Slot | list[Slot]:
        if isinstance(item, slice):
            begin, stop, stride = item.indices(self._count)
            if stride != 1:
                return list(self)[item]
            return [self._slot(s, i) for s, i in islice(self._merged(), begin, max(begin, stop))]
        position = item + self._count if item < 0 else item
        if not 0 <= position < self._count:
            raise IndexError("slot index out of range")
        seconds, index = next(islice(self._merged(), position, None))
        return self._slot(seconds, index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SlotList | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, so unhashable like them

    def __repr__(self) -> str:
        return f"<SlotList of {self._count} slots>"
