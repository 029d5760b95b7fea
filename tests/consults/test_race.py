"""No double booking under concurrency: PostgreSQL (threads, own connections) and SQLite (a real file)."""

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consults import services
from consults.models import Consult, ConsultStatus
from consults.selectors import next_free_slots
from patients.models import Patient
from tests.factories.consults import ExpertFactory

ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = 20


@pytest.fixture
def generous_throttles(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"booking_ip": "1000/hour", "booking_phone": "1000/hour", "public_read": "1000/hour"},
    }


def race(expert, start) -> list[tuple[int, dict]]:
    """ATTEMPTS threads, each with its own client and database connection, released together."""
    barrier = threading.Barrier(ATTEMPTS)

    def attempt(index: int) -> tuple[int, dict]:
        try:
            barrier.wait()
            response = Client().post(
                "/api/v1/consults/",
                {
                    "expert": expert.pk,
                    "start": start.isoformat(),
                    "topic": "side_effects",
                    "name": f"Racer {chr(65 + index % 26)}",  # letters only: names are validated
                    "phone": f"+9198700{index:05d}",
                },
                content_type="application/json",
            )
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        return list(pool.map(attempt, range(ATTEMPTS)))


def assert_exactly_one_winner(results, expert) -> None:
    assert Counter(status for status, _ in results) == {201: 1, 409: ATTEMPTS - 1}
    for status, body in results:
        if status == 409:
            assert body["code"] == "slot_taken"
            assert "just taken" in body["detail"]
            assert body["next_slots"]
            assert {"start", "end", "expert"} <= set(body["next_slots"][0])
    assert Consult.objects.filter(expert=expert, status=ConsultStatus.CONFIRMED).count() == 1
    assert Patient.objects.count() == 1  # the losers' new patients rolled back with their booking


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time (see the SQLite tests below); this race needs PostgreSQL, "
    "which `make test` runs as its second pass.",
)


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_of_one_slot_give_one_201_and_409s_on_postgres(generous_throttles):
    expert = ExpertFactory()
    slot = next_free_slots([expert], after=timezone.now(), limit=1)[0]
    assert_exactly_one_winner(race(expert, slot.start), expert)


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_exclusion_constraint_alone_stops_the_race_on_postgres(generous_throttles, monkeypatch):
    """Without the expert row lock every racer passes the check; the constraint must refuse all but one."""
    from django.db.models import QuerySet

    monkeypatch.setattr(services, "lock_rows", lambda *rows: None)
    # The expert's row is locked by the read that carries the checks: make every FOR UPDATE a plain read.
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)
    expert = ExpertFactory()
    slot = next_free_slots([expert], after=timezone.now(), limit=1)[0]
    assert_exactly_one_winner(race(expert, slot.start), expert)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="checks SQLite's serialized write path")
@pytest.mark.django_db(transaction=True)
def test_sqlite_booking_checks_and_inserts_inside_one_immediate_transaction(generous_throttles):
    expert = ExpertFactory()
    slot = next_free_slots([expert], after=timezone.now(), limit=1)[0]
    body = {
        "expert": expert.pk,
        "start": slot.start.isoformat(),
        "topic": "side_effects",
        "name": "A B",
        "phone": "+919870000001",
    }
    with CaptureQueriesContext(connection) as queries:
        assert Client().post("/api/v1/consults/", body, content_type="application/json").status_code == 201
    statements = [query["sql"] for query in queries.captured_queries]
    begin = statements.index("BEGIN IMMEDIATE")
    # The unlocked precheck (a taken slot answers 409 from it) comes first; the check that counts is the
    # expert's read with the booking's checks inside the IMMEDIATE transaction.
    overlap_check = next(
        i for i, sql in enumerate(statements) if i > begin and 'FROM "consults_consult"' in sql and "expert" in sql
    )
    insert = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT OR IGNORE INTO "consults_consult"'))
    # One IMMEDIATE transaction holds the write lock from before the check until after the insert.
    # (The confirmation message is written inside that same transaction: consults/notifications.py.)
    assert statements[: insert + 1].count("BEGIN IMMEDIATE") == 1
    assert begin < overlap_check < insert
    second = Client().post("/api/v1/consults/", {**body, "phone": "+919870000002"}, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["next_slots"]


@pytest.mark.slow  # a subprocess with 20 threads on a copy of the migrated SQLite file
@pytest.mark.skipif(connection.vendor != "sqlite", reason="races real SQLite file connections")
def test_twenty_threads_racing_on_a_sqlite_file_give_one_201_and_409s(migrated_sqlite_file):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{migrated_sqlite_file}"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.consults.sqlite_race", str(ATTEMPTS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # 20 racers under load; an upper bound, not a timing assertion
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["engine"] == "sqlite"
    assert outcome["statuses"] == {"201": 1, "409": ATTEMPTS - 1}
    assert outcome["codes_409"] == ["slot_taken"]
    assert outcome["next_slots_offered"]
    assert outcome["consults"] == 1
    assert outcome["patients"] == 1


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_booking_that_cannot_get_the_experts_lock_in_time_gets_503_busy(generous_throttles):
    from django.db import transaction

    from consults.models import Expert

    # lock_timeout is a connection option (settings); this request's connection waits 200 ms only.
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    expert = ExpertFactory()
    slot = next_free_slots([expert], after=timezone.now(), limit=1)[0]
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        try:
            with transaction.atomic():
                Expert.objects.select_for_update().get(pk=expert.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        locked.wait(10)
        body = {
            "expert": expert.pk,
            "start": slot.start.isoformat(),
            "topic": "side_effects",
            "name": "A B",
            "phone": "+919870000001",
        }
        response = Client().post("/api/v1/consults/", body, content_type="application/json")
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert response.json()["code"] == "busy"
    assert "try again in a moment" in response.json()["detail"]
    assert not Consult.objects.exists()
