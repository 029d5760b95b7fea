"""Reads behind the clinic insights page: weekly aggregates computed in the database.

Every selector runs one query whatever the data size (grouping and conditional counts happen in
SQL) and returns small dictionaries keyed by the Monday that starts each week in the clinic's time
zone (settings.TIME_ZONE). Rows are limited to the patients the viewer may see
(`patients.selectors.visible`, the console's own rule), so a coordinator's numbers never include another
coordinator's patients and no selector returns a patient's identity.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, DateField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from consults.models import Consult, ConsultStatus
from followups.models import DoseRecord, DoseStatus
from messaging.models import PROBLEM_STATUSES, Direction, Message
from patients.models import GeneticTest
from patients.models.labs import TestKind, TestStatus
from patients.selectors import visible

DEFAULT_WEEKS = 12
MAX_WEEKS = 52


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """Whole weeks (Monday to Sunday in the clinic's zone) ending with the current week."""

    first_monday: date
    weeks: int

    @property
    def week_starts(self) -> list[date]:
        return [self.first_monday + timedelta(weeks=n) for n in range(self.weeks)]

    @property
    def last_day(self) -> date:
        return self.first_monday + timedelta(weeks=self.weeks, days=-1)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first_monday, time.min, tzinfo=clinic_zone())

    @property
    def ends_at(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=clinic_zone())


def period_ending_this_week(*, weeks: int = DEFAULT_WEEKS, today: date | None = None) -> Period:
    """The last `weeks` weeks including the current (partial) one; `weeks` is clamped to 1..MAX_WEEKS."""
    weeks = min(max(weeks, 1), MAX_WEEKS)
    today = today or timezone.localdate(timezone=clinic_zone())
    this_monday = today - timedelta(days=today.weekday())
    return Period(first_monday=this_monday - timedelta(weeks=weeks - 1), weeks=weeks)


def _week(value: date | datetime) -> date:
    """TruncWeek gives a date for date columns and an aware datetime for datetime columns."""
    if isinstance(value, datetime):
        return timezone.localtime(value, clinic_zone()).date()
    return value


def _week_of(moment: datetime) -> date:
    local = timezone.localtime(moment, clinic_zone()).date()
    return local - timedelta(days=local.weekday())


def bookings_by_week(*, user: User, period: Period) -> dict[str, dict[date, Counter[str]]]:
    """Consults booked (by `created_at`) per week, counted by topic and by source, cancelled ones included."""
    rows = (
        visible(Consult.objects.all(), user)
        .filter(created_at__gte=period.starts_at, created_at__lt=period.ends_at)
        .annotate(week=TruncWeek("created_at", tzinfo=clinic_zone()))
        .values("week", "topic", "source")
        .annotate(booked=Count("id"))
        .order_by()
    )
    by_topic: dict[date, Counter[str]] = defaultdict(Counter)
    by_source: dict[date, Counter[str]] = defaultdict(Counter)
    # One row per (week, topic, source): at most 52 x 6 x 4, whatever the number of consults.
    for row in rows:
        week = _week(row["week"])
        by_topic[week][row["topic"]] += row["booked"]
        by_source[week][row["source"]] += row["booked"]
    return {"topic": dict(by_topic), "source": dict(by_source)}


def consult_outcomes_by_week(*, user: User, period: Period) -> dict[date, dict[str, int]]:
    """Consults per week of their start time: how many were scheduled, completed, missed, cancelled."""
    rows = (
        visible(Consult.objects.all(), user)
        .filter(start__gte=period.starts_at, start__lt=period.ends_at)
        .annotate(week=TruncWeek("start", tzinfo=clinic_zone()))
        .values("week")
        .annotate(
            scheduled=Count("id"),
            completed=Count("id", filter=Q(status=ConsultStatus.COMPLETED)),
            no_show=Count("id", filter=Q(status=ConsultStatus.NO_SHOW)),
            cancelled=Count("id", filter=Q(status=ConsultStatus.CANCELLED)),
        )
        .order_by()
    )
    return _by_week(rows)


def first_reply_waits(*, user: User, period: Period) -> dict[date, list[float | None]]:
    """Minutes from a patient's message to the first staff reply in that conversation, per week asked.

    A wait starts at the first inbound message that no staff reply has answered yet and ends at the
    next outbound message sent by a person (`sent_by` set; automatic reminders and replies do not
    count). Several patient messages before one reply are one wait. None marks a wait still open.
    """
    first_staff_reply = (
        Message.objects.filter(
            conversation=OuterRef("conversation"),
            direction=Direction.OUTBOUND,
            sent_by__isnull=False,
            created_at__gt=OuterRef("created_at"),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    waits = (
        visible(Message.objects.all(), user)
        .filter(direction=Direction.INBOUND, created_at__gte=period.starts_at, created_at__lt=period.ends_at)
        .annotate(replied_at=Subquery(first_staff_reply))
        # Grouping by (conversation, reply) folds the messages one reply answered into one wait.
        .values("conversation_id", "replied_at")
        .annotate(asked_at=Min("created_at"))
        .order_by()
    )
    by_week: dict[date, list[float | None]] = defaultdict(list)
    # One row per wait (already aggregated per reply), not per message; percentiles need the values.
    for wait in waits:
        replied_at = wait["replied_at"]
        minutes = (replied_at - wait["asked_at"]).total_seconds() / 60 if replied_at else None
        by_week[_week_of(wait["asked_at"])].append(minutes)
    return dict(by_week)


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (the median is fraction 0.5): always a value that was observed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def _by_week(rows: object) -> dict[date, dict[str, int]]:
    """Rows of `.values("week").annotate(...)` keyed by their week (the ORM types them as TypedDicts)."""
    return {_week(row.pop("week")): row for row in cast(Iterable[dict[str, Any]], rows)}


def message_problems(*, user: User, period: Period) -> list[dict[str, Any]]:
    """Outbound messages created in the period that were blocked, failed or undelivered, by reason."""
    return list(
        cast(
            Iterable[dict[str, Any]],
            visible(Message.objects.all(), user)
            .filter(
                direction=Direction.OUTBOUND,
                status__in=PROBLEM_STATUSES,
                created_at__gte=period.starts_at,
                created_at__lt=period.ends_at,
            )
            .values("status", "error_code", "status_reason")
            .annotate(messages=Count("id"))
            .order_by("-messages", "status", "error_code", "status_reason"),
        )
    )


def dose_adherence_by_week(*, user: User, period: Period) -> dict[date, dict[str, int]]:
    """Daily dose records per week of the dose's local date, counted by what the patient answered."""
    rows = (
        visible(DoseRecord.objects.all(), user)
        .filter(day__gte=period.first_monday, day__lte=period.last_day)
        .annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(**{status.value: Count("id", filter=Q(status=status)) for status in DoseStatus})
        .order_by()
    )
    return _by_week(rows)


def eln_assessments_by_week(*, user: User, period: Period) -> dict[date, Counter[str]]:
    """Resulted BCR::ABL1 tests per week of the sample date, counted by their ELN 2020 assessment."""
    sampled_on = Coalesce("collected_on", "resulted_on", output_field=DateField())
    rows = (
        visible(GeneticTest.objects.all(), user)
        .filter(kind=TestKind.BCR_ABL1_QPCR, status=TestStatus.RESULTED)
        .exclude(eln_assessment="")
        .annotate(sampled_on=sampled_on)
        .filter(sampled_on__gte=period.first_monday, sampled_on__lte=period.last_day)
        .annotate(week=TruncWeek("sampled_on"))
        .values("week", "eln_assessment")
        .annotate(tests=Count("id"))
        .order_by()
    )
    by_week: dict[date, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_week[_week(row["week"])][row["eln_assessment"]] += row["tests"]
    return dict(by_week)
