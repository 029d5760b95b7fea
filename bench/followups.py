"""Daily follow-up sweep for 20,000 patients: dose reminders for everyone, weekly check-ins for the
patients whose day it is (about one in seven), monitoring reminders for one in ten.

Prints the sweep's time, query count and messages produced, and the ratio against the raw cost of
bulk-inserting the same number of Message rows (no rules, no rendering, no queueing). Runs on its own
throwaway database (a temporary SQLite file, or `bench_<name>` on PostgreSQL when DATABASE_URL points
there), so it never touches real data.

The task broker is the ORM one inside that database, or Redis as in production when BENCH_REDIS_URL is
set; the bench then queues under its own cluster name and deletes that queue afterwards, so a running
worker never sees its tasks:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carethread BENCH_REDIS_URL=redis://127.0.0.1:6379/15 \
        .venv/bin/python -m bench followups
"""

import os
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

PATIENTS = int(os.environ.get("BENCH_FOLLOWUPS_PATIENTS", "20000"))
CHECKIN_EVERY = 7
MONITORING_EVERY = 10


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _seed(now) -> None:
    from followups.models import CheckinPlan, MedicationReminderPlan
    from patients.models import ItemSource, MonitoringItem, Patient

    zones = ["Asia/Kolkata", "Europe/London", "America/New_York", "Asia/Dubai"]
    Patient.objects.bulk_create(
        [
            Patient(full_name=f"Bench Patient {i}", phone=f"+9190{i:08d}", consent_sms=True, time_zone=zones[i % 4])
            for i in range(PATIENTS)
        ],
        batch_size=2000,
    )
    ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True))
    due = now - timedelta(minutes=1)
    MedicationReminderPlan.objects.bulk_create(
        [MedicationReminderPlan(patient_id=pk, local_time=clock(9, 0), next_at=due) for pk in ids], batch_size=2000
    )
    CheckinPlan.objects.bulk_create(
        [CheckinPlan(patient_id=pk, weekday=0, local_time=clock(10, 0), next_at=due) for pk in ids[::CHECKIN_EVERY]],
        batch_size=2000,
    )
    today = now.date()
    MonitoringItem.objects.bulk_create(
        [
            MonitoringItem(
                patient_id=pk,
                kind="cbc",
                due_on=today + timedelta(days=2),
                window_starts_on=today,
                window_ends_on=today + timedelta(days=9),
                reason="bench",
                source=ItemSource.MANUAL,
                override_reason="bench",
            )
            for pk in ids[::MONITORING_EVERY]
        ],
        batch_size=2000,
    )


def _raw_insert(count: int) -> float:
    """Bulk-insert `count` plain outbound Message rows into existing conversations; seconds taken."""
    from django.utils import timezone

    from messaging.models import Conversation, Message

    conversations = list(Conversation.objects.values_list("pk", "patient_id")[:count])
    now = timezone.now()
    rows = [
        Message(
            conversation_id=conversations[i % len(conversations)][0],
            patient_id=conversations[i % len(conversations)][1],
            direction="out",
            channel="sms",
            kind="medication_reminder",
            body="Time for your dose.",
            status="queued",
            idempotency_key=f"raw:{i}",
            not_before=now,
            created_at=now,
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    Message.objects.bulk_create(rows, batch_size=1000)
    return time.perf_counter() - started


def main() -> None:
    # Never the clinic's own queue: the ORM broker inside the throwaway database, or a private Redis queue.
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "")
    os.environ["Q_CLUSTER_NAME"] = f"carethread-bench-{os.getpid()}"
    from bench._django import django_setup

    django_setup()
    import logging

    from django.test.utils import override_settings
    from django.utils import timezone

    from bench.slots import _setup_database
    from followups.checkins import checkins_send_due
    from followups.medication import medication_reminders_send_due
    from followups.monitoring import monitoring_reminders_send_due
    from messaging.models import Message

    logging.getLogger("django-q").setLevel(logging.WARNING)  # one INFO line per enqueued task otherwise
    workdir = Path(tempfile.mkdtemp(prefix="carethread-bench-"))
    connection, old_name = _setup_database(workdir)
    overrides = override_settings(
        MESSAGING_QUIET_HOURS_START="00:00", MESSAGING_QUIET_HOURS_END="00:00", MESSAGING_BACKEND="console"
    )
    overrides.enable()
    try:
        now = timezone.now()
        started = time.perf_counter()
        _seed(now)
        print(
            f"database: {connection.vendor}, task broker: {_broker_name()}; "
            f"seeded {PATIENTS} patients with dose plans "
            f"({time.perf_counter() - started:.1f}s)"
        )
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            produced = {
                "monitoring": monitoring_reminders_send_due(on=timezone.localdate(now)),
                "medication": medication_reminders_send_due(now=now),
                "checkins": checkins_send_due(now=now),
            }
        elapsed = time.perf_counter() - started
        total = sum(produced.values())
        assert Message.objects.filter(direction="out").count() == total
        print(
            f"daily sweep: {elapsed:.1f}s, {counter.count} queries ({counter.count / total:.1f} per message), "
            f"{total} messages ({', '.join(f'{k} {v}' for k, v in produced.items())}), "
            f"{total / elapsed:.0f} messages/s"
        )
        again = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(again):
            repeat = (
                monitoring_reminders_send_due(on=timezone.localdate(now))
                + medication_reminders_send_due(now=now)
                + checkins_send_due(now=now)
            )
        print(
            f"repeated sweep (idempotent): {repeat} messages, {again.count} queries, "
            f"{time.perf_counter() - started:.2f}s"
        )
        raw = _raw_insert(total)
        print(f"raw bulk insert of {total} Message rows: {raw:.2f}s; sweep / raw = {elapsed / raw:.0f}x")
    finally:
        overrides.disable()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        _broker_delete_queue()


def _broker_name() -> str:
    from clinic.tasks import task_broker

    return task_broker().info()


def _broker_delete_queue() -> None:
    from django_q.conf import Conf

    from clinic.tasks import task_broker

    if Conf.ORM is None:  # Redis: the private queue would otherwise stay behind
        task_broker().delete_queue()
