"""Care tasks: opened by rules (symptoms, results, overdue items, failed messages) or by hand."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from patients.audit import audit_record
from patients.models import AuditAction, CareTask, Patient, TaskPriority, TaskSource, TaskStatus
from patients.models.work import OPEN_TASK_STATUSES

PRIORITY_RANK: dict[str, int] = {
    TaskPriority.URGENT: 0,
    TaskPriority.HIGH: 1,
    TaskPriority.NORMAL: 2,
    TaskPriority.LOW: 3,
}


def due_datetime(due: date | datetime) -> datetime:
    """A task due on a date is due by the end of that day in the clinic's zone."""
    if isinstance(due, datetime):
        if timezone.is_naive(due):
            raise DomainError("Give the due time with its time zone.", field="due")
        return due
    return datetime.combine(due, time(23, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))


@transaction.atomic
def care_task_open(
    *,
    patient: Patient,
    title: str,
    priority: str,
    due: date | datetime,
    source_kind: str,
    source_id: int | None,
    assignee: User | None = None,
    detail: str = "",
) -> CareTask:
    """Open a task for what `source_kind`/`source_id` points at; returns the open one if it exists.

    Idempotent per open (source_kind, source_id): a second call never duplicates it, but may raise
    its priority and append the new detail. The assignee defaults to the patient's coordinator.
    """
    if priority not in TaskPriority.values:
        raise DomainError(f"Priority must be one of {', '.join(TaskPriority.values)}.", field="priority")
    if source_kind not in TaskSource.values:
        raise DomainError(f"Unknown task source {source_kind!r}.", field="source_kind")
    if not title.strip():
        raise DomainError("Give the task a title.", field="title")
    due_at = due_datetime(due)
    if source_id is not None:
        existing = (
            CareTask.objects.select_for_update()
            .filter(source_kind=source_kind, source_id=source_id, status__in=OPEN_TASK_STATUSES)
            .first()
        )
        if existing is not None:
            return _escalate(existing, priority=priority, due_at=due_at, detail=detail)
    task = CareTask(
        patient=patient,
        title=title[:200],
        detail=detail,
        priority=priority,
        due_at=due_at,
        assignee=assignee or patient.coordinator,
        source_kind=source_kind,
        source_id=source_id,
    )
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        # Another worker opened it between our check and insert: use theirs.
        existing = CareTask.objects.get(source_kind=source_kind, source_id=source_id, status__in=OPEN_TASK_STATUSES)
        return _escalate(existing, priority=priority, due_at=due_at, detail=detail)
    return task


def _escalate(task: CareTask, *, priority: str, due_at: datetime, detail: str) -> CareTask:
    changed = []
    if PRIORITY_RANK[priority] < PRIORITY_RANK[task.priority]:
        task.priority = priority
        changed.append("priority")
    if due_at < task.due_at:
        task.due_at = due_at
        changed.append("due_at")
    if detail and detail not in task.detail:
        task.detail = f"{task.detail}\n{detail}".strip()
        changed.append("detail")
    if changed:
        task.save(update_fields=changed)
    return task


@transaction.atomic
def care_task_create(
    *,
    patient: Patient,
    title: str,
    priority: str,
    due: date | datetime,
    assignee: User | None = None,
    detail: str = "",
    created_by: User | None = None,
) -> CareTask:
    """A task added by hand; never merged with others."""
    task = care_task_open(
        patient=patient,
        title=title,
        priority=priority,
        due=due,
        source_kind=TaskSource.MANUAL,
        source_id=None,
        assignee=assignee,
        detail=detail,
    )
    task.created_by = created_by
    task.save(update_fields=["created_by"])
    return task


@transaction.atomic
def care_task_set_status(
    *, task: CareTask, status: str, by: User | None, request: HttpRequest | None = None, audit_via: str | None = None
) -> CareTask:
    """Move a task along; closing stamps who and when, reopening clears it.

    With `audit_via` (the door: "admin", "api") the change is audited in this transaction; the console's task
    form leaves it out because the form's own save is audited with every field it changed.
    """
    if status not in TaskStatus.values:
        raise DomainError(f"Status must be one of {', '.join(TaskStatus.values)}.", field="status")
    task = CareTask.objects.select_for_update().get(pk=task.pk)
    if status == task.status:
        return task
    closing = status in (TaskStatus.DONE, TaskStatus.CANCELLED)
    if (
        not closing
        and task.source_id is not None
        and CareTask.objects.filter(
            source_kind=task.source_kind, source_id=task.source_id, status__in=OPEN_TASK_STATUSES
        )
        .exclude(pk=task.pk)
        .exists()
    ):
        raise Conflict("Another open task already covers this; work on that one instead.", field="status")
    task.status = status
    task.completed_at = timezone.now() if closing else None
    task.completed_by = by if closing and by is not None and by.is_authenticated else None
    task.save(update_fields=["status", "completed_at", "completed_by"])
    if audit_via is not None and by is not None and by.is_authenticated:
        audit_record(
            actor=by, action=AuditAction.CHANGE, obj=task, changed_fields=["status"], request=request, via=audit_via
        )
    return task
