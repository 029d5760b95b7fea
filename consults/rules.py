"""The checks every booking path shares: row locks, slot rules, and turning refusals into errors.

consults.services calls these inside its transactions; the admin form calls
`consult_check_staff_time` to show a readable error before saving.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.db.models import Count, Exists, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.errors import Busy, DomainError
from clinic.inserts import insert_unless_conflict
from clinic.timezones import LATEST_DATE, plausible_instant
from consults.constraints import is_overlap_violation
from consults.errors import SlotTaken
from consults.models import Consult, ConsultStatus, Expert, TimeOff, new_reference
from consults.selectors import (
    active_consults_near,
    expert_blocks,
    expert_calendar_around,
    experts_matching,
    next_free_slots,
)
from consults.slots import ExpertCalendar, SlotRules, StartProblem, start_problem

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class BookingChecks(TypedDict):
    """What `expert_locked_for_booking` annotates on the locked expert row."""

    upcoming_consults: int
    clashes: bool
    time_off_hit: bool


LockedExpert: TypeAlias = "WithAnnotations[Expert, BookingChecks]"

# Lazy: shown on the booking pages in the page's language (the API answers in English).
TAKEN_MESSAGE = _("Sorry, that time was just taken by someone else. Please choose another time.")
START_MESSAGES = {
    StartProblem.PAST: _("That time has already passed. Please choose a time from the list."),
    StartProblem.TOO_SOON: _("Consults need at least {notice} of notice. Please choose a later time."),
    StartProblem.BEYOND_HORIZON: _("You can book up to {horizon} days ahead. Please choose an earlier time."),
    StartProblem.NOT_OFFERED: _("That is not one of the expert's consult times. Please choose a time from the list."),
}


BUSY_MESSAGE = _("We are busy taking other bookings. Please try again in a moment.")


def _is_lock_timeout(error: OperationalError) -> bool:
    cause = getattr(error, "__cause__", None)
    # PostgreSQL lock_not_available (our lock_timeout), or SQLite's busy timeout running out.
    return getattr(cause, "sqlstate", "") == "55P03" or "database is locked" in str(error)


@contextmanager
def write_transaction() -> Iterator[None]:
    """One transaction for a check and its write; a lock not had in time becomes Busy (503), not a 500."""
    try:
        with transaction.atomic():
            yield
    except OperationalError as error:
        if _is_lock_timeout(error):
            raise Busy(BUSY_MESSAGE) from error
        raise


def lock_rows(*rows: tuple[type[models.Model], int]) -> None:
    """Lock rows in the given order (PostgreSQL); SQLite already runs one writer at a time.

    How long a lock may be waited for is the connection's lock_timeout (settings.DATABASES), set
    once per connection rather than by a SET in every transaction.
    """
    if connection.vendor != "postgresql":
        return
    for model, pk in rows:
        list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def _notice_text() -> str:
    minutes = settings.CONSULT_MIN_NOTICE_MINUTES
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def slot_taken_error(expert: Expert, start: datetime, topic: str | None) -> SlotTaken:
    """Build the 409 with the next free times: this expert first, then others taking the topic."""
    rules = SlotRules.from_settings()
    slots = next_free_slots([expert], after=start, limit=5, rules=rules)
    experts = {expert.pk: expert.display_name}
    if len(slots) < 3 and topic:
        others = [e for e in experts_matching(topic=topic) if e.pk != expert.pk]
        slots += next_free_slots(others, after=start, limit=5 - len(slots), rules=rules)
        experts.update({e.pk: e.display_name for e in others})
    return SlotTaken(TAKEN_MESSAGE, next_slots=slots, expert_names=experts)


def slot_visibly_taken(*, expert: Expert, start: datetime) -> bool:
    """Whether an active consult already covers `start`, read without a lock (one indexed EXISTS).

    A public booking asks this before its transaction, so a run of 409s for a popular time writes nothing,
    takes no lock and opens no transaction. "Free" proves nothing: the booking checks again under the
    expert's row lock, and the exclusion constraint (triggers on SQLite) backs both.
    """
    end = start + expert.consult_length
    return active_consults_near([expert.pk], window_start=start, window_end=end, margin=expert.buffer).exists()


def check_start(
    *, expert: Expert, start: datetime, topic: str | None, exclude_consult_ids: tuple[int, ...] = ()
) -> None:
    problem = start_problem(
        expert_calendar_around(expert, start, exclude_consult_ids=exclude_consult_ids), start, SlotRules.from_settings()
    )
    _raise_for(problem, expert=expert, start=start, topic=topic)


def _raise_for(problem: StartProblem | None, *, expert: Expert, start: datetime, topic: str | None) -> None:
    if problem is StartProblem.TAKEN:
        raise slot_taken_error(expert, start, topic)
    if problem is not None:
        message = START_MESSAGES[problem].format(notice=_notice_text(), horizon=settings.CONSULT_HORIZON_DAYS)
        raise DomainError(message, field="start")


def expert_locked_for_booking(*, expert: Expert, patient_phone: str, start: datetime, now: datetime) -> LockedExpert:
    """The expert's row, locked (PostgreSQL), read in the same statement as the booking's checks.

    Annotated with `upcoming_consults` (confirmed consults after `now` of every record with this phone:
    an unverified intake shares its phone with the patient's record), `clashes`
    (an active consult within the buffer of [start, start + length)) and `time_off_hit`, judged with
    the length and buffer of `expert` as the caller loaded it; `check_locked_start` re-checks the
    slow way if the locked row says otherwise.
    """
    end = start + expert.consult_length
    upcoming = (
        Consult.objects.filter(patient__phone=patient_phone, status=ConsultStatus.CONFIRMED, start__gt=now)
        .order_by()
        .values("patient__phone")
        .annotate(n=Count("pk"))
        .values("n")
    )
    clash = active_consults_near([expert.pk], window_start=start, window_end=end, margin=expert.buffer)
    off = TimeOff.objects.filter(expert_id=expert.pk, start__lt=end, end__gt=start)
    return (
        Expert.objects.select_for_update(of=("self",))
        .annotate(upcoming_consults=Coalesce(Subquery(upcoming), 0), clashes=Exists(clash), time_off_hit=Exists(off))
        .get(pk=expert.pk)
    )


def check_locked_start(*, locked: LockedExpert, judged_with: Expert, start: datetime, topic: str | None) -> None:
    """`check_start` from the annotations of `expert_locked_for_booking`: one query (the weekly hours)."""
    if (locked.consult_minutes, locked.buffer_minutes) != (judged_with.consult_minutes, judged_with.buffer_minutes):
        check_start(expert=locked, start=start, topic=topic)  # changed meanwhile: judge with the row as it is
        return
    end = start + locked.consult_length
    calendar = ExpertCalendar(
        expert_id=locked.pk,
        time_zone=locked.time_zone,
        length=locked.consult_length,
        buffer=locked.buffer,
        blocks=expert_blocks(locked.pk),
        time_off=[(start, end)] if locked.time_off_hit else [],
        busy=[(start, end)] if locked.clashes else [],
    )
    problem = start_problem(calendar, start, SlotRules.from_settings())
    if problem is StartProblem.TAKEN:
        # The next free times are looked up by `with_next_slots` once the transaction has ended:
        # a run of 409s for one popular time then does not queue on the expert's row lock.
        taken = SlotTaken(TAKEN_MESSAGE)
        taken.pending_offer = (locked, start, topic)
        raise taken
    _raise_for(problem, expert=locked, start=start, topic=topic)


def with_next_slots(taken: SlotTaken) -> SlotTaken:
    """A SlotTaken raised under the expert's lock, now carrying the next free times to offer."""
    pending = getattr(taken, "pending_offer", None)
    if pending is None:
        return taken
    expert, start, topic = pending
    return slot_taken_error(expert, start, topic)


def consult_check_staff_time(*, expert: Expert, start: datetime, exclude_consult_id: int | None = None) -> None:
    """Staff may book outside the published slots, but never in the past or over another consult.

    The admin form calls this to show a readable error; the booking services call it again inside
    their transaction, and the database constraint backs both.
    """
    if start <= timezone.now():
        raise DomainError(START_MESSAGES[StartProblem.PAST], field="start")
    if plausible_instant(start) is None:  # a typing slip like year 9999 would overflow below
        raise DomainError(f"Enter a time before {LATEST_DATE.year + 1}.", field="start")
    end = start + expert.consult_length
    overlapping = Consult.objects.filter(expert=expert, start__lt=end, end__gt=start).exclude(
        status=ConsultStatus.CANCELLED
    )
    if exclude_consult_id is not None:
        overlapping = overlapping.exclude(pk=exclude_consult_id)
    if overlapping.exists():
        raise SlotTaken(f"{expert.display_name} already has a consult at that time. Choose another time.")


def insert_consult(consult: Consult, *, topic: str | None) -> Consult:
    """Insert, turning the database's no-overlap refusal into SlotTaken; retries a rare reference clash.

    No savepoint around the insert (two round trips on PostgreSQL): the insert does nothing on a conflict
    instead of failing, so the transaction stays usable, and only then is the reason looked up. SQLite's
    overlap triggers still raise, which undoes that one statement and leaves the transaction usable too.
    """
    for _attempt in range(5):
        try:
            inserted = insert_unless_conflict(consult)
        except IntegrityError as error:
            if is_overlap_violation(error):
                raise slot_taken_error(consult.expert, consult.start, topic) from error
            raise
        if inserted:
            return consult
        if consult.idempotency_key and Consult.objects.filter(idempotency_key=consult.idempotency_key).exists():
            # A concurrent retry with the same key won: the caller answers with that consult.
            raise IntegrityError(f"consult idempotency_key {consult.idempotency_key!r} already used")
        if not Consult.objects.filter(reference=consult.reference).exists():
            raise slot_taken_error(consult.expert, consult.start, topic)  # the exclusion constraint refused it
        consult.reference = new_reference()
    raise IntegrityError("no free consult reference after 5 tries")
