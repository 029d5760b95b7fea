"""Reads of patient data that decide who may see what."""

from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import TypedDict, TypeVar, cast

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from clinic.roles import is_admin, is_coordinator, is_expert
from patients.models import (
    BreakGlassAccess,
    CareTask,
    CareTeamAssignment,
    InsurancePolicy,
    ItemState,
    ItemStatus,
    MonitoringItem,
    Patient,
    PriorAuthStatus,
    SymptomReport,
    TaskSource,
    item_state_q,
)
from patients.models.work import OPEN_TASK_STATUSES
from patients.visibility import visibility_rules

_M = TypeVar("_M", bound=Model)


class PkRow(TypedDict):
    pk: int


def expert_patient_ids(user: User, *, now: datetime | None = None) -> QuerySet[Patient, PkRow]:
    """Ids of the patients an expert is in a care relationship with right now (a subquery, not a list).

    A relationship another app registered (patients.visibility: consults' booked consult, upcoming or
    recently ended); an open care-team assignment; or an unexpired break-glass access.
    """
    now = now or timezone.now()
    registered = [Q(pk__in=rule(user, now)) for rule in visibility_rules()]
    by_team = Q(
        pk__in=CareTeamAssignment.objects.filter(
            member=user,
            started_at__lte=now,
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
        .values("patient_id")
    )
    by_break_glass = Q(
        pk__in=BreakGlassAccess.objects.filter(
            user=user,
            started_at__lte=now,
            expires_at__gt=now,
        ).values("patient_id")
    )
    return Patient.objects.filter(reduce(or_, [*registered, by_team, by_break_glass])).values("pk")


def patient_visibility_q(user: User | AnonymousUser, prefix: str = "") -> Q | None:
    """A filter for rows whose patient `user` may see (prefix e.g. "patient__"); None means all.

    Admins see everyone; coordinators see their own and unassigned patients; experts see the
    patients they are in a care relationship with now (`expert_patient_ids`); anyone else nobody.
    """
    if is_admin(user):
        return None
    rule = Q(pk__in=[])
    if is_coordinator(user):
        rule |= Q(**{f"{prefix}coordinator": user}) | Q(**{f"{prefix}coordinator__isnull": True})
    if is_expert(user):
        lookup = f"{prefix.removesuffix('__')}__in" if prefix else "pk__in"
        rule |= Q(**{lookup: expert_patient_ids(cast(User, user))})  # an expert is a signed-in User
    return rule


def patients_visible_to(user: User | AnonymousUser) -> QuerySet[Patient]:
    rule = patient_visibility_q(user)
    patients = Patient.objects.all()
    return patients if rule is None else patients.filter(rule)


def mine_q(user: User | AnonymousUser, prefix: str = "") -> Q:
    """ "Mine" on the dashboard and lists: patients I coordinate (experts: every patient they can see)."""
    if is_expert(user) and not is_coordinator(user) and not is_admin(user):
        return Q()
    return Q(**{f"{prefix}coordinator": user})


def visible(
    queryset: QuerySet[_M], user: User | AnonymousUser, *, prefix: str = "patient__", mine_only: bool = False
) -> QuerySet[_M]:
    """Limit rows of any patient-data model to what `user` may see (and to "mine" when asked)."""
    rule = patient_visibility_q(user, prefix=prefix)
    if rule is not None:
        queryset = queryset.filter(rule)
    return queryset.filter(mine_q(user, prefix)) if mine_only else queryset


def monitoring_items_due(*, on: date, days_before: int) -> QuerySet[MonitoringItem]:
    """Planned items falling due from `on` to `on + days_before` (inclusive), patient loaded; for reminders."""
    return (
        MonitoringItem.objects.filter(
            status=ItemStatus.PLANNED, due_on__gte=on, due_on__lte=on + timedelta(days=days_before)
        )
        .select_related("patient", "patient__coordinator")
        .order_by("due_on", "id")
    )


def monitoring_items_overdue(*, on: date) -> QuerySet[MonitoringItem]:
    """Planned items whose window closed before `on`, patient loaded, oldest first."""
    return (
        MonitoringItem.objects.filter(item_state_q(ItemState.OVERDUE, on))
        .select_related("patient", "patient__coordinator")
        .order_by("window_ends_on", "id")
    )


def urgent_symptoms_open() -> QuerySet[SymptomReport]:
    """Urgent reports whose escalation task is still open."""
    open_task = CareTask.objects.filter(
        source_kind=TaskSource.SYMPTOM, source_id=OuterRef("pk"), status__in=OPEN_TASK_STATUSES
    )
    return SymptomReport.objects.filter(is_urgent=True).filter(Exists(open_task))


def authorisations_expiring(*, on: date, days: int) -> QuerySet[InsurancePolicy]:
    """Approved prior authorisations that expire within `days` of `on`, or already have."""
    return InsurancePolicy.objects.filter(
        prior_auth_status=PriorAuthStatus.APPROVED, prior_auth_expires_on__lte=on + timedelta(days=days)
    )


def tasks_due(*, user: User, by: datetime, mine_only: bool) -> QuerySet[CareTask]:
    """Open tasks due by `by`; "mine" is assigned to me, or unassigned on my patients."""
    tasks = visible(CareTask.objects.filter(status__in=OPEN_TASK_STATUSES, due_at__lte=by), user)
    if mine_only:
        tasks = tasks.filter(Q(assignee=user) | Q(assignee__isnull=True, patient__coordinator=user))
    return tasks
