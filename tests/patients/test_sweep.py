"""The daily sweep: schedules roll forward, overdue items, expiring authorisations and follow-ups become tasks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients.models import CareTask, InsurancePolicy, MonitoringItem, Resource
from patients.services import care_sweep, care_task_open, resource_assign
from patients.sweep import care_sweep_run
from patients.tasks import daily_care_sweep
from tests.concurrency import released_together
from tests.factories.care import cml_patient
from tests.factories.people import PatientFactory
from tests.patients.conftest import TODAY


def prior_authorisation(patient, payer: str, *, expires_in_days: int) -> InsurancePolicy:
    """An approved prior authorisation that expires `expires_in_days` after TODAY."""
    return InsurancePolicy.objects.create(
        patient=patient,
        payer=payer,
        prior_auth_status="approved",
        prior_auth_expires_on=TODAY + timedelta(days=expires_in_days),
    )


@pytest.mark.django_db
def test_sweep_opens_each_task_once(frozen_today, alice):
    patient = cml_patient(started_on=TODAY - timedelta(days=60), coordinator=alice)
    prior_authorisation(patient, "Demo Insurer", expires_in_days=10)
    prior_authorisation(patient, "Later Insurer", expires_in_days=200)
    resource_assign(patient=patient, resource=Resource.objects.first(), follow_up_on=TODAY)
    frozen_today.move_to(datetime(2026, 7, 20, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    overdue = MonitoringItem.objects.filter(
        patient=patient, status="planned", window_ends_on__lt=date(2026, 7, 20)
    ).count()
    assert overdue > 0
    first = care_sweep()
    assert first == {"authorisation": 1, "monitoring_item": overdue, "resource": 1}
    tasks = CareTask.objects.count()
    care_sweep()
    assert CareTask.objects.count() == tasks
    auth = CareTask.objects.get(source_kind="authorisation")
    assert auth.assignee == alice
    assert "Demo Insurer" in auth.title
    assert auth.priority == "urgent"


@pytest.mark.django_db
def test_daily_task_rolls_schedules_forward(frozen_today):
    patient = cml_patient(started_on=TODAY)
    last = MonitoringItem.objects.filter(patient=patient).order_by("-due_on").first().due_on
    frozen_today.move_to(datetime(2026, 10, 1, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    result = daily_care_sweep()
    assert result["schedules"] == 1
    assert MonitoringItem.objects.filter(patient=patient).order_by("-due_on").first().due_on > last


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real race needs PostgreSQL; SQLite's in-memory test database locks its tables",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_opening_the_same_task_make_one():
    patient = PatientFactory()

    def open_task() -> int:
        task = care_task_open(
            patient=patient,
            title="Failed message",
            priority="normal",
            due=TODAY,
            source_kind="message",
            source_id=77,
        )
        return task.pk

    assert len(set(released_together(open_task))) == 1
    assert CareTask.objects.filter(source_kind="message", source_id=77).count() == 1


# --- slices under a time budget ----------------------------------------------------------------


class OneChunkBudget:
    """A TaskBudget that lets each slice do exactly one chunk (as if every chunk took the whole budget)."""

    def __init__(self, seconds: float) -> None:
        self.calls = 0
        self.exhausted = False

    def spent(self) -> bool:
        self.calls += 1
        self.exhausted = self.calls > 1
        return self.exhausted


@pytest.fixture
def sliced(monkeypatch):
    """Chunks of 2 rows, one chunk per slice; continuations are collected instead of queued."""
    import patients.sweep
    import patients.tasks

    queued: list[tuple] = []
    monkeypatch.setattr(patients.sweep, "CARE_SWEEP_CHUNK", 2)
    monkeypatch.setattr(patients.tasks, "TaskBudget", OneChunkBudget)
    monkeypatch.setattr(patients.tasks, "task_enqueue", lambda func, *args, task_name: queued.append(args))
    return queued


def overdue_population(alice) -> int:
    """Five CML patients two months into treatment and three expiring authorisations; returns overdue items."""
    patients = [cml_patient(started_on=TODAY - timedelta(days=60), coordinator=alice) for _ in range(5)]
    for patient in patients[:3]:
        InsurancePolicy.objects.create(
            patient=patient,
            payer="Demo Insurer",
            prior_auth_status="approved",
            prior_auth_expires_on=TODAY + timedelta(days=10),
        )
    return patients


def continue_slices(queued: list[tuple]) -> list[dict]:
    results = []
    while queued:
        results.append(daily_care_sweep(*queued.pop(0)))
    return results


def run_slices(queued: list[tuple]) -> list[dict]:
    return [daily_care_sweep(), *continue_slices(queued)]


@pytest.mark.django_db
def test_a_sweep_cut_after_one_chunk_continues_and_finishes_with_no_duplicate_task(frozen_today, alice, sliced):
    overdue_population(alice)
    frozen_today.move_to(datetime(2026, 7, 20, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    overdue = MonitoringItem.objects.filter(status="planned", window_ends_on__lt=date(2026, 7, 20)).count()
    results = run_slices(sliced)
    assert len(results) > 2
    assert sum(r["continued"] for r in results) == len(results) - 1
    assert sum(r["authorisation"] for r in results) == 3
    assert sum(r["monitoring_item"] for r in results) == overdue
    assert sum(r["schedules"] for r in results) == 5
    assert CareTask.objects.filter(source_kind="authorisation").count() == 3
    assert CareTask.objects.filter(source_kind="monitoring_item").count() == overdue


@pytest.mark.django_db
def test_a_continuation_run_twice_opens_no_second_task(frozen_today, alice, sliced):
    overdue_population(alice)
    frozen_today.move_to(datetime(2026, 7, 20, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    daily_care_sweep()
    continuation = sliced[0]
    daily_care_sweep(*continuation)
    daily_care_sweep(*continuation)  # a broker may hand the same task out twice
    assert CareTask.objects.filter(source_kind="authorisation").count() == 3


@pytest.mark.django_db
def test_the_continuation_keeps_the_day_the_sweep_started(frozen_today, alice, sliced):
    overdue_population(alice)
    daily_care_sweep()
    assert sliced[0] == ("2026-06-15", "authorisation", sliced[0][2])
    frozen_today.move_to(datetime(2026, 6, 16, 0, 30, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    results = continue_slices(sliced)
    assert sum(r["schedules"] for r in results) == 5


@pytest.mark.django_db
def test_authorisation_tasks_open_in_the_first_slice(frozen_today, alice, sliced):
    patient = cml_patient(started_on=TODAY - timedelta(days=60), coordinator=alice)
    prior_authorisation(patient, "Demo Insurer", expires_in_days=10)
    first = daily_care_sweep()
    assert first["authorisation"] == 1
    assert first["schedules"] == 0
    assert CareTask.objects.filter(source_kind="authorisation").exists()


@pytest.mark.django_db
def test_schedule_chunks_cost_a_bounded_number_of_queries_per_record(frozen_today, monkeypatch):
    import patients.sweep

    monkeypatch.setattr(patients.sweep, "CARE_SWEEP_CHUNK", 50)
    for _ in range(4):
        cml_patient(started_on=TODAY - timedelta(days=400))

    def schedule_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            care_sweep_run(on=TODAY, phases=("schedules",))
        return len(captured)

    four = schedule_queries()
    for _ in range(4):
        cml_patient(started_on=TODAY - timedelta(days=400))
    eight = schedule_queries()
    # Lock, qPCR history, existing items, savepoint pair; the record and the protocol values come with the chunk.
    print("PER RECORD", (eight - four) / 4, four, eight)
    assert (eight - four) / 4 <= 5
