"""Reads for consults: slot lists with a fixed number of queries, staff consult lists, manage links."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import groupby
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connections
from django.db.models import BigIntegerField, Func, Q, QuerySet
from django.utils import timezone

from clinic.roles import is_admin, is_coordinator, is_expert
from consults.models import MAX_CONSULT_MINUTES, Consult, ConsultStatus, Expert, TimeOff, WeeklyAvailability
from consults.slots import Block, ExpertCalendar, Slot, SlotList, SlotRules, free_starts, local_day_bounds
from messaging.models import Direction, Status
from patients.models import Channel
from patients.selectors import patient_visibility_q
from patients.visibility import PatientIdRow


def expert_list_public() -> QuerySet[Expert]:
    return Expert.objects.filter(active=True).order_by("sort_order", "display_name", "id")


def experts_matching(*, topic: str | None = None, language: str | None = None) -> list[Expert]:
    """Active experts who take the topic and speak the language (both optional); one query."""
    # Topics and languages are short JSON lists on a handful of rows: filtering in Python keeps
    # this identical on SQLite and PostgreSQL.
    return [expert for expert in expert_list_public() if expert.takes(topic=topic, language=language)]


class EpochSeconds(Func):
    """A timestamp column as whole seconds since the epoch, rounded down (or up with `ceil=True`).

    Slot lists read thousands of consult times; ints straight from the database skip Django's
    aware-datetime parsing of each one (issue 11: ~270 ms for 20,000 timestamps).
    """

    output_field = BigIntegerField()
    arity = 1

    def __init__(self, expression: str, *, ceil: bool = False) -> None:
        super().__init__(expression)
        self.ceil = ceil

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        rounding = "CEIL" if self.ceil else "FLOOR"
        return self.as_sql(compiler, connection, template=f"{rounding}(EXTRACT(EPOCH FROM %(expressions)s))::bigint")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC text; strftime('%s') drops the fraction, and
        # comparing the text with its whole-second form adds 1 when a fraction was dropped.
        whole = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        template = f"({whole} + (%(expressions)s > datetime({whole}, 'unixepoch')))" if self.ceil else whole
        return self.as_sql(compiler, connection, template=template)


def _plain_rows(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The query's rows as the driver returns them: ints stay ints without Django's per-row converters."""
    if query.query.is_empty():  # e.g. `pk__in=[]` filters: Django would raise EmptyResultSet compiling it
        return []
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def active_consults_near(
    expert_ids: Sequence[int], *, window_start: datetime, window_end: datetime, margin: timedelta
) -> QuerySet[Consult]:
    """Active consults of the experts that reach into [window_start - margin, window_end + margin).

    The lower bound on `start` (a consult is never longer than MAX_CONSULT_MINUTES) lets the
    (expert, start) index skip the expert's past; `end > …` alone would read their whole history.
    """
    reach_from = window_start - margin
    return Consult.objects.filter(
        expert_id__in=expert_ids,
        start__gt=reach_from - timedelta(minutes=MAX_CONSULT_MINUTES),
        start__lt=window_end + margin,
        end__gt=reach_from,
    ).exclude(status=ConsultStatus.CANCELLED)


def expert_blocks(expert_id: int) -> list[Block]:
    """One expert's weekly hours."""
    return [
        Block(weekday, start, end)
        # order_by(): the model's default ordering would join the expert table to sort by its name.
        for weekday, start, end in WeeklyAvailability.objects.filter(expert_id=expert_id)
        .order_by()
        .values_list("weekday", "start_time", "end_time")
    ]


def expert_calendars(
    experts: Sequence[Expert],
    *,
    window_start: datetime,
    window_end: datetime,
    exclude_consult_ids: Sequence[int] = (),
) -> list[ExpertCalendar]:
    """Load availability, time off and bookings for all experts at once: three queries in total."""
    if not experts:
        return []
    ids = [expert.pk for expert in experts]
    max_buffer = timedelta(minutes=max(expert.buffer_minutes for expert in experts))
    blocks: dict[int, list[Block]] = defaultdict(list)
    # order_by() on both: the models' default ordering joins the expert table only to sort.
    for expert_id, weekday, start, end in (
        WeeklyAvailability.objects.filter(expert_id__in=ids)
        .order_by()
        .values_list("expert_id", "weekday", "start_time", "end_time")
    ):
        blocks[expert_id].append(Block(weekday, start, end))
    time_off: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for expert_id, off_start, off_end in (
        TimeOff.objects.filter(expert_id__in=ids, start__lt=window_end, end__gt=window_start)
        .order_by()
        .values_list("expert_id", "start", "end")
    ):
        time_off[expert_id].append((off_start, off_end))
    consults = (
        active_consults_near(ids, window_start=window_start, window_end=window_end, margin=max_buffer)
        .exclude(pk__in=exclude_consult_ids)
        .annotate(start_s=EpochSeconds("start"), end_s=EpochSeconds("end", ceil=True))
        .order_by("expert_id", "start")
        .values_list("expert_id", "start_s", "end_s")
    )
    busy: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for expert_id, group in groupby(_plain_rows(consults), key=itemgetter(0)):
        rows = list(group)
        busy[expert_id] = ([row[1] for row in rows], [row[2] for row in rows])
    return [
        ExpertCalendar(
            expert_id=expert.pk,
            time_zone=expert.time_zone,
            length=expert.consult_length,
            buffer=expert.buffer,
            blocks=blocks[expert.pk],
            time_off=time_off[expert.pk],
            busy_epochs=busy[expert.pk],
        )
        for expert in experts
    ]


def expert_calendar_around(
    expert: Expert, start: datetime, *, exclude_consult_ids: Sequence[int] = ()
) -> ExpertCalendar:
    """One expert's calendar for the day around `start` (enough to judge a single booking)."""
    return expert_calendars(
        [expert],
        window_start=start - timedelta(days=1),
        window_end=start + timedelta(days=1),
        exclude_consult_ids=exclude_consult_ids,
    )[0]


def slots_between(
    experts: Sequence[Expert], *, window_start: datetime, window_end: datetime, rules: SlotRules | None = None
) -> SlotList:
    """Free slots of the experts in the window, earliest first (ties in the experts' order); 3 queries.

    The answer holds ints and builds `Slot` objects only for what is read (a page), see SlotList.
    """
    rules = rules or SlotRules.from_settings()
    calendars = expert_calendars(experts, window_start=window_start, window_end=window_end)
    return SlotList(
        calendars,
        [free_starts(c, window_start=window_start, window_end=window_end, rules=rules) for c in calendars],
    )


def slots_for_days(
    experts: Sequence[Expert], *, day_from: date, day_to: date, tz: ZoneInfo, rules: SlotRules | None = None
) -> SlotList:
    """Free slots of the experts on the viewer's local days day_from..day_to (inclusive)."""
    window_start, window_end = local_day_bounds(day_from, day_to, tz)
    return slots_between(experts, window_start=window_start, window_end=window_end, rules=rules)


def next_free_slots(
    experts: Sequence[Expert], *, after: datetime, limit: int = 5, rules: SlotRules | None = None
) -> list[Slot]:
    """The first few free slots after a moment, looking up to the booking horizon."""
    rules = rules or SlotRules.from_settings()
    window_end = rules.latest + timedelta(minutes=1)
    # Look a week at a time: the usual answer is within days, and each pass is three queries.
    window_start = after
    found: list[Slot] = []
    while window_start < window_end and len(found) < limit:
        chunk_end = min(window_start + timedelta(days=7), window_end)
        chunk = slots_between(experts, window_start=window_start, window_end=chunk_end, rules=rules)
        found += chunk[: limit - len(found)]  # Slot objects only for what is kept
        window_start = chunk_end
    return found[:limit]


# --- staff lists -------------------------------------------------------------------------------


def expert_consult_patient_ids(user: User, now: datetime) -> QuerySet[Consult, PatientIdRow]:
    """The care relationship a consult creates, registered with patients.visibility (consults/apps.py):
    the patients of the expert's consults that are already booked, not cancelled, and upcoming or
    ended within EXPERT_ACCESS_RECENT_DAYS. A subquery of `patient_id`s, not a list."""
    recent = now - timedelta(days=settings.EXPERT_ACCESS_RECENT_DAYS)
    return (
        Consult.objects.filter(expert__user=user, created_at__lte=now, end__gte=recent)
        .exclude(status=ConsultStatus.CANCELLED)
        .values("patient_id")
    )


def consults_visible_to(user: User | AnonymousUser) -> QuerySet[Consult]:
    """Admins see every consult; coordinators those of patients they may see; experts their own, while
    they may see the patient."""
    base = Consult.objects.select_related("patient", "expert")
    if is_admin(user):
        return base
    rule = Q(pk__in=[])
    if is_coordinator(user):
        rule |= patient_visibility_q(user, prefix="patient__") or Q()
    if is_expert(user):
        # An expert sees their own consults, not colleagues' consults with the same patient, and only
        # while the care relationship lasts: a cancelled or long-past consult shows no patient details.
        rule |= Q(expert__user=user) & (patient_visibility_q(user, prefix="patient__") or Q())
    return base.filter(rule)


def consult_list_for_staff(
    *,
    user: User,
    expert_id: int | None = None,
    status: str | None = None,
    day: date | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
    tz: ZoneInfo | None = None,
) -> QuerySet[Consult]:
    consults = consults_visible_to(user)
    tz = tz or timezone.get_current_timezone()
    if expert_id is not None:
        consults = consults.filter(expert_id=expert_id)
    if status:
        consults = consults.filter(status=status)
    if day is not None:
        day_from = day_to = day
    if day_from is not None:
        consults = consults.filter(start__gte=local_day_bounds(day_from, day_from, tz)[0])
    if day_to is not None:
        consults = consults.filter(start__lt=local_day_bounds(day_to, day_to, tz)[1])
    return consults.order_by("start", "id")


# --- manage links -----------------------------------------------------------------------------


class LinkState(StrEnum):
    ACTIVE = "active"  # upcoming and changeable
    PAST = "past"  # already started or done: viewable, not changeable
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # too long ago: the link no longer shows anything
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ManageLink:
    state: LinkState
    consult: Consult | None


def consult_by_manage_token(token: str, *, now: datetime | None = None) -> ManageLink:
    """Find the consult behind a manage link and say what the patient may still do with it."""
    now = now or timezone.now()
    consult = (
        Consult.objects.select_related("expert", "patient").filter(manage_token=token).first()
        if 16 <= len(token) <= 64
        else None
    )
    if consult is None:
        return ManageLink(LinkState.UNKNOWN, None)
    if consult.end + timedelta(days=settings.CONSULT_MANAGE_LINK_DAYS) < now:
        return ManageLink(LinkState.EXPIRED, None)
    if consult.status == ConsultStatus.CANCELLED:
        return ManageLink(LinkState.CANCELLED, consult)
    if consult.status != ConsultStatus.CONFIRMED or consult.start <= now:
        return ManageLink(LinkState.PAST, consult)
    return ManageLink(LinkState.ACTIVE, consult)


class MessageOutcome(StrEnum):
    """What the patient's confirmation page may truthfully say about messages."""

    SENDING = "sending"  # queued or further: it is on its way on `channel`
    DECLINED = "declined"  # the patient agreed to no channel: we will not message them
    NOT_SENT = "not_sent"  # they agreed, but the message could not go (staff see why)


@dataclass(frozen=True)
class ConfirmationStatus:
    outcome: MessageOutcome
    channel: str = ""


def consult_confirmation_status(consult: Consult) -> ConfirmationStatus:
    """Read what actually happened to the booking confirmation, so the page never claims a message
    that was blocked, and says plainly when the patient asked for none."""
    patient = consult.patient
    sent = (
        consult.patient.messages.filter(
            direction=Direction.OUTBOUND, kind="consult_confirmation", topic=f"consult:{consult.pk}"
        )
        .exclude(status__in=(Status.BLOCKED, Status.CANCELED, Status.FAILED, Status.UNDELIVERED))
        .values_list("channel", flat=True)
        .first()
    )
    if sent:
        return ConfirmationStatus(MessageOutcome.SENDING, Channel(sent).label)
    if not (patient.can_receive(Channel.SMS) or patient.can_receive(Channel.WHATSAPP)):
        return ConfirmationStatus(MessageOutcome.DECLINED)
    return ConfirmationStatus(MessageOutcome.NOT_SENT)
