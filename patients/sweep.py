"""The nightly care sweep in resumable chunks: open tasks for what needs a coordinator, then roll
every monitoring schedule forward.

Each phase walks its rows in id order, CARE_SWEEP_CHUNK rows per transaction, so a crash or a
timeout loses at most one chunk's work and a rerun continues where the last one stopped (every step
is idempotent: `care_task_open` reuses the open task for a source, `monitoring_schedule_generate`
brings a schedule in line with its plan). `care_sweep_run` stops when its TaskBudget is spent and
returns a `SweepCursor` saying where to continue; patients/tasks.py queues that continuation.

Task phases come first: expiring authorisations and overdue items must become tasks every night,
whatever rolling 20,000 schedules forward costs (the slow part: 2-3 queries per record).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models, transaction

from clinic.tasks import TaskBudget
from clinic.timezones import format_date
from patients.models import (
    AssignmentStatus,
    CareRecord,
    InsurancePolicy,
    MonitoringItem,
    PriorAuthStatus,
    ResourceAssignment,
    TaskPriority,
    TaskSource,
    item_state_q,
)
from patients.models.monitoring import ItemState
from patients.services.monitoring import monitoring_schedule_apply, protocol_values
from patients.services.tasks import care_task_open

# Rows per transaction. A schedule chunk of 200 takes ~2 s on PostgreSQL; it must fit in what the
# task timeout leaves after CARE_SWEEP_SECONDS (settings keep at least half the timeout free).
CARE_SWEEP_CHUNK = 200


@dataclass(frozen=True)
class SweepContext:
    on: date
    values: dict[str, int]  # protocol values, read once per slice

    @property
    def auth_horizon(self) -> date:
        return self.on + timedelta(days=self.values["auth_reminder_days"])


def _expiring_policies(ctx: SweepContext) -> models.QuerySet:
    return InsurancePolicy.objects.filter(
        prior_auth_status=PriorAuthStatus.APPROVED, prior_auth_expires_on__lte=ctx.auth_horizon
    ).select_related("patient__coordinator")


def _open_authorisation_task(policy: InsurancePolicy, ctx: SweepContext) -> None:
    expired = policy.prior_auth_expires_on < ctx.on
    care_task_open(
        patient=policy.patient,
        priority=TaskPriority.URGENT if expired else TaskPriority.HIGH,
        title=f"Prior authorisation with {policy.payer} {'expired' if expired else 'expires'} "
        f"{format_date(policy.prior_auth_expires_on)}: renew",
        due=min(policy.prior_auth_expires_on, ctx.auth_horizon),
        source_kind=TaskSource.AUTHORISATION,
        source_id=policy.pk,
    )


def _overdue_items(ctx: SweepContext) -> models.QuerySet:
    return MonitoringItem.objects.filter(item_state_q(ItemState.OVERDUE, ctx.on)).select_related("patient__coordinator")


def _open_overdue_task(item: MonitoringItem, ctx: SweepContext) -> None:
    care_task_open(
        patient=item.patient,
        priority=TaskPriority.HIGH,
        due=ctx.on,
        title=f"Overdue: {item.get_kind_display()} was due {format_date(item.due_on)}",
        source_kind=TaskSource.MONITORING_ITEM,
        source_id=item.pk,
        detail=item.reason,
    )


def _due_resource_follow_ups(ctx: SweepContext) -> models.QuerySet:
    return ResourceAssignment.objects.filter(
        follow_up_on__lte=ctx.on, status__in=[AssignmentStatus.SUGGESTED, AssignmentStatus.REFERRED]
    ).select_related("patient__coordinator", "resource")


def _open_resource_task(assignment: ResourceAssignment, ctx: SweepContext) -> None:
    care_task_open(
        patient=assignment.patient,
        priority=TaskPriority.NORMAL,
        due=assignment.follow_up_on,
        title=f"Follow up: {assignment.resource} ({assignment.get_status_display().lower()})",
        source_kind=TaskSource.RESOURCE,
        source_id=assignment.pk,
    )


def _care_records(ctx: SweepContext) -> models.QuerySet:
    # The chunk's records are locked in this one query (what monitoring_schedule_generate does per
    # record), so each record then costs its qPCR history, its items and any insert: no savepoints.
    return CareRecord.objects.select_for_update(of=("self",)).select_related("patient")


def _regenerate_schedule(record: CareRecord, ctx: SweepContext) -> None:
    monitoring_schedule_apply(care_record=record, on=ctx.on, values=ctx.values)


@dataclass(frozen=True)
class Phase:
    name: str
    rows: Callable[[SweepContext], models.QuerySet]
    handle: Callable[[Any, SweepContext], None]


PHASES = (
    Phase("authorisation", _expiring_policies, _open_authorisation_task),
    Phase("monitoring_item", _overdue_items, _open_overdue_task),
    Phase("resource", _due_resource_follow_ups, _open_resource_task),
    Phase("schedules", _care_records, _regenerate_schedule),
)
PHASE_NAMES = tuple(phase.name for phase in PHASES)


@dataclass(frozen=True)
class SweepCursor:
    """Where a sweep stopped: the phase, and the last row id it finished in that phase."""

    on: date
    phase: str
    after_id: int


def _chunk(phase: Phase, ctx: SweepContext, after_id: int) -> list[Any]:
    return list(phase.rows(ctx).filter(pk__gt=after_id).order_by("pk")[:CARE_SWEEP_CHUNK])


def care_sweep_run(
    *,
    on: date,
    start: SweepCursor | None = None,
    budget: TaskBudget | None = None,
    phases: tuple[str, ...] = PHASE_NAMES,
) -> tuple[dict[str, int], SweepCursor | None]:
    """Work through `phases` from `start` (the beginning when None) until done or the budget is spent.

    Returns rows handled per phase and the cursor to continue from (None when the sweep is finished).
    """
    ctx = SweepContext(on=on, values=protocol_values())
    done = dict.fromkeys(phases, 0)
    first = PHASE_NAMES.index(start.phase) if start else 0
    for index, phase in enumerate(PHASES[first:], start=first):
        if phase.name not in phases:
            continue
        after_id = start.after_id if start and index == first else 0
        while True:
            if budget is not None and budget.spent():
                return done, SweepCursor(on=on, phase=phase.name, after_id=after_id)
            with transaction.atomic():  # one transaction per chunk (read, lock, write): a failure loses it only
                rows = _chunk(phase, ctx, after_id)
                for row in rows:
                    phase.handle(row, ctx)
            done[phase.name] += len(rows)
            if len(rows) < CARE_SWEEP_CHUNK:
                break
            after_id = rows[-1].pk
    return done, None
