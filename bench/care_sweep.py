"""The nightly care sweep at 20,000 patients: slices, the longest slice, records per second.

Seeds BENCH_CARE_SWEEP_PATIENTS (default 20,000) CML patients on imatinib, one in ten with a prior
authorisation about to expire, in a throwaway database (as bench/slots.py: a temporary SQLite file,
or `bench_<name>` on the PostgreSQL server of DATABASE_URL). Then runs `daily_care_sweep` the way
django-q2 would, each continuation as its own call, twice: the first night creates every schedule,
the second is the steady state (nothing new, every plan checked). The longest slice must stay
under the task timeout (60 s); CARE_SWEEP_SECONDS (25) plus one chunk is what to expect.
"""

import os
import time
from datetime import timedelta
from typing import Any


def _seed(count: int, today) -> None:
    from patients.models import CareRecord, InsurancePolicy, Patient

    patients = Patient.objects.bulk_create(
        (Patient(full_name=f"Sweep Patient {n}", phone=f"+9195{n:08d}", consent_sms=True) for n in range(count)),
        batch_size=2000,
    )
    if patients[0].pk is None:  # SQLite before 3.35 returns no ids from bulk inserts
        patients = list(Patient.objects.filter(full_name__startswith="Sweep Patient").order_by("pk"))
    CareRecord.objects.bulk_create(
        (
            CareRecord(
                patient=p,
                diagnosis="cml",
                cml_phase="chronic",
                treatment_phase="on_treatment",
                tki_started_on=today - timedelta(days=200 + n % 300),
            )
            for n, p in enumerate(patients)
        ),
        batch_size=2000,
    )
    InsurancePolicy.objects.bulk_create(
        (
            InsurancePolicy(
                patient=p,
                payer="Bench Insurer",
                prior_auth_status="approved",
                prior_auth_expires_on=today + timedelta(days=n % 20),
            )
            for n, p in enumerate(patients[::10])
        ),
        batch_size=2000,
    )


def _night(label: str, count: int, budget: float) -> None:
    import patients.tasks

    queued: list[tuple] = []
    real_enqueue = patients.tasks.task_enqueue

    def enqueue_here(func: str, *args: Any, task_name: str | None = None) -> str:
        queued.append(args)
        return ""

    patients.tasks.task_enqueue = enqueue_here
    try:
        slices, started = [], time.perf_counter()
        totals: dict[str, int] = {}
        args: tuple = ()
        while True:
            slice_started = time.perf_counter()
            result = patients.tasks.daily_care_sweep(*args)
            slices.append(time.perf_counter() - slice_started)
            for key, value in result.items():
                totals[key] = totals.get(key, 0) + value
            if not queued:
                break
            args = queued.pop(0)
        elapsed = time.perf_counter() - started
    finally:
        patients.tasks.task_enqueue = real_enqueue
    print(
        f"  {label:<28} {len(slices):>3} slices, longest {max(slices):5.1f} s, total {elapsed:6.1f} s, "
        f"{totals['schedules'] / elapsed:6.0f} records/s; {totals['authorisation']} expiring authorisations "
        "have a task"
    )
    from bench import _report

    _report.add(
        f"care sweep, {count} patients, {label}",
        f"{totals['schedules'] / elapsed:.0f} records/s, {len(slices)} slices, longest {max(slices):.1f} s",
        f"longest slice < task timeout {budget:.0f} s",
        max(slices) < budget,
    )
    if totals["schedules"] != count:
        raise SystemExit(f"{label}: {totals['schedules']} schedules for {count} records")


def main() -> None:
    import logging
    import tempfile
    from pathlib import Path

    from bench._django import django_setup

    django_setup()
    logging.getLogger("patients.tasks").setLevel(logging.WARNING)  # one line per slice otherwise
    from django.conf import settings
    from django.test.utils import teardown_test_environment
    from django.utils import timezone

    from bench.slots import _setup_database

    count = int(os.environ.get("BENCH_CARE_SWEEP_PATIENTS", "20000"))
    connection, old_name = _setup_database(Path(tempfile.mkdtemp(prefix="carethread-care-sweep-")))
    try:
        started = time.perf_counter()
        _seed(count, timezone.localdate())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh bulk-loaded tables: give the planner real statistics
        print(
            f"database {connection.vendor}: {count} CML records seeded in {time.perf_counter() - started:.1f} s; "
            f"budget {settings.CARE_SWEEP_SECONDS} s per slice, task timeout {settings.Q_CLUSTER['timeout']} s"
        )
        budget = float(settings.Q_CLUSTER["timeout"])
        _night("first night (creates)", count, budget)
        _night("next night (steady)", count, budget)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
