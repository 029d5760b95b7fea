"""django-q2 tasks for follow-ups: thin wrappers that call the sweeps with the current time.

Schedules (migration 0002): every 5 minutes for dose reminders, cut-offs and check-ins (they fire
at patients' local times); hourly for monitoring and resource messages (keys make repeats no-ops;
quiet hours hold what the sweep writes at night until the patient's morning). Migration 0003: every
minute for consult reminders (followups/consult_reminders.py).

Each run works for at most FOLLOWUPS_SWEEP_SECONDS, then queues its own continuation: a busy
morning (every patient's dose at 09:00) goes out at once, in slices that never meet the task
timeout, instead of one slice per scheduled run.
"""

import logging

from django.conf import settings
from django.utils import timezone

from clinic.tasks import TaskBudget, task_enqueue
from followups.checkins import checkins_expire, checkins_send_due
from followups.consult_reminders import consult_reminders_send_due
from followups.medication import doses_mark_unconfirmed, medication_reminders_send_due
from followups.monitoring import monitoring_reminders_send_due
from followups.resources import resource_follow_ups_send_due

logger = logging.getLogger(__name__)


def send_due_timed_follow_ups() -> dict[str, int]:
    now, budget = timezone.now(), TaskBudget(settings.FOLLOWUPS_SWEEP_SECONDS)
    result = {
        "medication": medication_reminders_send_due(now=now, budget=budget),
        "unconfirmed": doses_mark_unconfirmed(now=now),
        "checkins": checkins_send_due(now=now, budget=budget),
        "checkins_expired": checkins_expire(now=now),
    }
    return _finish("timed follow-ups sent", "send_due_timed_follow_ups", result, budget)


def send_due_daily_follow_ups() -> dict[str, int]:
    now, budget = timezone.now(), TaskBudget(settings.FOLLOWUPS_SWEEP_SECONDS)
    result = {
        "monitoring": monitoring_reminders_send_due(on=timezone.localdate(now), budget=budget),
        "resources": resource_follow_ups_send_due(now=now),
    }
    return _finish("daily follow-ups sent", "send_due_daily_follow_ups", result, budget)


def send_due_consult_reminders() -> int:
    """Every minute (migration 0003): the day-before and two-hour consult reminders that are due."""
    return consult_reminders_send_due(now=timezone.now())


def _finish(event: str, task: str, result: dict[str, int], budget: TaskBudget) -> dict[str, int]:
    result["continued"] = int(budget.exhausted)
    if budget.exhausted:  # more is due: carry on now rather than at the next scheduled run
        task_enqueue(f"followups.tasks.{task}", task_name=f"{task}-continued")
    logger.info(event, extra=result)
    return result
