"""django-q2 tasks for follow-ups: thin wrappers that call the sweeps with the current time.

Schedules (migration 0002): every 5 minutes for dose reminders, cut-offs and check-ins (they fire
at patients' local times); hourly for monitoring and resource messages (keys make repeats no-ops;
quiet hours hold what the sweep writes at night until the patient's morning).
"""

import logging

from django.utils import timezone

from followups.checkins import checkins_expire, checkins_send_due
from followups.medication import doses_mark_unconfirmed, medication_reminders_send_due
from followups.monitoring import monitoring_reminders_send_due
from followups.resources import resource_follow_ups_send_due

logger = logging.getLogger(__name__)


def send_due_timed_follow_ups() -> dict[str, int]:
    now = timezone.now()
    result = {
        "medication": medication_reminders_send_due(now=now),
        "unconfirmed": doses_mark_unconfirmed(now=now),
        "checkins": checkins_send_due(now=now),
        "checkins_expired": checkins_expire(now=now),
    }
    logger.info("timed follow-ups sent", extra=result)
    return result


def send_due_daily_follow_ups() -> dict[str, int]:
    now = timezone.now()
    result = {
        "monitoring": monitoring_reminders_send_due(on=timezone.localdate(now)),
        "resources": resource_follow_ups_send_due(now=now),
    }
    logger.info("daily follow-ups sent", extra=result)
    return result
