"""Background work for patients (django-q2). Tasks are thin: they call services."""

import logging

from django.utils import timezone

from patients.models import CareRecord
from patients.services.monitoring import monitoring_schedule_generate
from patients.services.records import care_sweep

logger = logging.getLogger(__name__)


def schedules_regenerate(on=None) -> int:
    """Roll every schedule forward (the plan covers the next 12 months) and apply changed protocol values."""
    on = on or timezone.localdate()
    count = 0
    for record_id in CareRecord.objects.values_list("pk", flat=True).iterator(chunk_size=500):
        record = CareRecord.objects.select_related("patient").get(pk=record_id)
        monitoring_schedule_generate(care_record=record, on=on)
        count += 1
    return count


def daily_care_sweep() -> dict[str, int]:
    """Scheduled daily by migration 0006: roll schedules forward, then open tasks for what is due."""
    regenerated = schedules_regenerate()
    opened = care_sweep()
    logger.info("care sweep done", extra={"schedules": regenerated, **opened})
    return {"schedules": regenerated, **opened}
