"""Slots and booking under load: 20 experts x 30 days with 10,000 booked consults.

Prints the median and p95 time of the slot endpoints with their query counts, and booking POST
throughput against a bare Django JSON view served by the same threaded server (ratio).
Runs on its own throwaway database (a temporary SQLite file, or `bench_<name>` on PostgreSQL
when DATABASE_URL points there), so it never touches real data. About a minute.
"""

import contextlib
import http.client
import json
import logging
import random
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

EXPERTS = 20
DAYS = 30
CONSULTS = 10_000
PAST_CONSULTS = 50_000  # history the slot reads must not touch (issue 11: a lower bound on start)
PATIENTS = 2_000
TIMED_RUNS = 25
POSTS = 240
CLIENT_THREADS = 4


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _setup_database(workdir: Path) -> tuple:
    from django.db import connection
    from django.test.utils import setup_test_environment

    with contextlib.suppress(RuntimeError):  # another benchmark in this process already set it up
        setup_test_environment()
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(workdir / "bench.sqlite3")
    else:
        test_settings["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, old_name


def _seed(now: datetime) -> tuple[list, list]:
    """20 experts open 08:00-20:00 every day (24 slots a day), 10,000 of their slots booked."""
    from consults.models import Consult, Expert, WeeklyAvailability
    from consults.selectors import slots_between
    from consults.slots import SlotRules
    from patients.models import Patient

    experts = Expert.objects.bulk_create(
        Expert(display_name=f"Dr Bench {i:02d}", role="hemato_oncologist", languages=["en", "hi"], sort_order=i)
        for i in range(EXPERTS)
    )
    WeeklyAvailability.objects.bulk_create(
        WeeklyAvailability(expert=expert, weekday=day, start_time=clock(8), end_time=clock(20))
        for expert in experts
        for day in range(7)
    )
    patients = Patient.objects.bulk_create(
        Patient(full_name=f"Bench Patient {i}", phone=f"+9197{i:08d}") for i in range(PATIENTS)
    )
    rules = SlotRules(now=now, min_notice=timedelta(hours=2), horizon=timedelta(days=DAYS))
    free = slots_between(experts, window_start=now, window_end=now + timedelta(days=DAYS + 1), rules=rules)
    chooser = random.Random(20261201)
    booked = chooser.sample(free, CONSULTS)
    Consult.objects.bulk_create(
        (
            Consult(
                patient=patients[i % PATIENTS],
                expert_id=slot.expert_id,
                start=slot.start,
                end=slot.end,
                topic="side_effects",
                reference=f"CT-B{i:05d}",
                manage_token=f"bench-token-{i:08d}-{chooser.getrandbits(64):016x}",
            )
            for i, slot in enumerate(booked)
        ),
        batch_size=1000,
    )
    # History: every expert's past days full from 08:00, completed (2,500 per expert, ~104 days back).
    kolkata = ZoneInfo("Asia/Kolkata")
    first_day = now.astimezone(kolkata).date() - timedelta(days=PAST_CONSULTS // (EXPERTS * 24) + 2)
    Consult.objects.bulk_create(
        (
            Consult(
                patient=patients[n % PATIENTS],
                expert=experts[n % EXPERTS],
                start=(
                    start := datetime.combine(first_day + timedelta(days=n // (EXPERTS * 24)), clock(8), kolkata)
                    + timedelta(minutes=30 * ((n // EXPERTS) % 24))
                ),
                end=start + timedelta(minutes=20),
                status="completed",
                topic="side_effects",
                reference=f"CT-P{n:06d}"[:12],
                manage_token=f"bench-past-{n:08d}-{chooser.getrandbits(64):016x}",
            )
            for n in range(PAST_CONSULTS)
        ),
        batch_size=2000,
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh bulk-loaded tables: give the planner real statistics
    taken = set(booked)
    return experts, [slot for slot in free if slot not in taken]


def _time_get(client, url: str) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(TIMED_RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
        queries = len(captured)
    count = response.json()["count"]
    return statistics.median(timings) * 1000, _percentile(timings, 0.95) * 1000, queries, count


def _serve():
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _hammer(port: int, path: str, bodies: list[dict]) -> tuple[float, dict[int, int]]:
    """POST every body from CLIENT_THREADS threads, a new connection each time; returns (req/s, statuses)."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def post(body: dict) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
            status = connection.getresponse().status
        finally:
            connection.close()
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(post, bodies))
    return len(bodies) / (time.perf_counter() - started), statuses


def _overlaps() -> int:
    from consults.models import Consult

    count = 0
    last: dict[int, datetime] = {}
    rows = (
        Consult.objects.exclude(status="cancelled")
        .order_by("expert_id", "start")
        .values_list("expert_id", "start", "end")
    )
    for expert_id, start, end in rows:
        if expert_id in last and start < last[expert_id]:
            count += 1
        last[expert_id] = end
    return count


def main() -> None:
    from bench._django import django_setup

    django_setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings, teardown_test_environment
    from django.utils import timezone

    for name in ("consults.events", "django.request", "django.server"):
        logging.getLogger(name).setLevel(logging.ERROR)
    workdir = Path(tempfile.mkdtemp(prefix="carethread-bench-"))
    connection, old_name = _setup_database(workdir)
    overrides = override_settings(
        ROOT_URLCONF="bench._slots_urls",
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                "booking_ip": "100000/hour",
                "booking_phone": "100000/hour",
                "public_read": "100000/hour",
            },
        },
        CONSULT_MAX_UPCOMING_PER_PATIENT=1000,
    )
    overrides.enable()
    try:
        started = time.perf_counter()
        now = timezone.now()
        experts, free = _seed(now)
        print(
            f"database: {connection.vendor}; seeded {EXPERTS} experts x {DAYS} days, {CONSULTS} upcoming and "
            f"{PAST_CONSULTS} past consults, "
            f"{len(free)} slots still free ({time.perf_counter() - started:.1f}s)"
        )

        client = Client()
        today = now.astimezone(ZoneInfo("Asia/Kolkata")).date()
        last = today + timedelta(days=DAYS - 1)
        cases = [
            (
                "one expert, 7 days",
                f"/api/v1/experts/{experts[0].pk}/slots/?from={today}&to={today + timedelta(days=6)}",
            ),
            ("one expert, 30 days", f"/api/v1/experts/{experts[0].pk}/slots/?from={today}&to={last}"),
            (
                "first available, 20 experts, 7 days",
                f"/api/v1/slots/?topic=side_effects&from={today}&to={today + timedelta(days=6)}",
            ),
            ("first available, 20 experts, 30 days", f"/api/v1/slots/?topic=side_effects&from={today}&to={last}"),
        ]
        print(f"slot endpoints ({TIMED_RUNS} runs each, in-process client):")
        for label, url in cases:
            median, p95, queries, count = _time_get(client, url + "&tz=Asia/Kolkata")
            print(f"  {label:<40} median {median:7.1f} ms   p95 {p95:7.1f} ms   {queries} queries   {count} slots")
            if label == "first available, 20 experts, 30 days":
                from bench import _report

                _report.add(
                    f"{label} ({connection.vendor}, {CONSULTS} upcoming + {PAST_CONSULTS} past)",
                    f"median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries, {count} slots",
                    "median < 50 ms, p95 < 100 ms",
                    median < 50 and p95 < 100,
                )

        from django.db import connection as db
        from django.test.utils import CaptureQueriesContext

        spare = free.pop()
        with CaptureQueriesContext(db) as captured:
            response = client.post(
                "/api/v1/consults/",
                {
                    "expert": spare.expert_id,
                    "start": spare.start.isoformat(),
                    "topic": "side_effects",
                    "name": "Query Counter",
                    "phone": "+919599999999",
                },
                content_type="application/json",
            )
        assert response.status_code == 201, response.content[:300]
        print(f"one booking POST: {len(captured)} queries (new patient, checks, insert, in one transaction)")

        server = _serve()
        port = server.server_address[1]
        chooser = random.Random(7)
        picks = chooser.sample(free, POSTS)
        bookings = [
            {
                "expert": slot.expert_id,
                "start": slot.start.isoformat(),
                "topic": "side_effects",
                "name": f"Bench Booker {i}",
                "phone": f"+9196{i:08d}",
            }
            for i, slot in enumerate(picks)
        ]
        bare_rps, bare_statuses = _hammer(port, "/bench/bare/", bookings)
        book_rps, book_statuses = _hammer(port, "/api/v1/consults/", bookings)
        server.shutdown()
        server.server_close()
        print(f"booking throughput ({POSTS} POSTs, {CLIENT_THREADS} client threads, one threaded dev server):")
        print(f"  bare JSON view      {bare_rps:7.1f} req/s   statuses {bare_statuses}")
        print(f"  POST /api/v1/consults/ {book_rps:7.1f} req/s   statuses {book_statuses}")
        print(f"  ratio booking/bare  {book_rps / bare_rps:.2f}  (bare is {bare_rps / book_rps:.1f}x faster)")
        print(f"  overlapping active consults after the run: {_overlaps()}")
        print(f"total {time.perf_counter() - started:.1f}s")
    finally:
        overrides.disable()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
