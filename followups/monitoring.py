"""Monitoring reminders: "your blood test is due this week", and one nudge once it is overdue.

Due: a planned item whose due date is within FOLLOWUPS_MONITORING_DAYS_BEFORE days (default 3) and
whose window has not closed. Overdue: the window closed less than FOLLOWUPS_MONITORING_OVERDUE_DAYS
ago (older gaps are the coordinator's task from the daily care sweep, not a text). Keys carry the
item and its due date, so a moved item gets fresh reminders and nothing is sent twice. Completing or
skipping the item cancels what is still queued (hooks.py) and later sweeps no longer select it.
SMS names the test in plain words ("blood test", "scan") unless the patient chose detailed messages.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from clinic.tasks import TaskBudget
from followups.pause import paused_patient_ids
from messaging.models import Message
from messaging.services import message_send
from patients.models import ItemStatus, MonitoringItem, MonitoringKind

CHUNK = 500
# Plain words that never name a disease; (English, Hindi).
PLAIN_NAMES: dict[str, tuple[str, str]] = {
    MonitoringKind.CBC: ("blood test", "खून की जांच"),
    MonitoringKind.LIVER: ("blood test", "खून की जांच"),
    MonitoringKind.BCR_ABL1_QPCR: ("blood test", "खून की जांच"),
    MonitoringKind.IMAGING: ("scan", "स्कैन"),
    MonitoringKind.BONE_MARROW: ("test at the clinic", "क्लिनिक में जांच"),
    MonitoringKind.OTHER: ("check-up test", "जांच"),
}


def monitoring_topic(item_id: int) -> str:
    return f"monitoring:{item_id}"


def monitoring_key(item: MonitoringItem, stage: str) -> str:
    return f"monitoring:{item.pk}:{stage}:{item.due_on:%Y%m%d}"


def test_names(item: MonitoringItem) -> dict[str, str]:
    english, hindi = PLAIN_NAMES.get(item.kind, PLAIN_NAMES[MonitoringKind.OTHER])
    if item.patient.detailed_messages:
        english = hindi = item.get_kind_display()
    return {"test_en": english, "test_hi": hindi}


def monitoring_reminders_send_due(*, on: date, budget: TaskBudget | None = None) -> int:
    """Send due and overdue reminders for `on` (the clinic's date); returns messages written."""
    before = settings.FOLLOWUPS_MONITORING_DAYS_BEFORE
    stages = {
        "due": MonitoringItem.objects.filter(
            status=ItemStatus.PLANNED, due_on__lte=on + timedelta(days=before), window_ends_on__gte=on
        ),
        "overdue": MonitoringItem.objects.filter(
            status=ItemStatus.PLANNED,
            window_ends_on__lt=on,
            window_ends_on__gte=on - timedelta(days=settings.FOLLOWUPS_MONITORING_OVERDUE_DAYS),
        ),
    }
    sent = 0
    for stage, queryset in stages.items():
        items = queryset.exclude(patient_id__in=paused_patient_ids()).select_related("patient").order_by("pk")
        last_pk = 0
        while True:
            if budget and budget.spent():
                return sent
            chunk = list(items.filter(pk__gt=last_pk)[:CHUNK])
            if not chunk:
                break
            last_pk = chunk[-1].pk
            written = set(
                Message.objects.filter(idempotency_key__in=[monitoring_key(i, stage) for i in chunk]).values_list(
                    "idempotency_key", flat=True
                )
            )
            with transaction.atomic():  # one commit per chunk (see medication.py)
                for item in chunk:
                    key = monitoring_key(item, stage)
                    if key in written:
                        continue
                    message_send(
                        patient=item.patient,
                        kind=f"monitoring_{stage}",
                        context={**test_names(item), "due_on": item.due_on},
                        idempotency_key=key,
                        topic=monitoring_topic(item.pk),
                    )
                    sent += 1
    return sent
