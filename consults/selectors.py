"""Reads for consults: slot lists with a fixed number of queries, staff consult lists, manage links."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from consults.models import Consult, ConsultStatus, Expert, TimeOff, WeeklyAvailability
from consults.slots import Block, ExpertCalendar, Slot, SlotRules, free_slots, local_day_bounds, merge_by_time
from patients.roles import is_admin, is_coordinator, is_expert
from patients.selectors import patient_visibility_q


def expert_list_public() -> QuerySet[Expert]:
    return Expert.objects.filter(active=True).order_by("sort_order", "display_name", "id")


def experts_matching(*, topic: str | None = None, language: str | None = None) -> list[Expert]:
    """Active experts who take the topic and speak the language (both optional); one query."""
    # Topics and languages are short JSON lists on a handful of rows: filtering in Python keeps
    # this identical on SQLite and PostgreSQL.
    return [expert for expert in expert_list_public() if expert.takes(topic=topic, language=language)]


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
    for expert_id, weekday, start, end in WeeklyAvailability.objects.filter(expert_id__in=ids).values_list(
        "expert_id", "weekday", "start_time", "end_time"
    ):
        blocks[expert_id].append(Block(weekday, start, end))
    time_off: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for expert_id, start, end in TimeOff.objects.filter(
        expert_id__in=ids, start__lt=window_end, end__gt=window_start
    ).values_list("expert_id", "start", "end"):
        time_off[expert_id].append((start, end))
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    consults = (
        Consult.objects.filter(expert_id__in=ids, start__lt=window_end + max_buffer, end__gt=window_start - max_buffer)
        .exclude(status=ConsultStatus.CANCELLED)
        .exclude(pk__in=exclude_consult_ids)
        .order_by("expert_id", "start")
        .values_list("expert_id", "start", "end")
    )
    for expert_id, start, end in consults:
        busy[expert_id].append((start, end))
    return [
        ExpertCalendar(
            expert_id=expert.pk,
            time_zone=expert.time_zone,
            length=expert.consult_length,
            buffer=expert.buffer,
            blocks=blocks[expert.pk],
            time_off=time_off[expert.pk],
            busy=busy[expert.pk],
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
) -> list[Slot]:
    rules = rules or SlotRules.from_settings()
    calendars = expert_calendars(experts, window_start=window_start, window_end=window_end)
    order = {expert.pk: index for index, expert in enumerate(experts)}
    return merge_by_time(
        (free_slots(c, window_start=window_start, window_end=window_end, rules=rules) for c in calendars), order
    )


def slots_for_days(
    experts: Sequence[Expert], *, day_from: date, day_to: date, tz: ZoneInfo, rules: SlotRules | None = None
) -> list[Slot]:
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
        found.extend(slots_between(experts, window_start=window_start, window_end=chunk_end, rules=rules))
        window_start = chunk_end
    return found[:limit]


def booking_horizon_days() -> int:
    return settings.CONSULT_HORIZON_DAYS


# --- staff lists -------------------------------------------------------------------------------


def consults_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Consult]:
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
        rule |= Q(expert__user=user) & patient_visibility_q(user, prefix="patient__")
    return base.filter(rule)


def consult_list_for_staff(
    *,
    user: AbstractBaseUser,
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
    from messaging.models import Direction, Status
    from patients.models import Channel

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
