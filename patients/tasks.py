"""Background work for patients (django-q2). Tasks are thin: they call services.

The nightly care sweep (scheduled by migration 0006) runs for at most CARE_SWEEP_SECONDS, then
queues its own continuation with the day and the cursor it stopped at (patients/sweep.py): at
20,000 records it works in slices that never meet the task timeout (60 s, one attempt), instead of
being killed every night before authorisation expiry and overdue tasks run.
"""

import logging
from datetime import date

from django.conf import settings

from clinic.tasks import TaskBudget, task_enqueue
from clinic.timezones import clinic_today
from patients.sweep import PHASE_NAMES, SweepCursor, care_sweep_run

logger = logging.getLogger(__name__)


def daily_care_sweep(on: str | None = None, phase: str = PHASE_NAMES[0], after_id: int = 0) -> dict[str, int]:
    """Open tasks for what is due, then roll schedules forward; continues itself when its budget runs out.

    Called with no arguments by the schedule; a continuation names the sweep's day (ISO date, so a
    sweep that runs past midnight finishes the day it started), the phase and the last id done.
    """
    day = date.fromisoformat(on) if on else clinic_today()
    budget = TaskBudget(settings.CARE_SWEEP_SECONDS)
    done, cursor = care_sweep_run(on=day, start=SweepCursor(on=day, phase=phase, after_id=after_id), budget=budget)
    result = {**done, "continued": int(cursor is not None)}
    if cursor is not None:
        task_enqueue(
            "patients.tasks.daily_care_sweep",
            cursor.on.isoformat(),
            cursor.phase,
            cursor.after_id,
            task_name=f"daily_care_sweep-{cursor.on}-{cursor.phase}-{cursor.after_id}",
        )
    logger.info("care sweep slice done", extra=result)
    return result


def care_sweep_complete(on: date | None = None) -> dict[str, int]:
    """The whole sweep in this process, chunk by chunk, with no budget (the `care_sweep` command)."""
    done, _ = care_sweep_run(on=on or clinic_today())
    return done
