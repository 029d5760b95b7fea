"""The floor: the smallest Django app on CareThread's gunicorn config and database, and CareThread's
hot paths as ratios of it (issue 11, "The floor and the goals").

Imported as settings and URLconf (DJANGO_SETTINGS_MODULE=bench.floor) this module is Django with no
apps, no middleware and persistent connections: GET /read/ returns one row as JSON, POST /write/
inserts one row and answers 201. Nothing CareThread serves can be cheaper on the same server and
database, so a ratio near 1 means the request pays little beyond Django and one statement.

`python -m bench floor` (also part of `make bench`): one throwaway database (`bench_floor_<pid>` on
the PostgreSQL server of BENCH_DATABASE_URL, else a temporary SQLite file) is migrated and seeded
with experts through manage.py; two gunicorn servers start with deploy/gunicorn.conf.py and
BENCH_FLOOR_WORKERS workers each (the floor, and config.wsgi with Redis as its cache when
BENCH_REDIS_URL is set); each case sends BENCH_FLOOR_REQUESTS requests from CLIENT_THREADS threads,
median of ROUNDS rounds, and one table prints requests per second and the ratio to the floor.
Booking POSTs take distinct free slots (201); the 409 case posts a taken one again and again.
The patient guide is seeded with `manage.py seed_guide` (the real guide/content) and its English
landing page and one guide page are requested once each before timing, so every timed GET is served
from the page cache (Redis); the run checks the cache still holds them afterwards.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

REPO = Path(__file__).resolve().parents[1]
REQUESTS = int(os.environ.get("BENCH_FLOOR_REQUESTS", "200"))
WORKERS = os.environ.get("BENCH_FLOOR_WORKERS", "2")
ROUNDS = 3
CLIENT_THREADS = 4
# BENCH_FLOOR_CASES=booking,webhook times only the cases whose label holds one of the words (and the
# floor row each ratio needs): both sides of a ratio still come from one run. Empty: every case.
CASES = [word.strip() for word in os.environ.get("BENCH_FLOOR_CASES", "").split(",") if word.strip()]
TOKEN = "bench-floor-auth-token-0123456789ab"
PUBLIC_BASE_URL = "https://clinic.example.org"

# --- the floor app: settings and URLconf -----------------------------------------------------------
DEBUG = False
SECRET_KEY = "bench-floor-only-secret-key-not-for-production-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.floor"
USE_TZ = True


def _database(url: str) -> dict:
    import environ

    database = environ.Env.db_url_config(url)
    database["CONN_MAX_AGE"] = None  # persistent: one connection per worker for its whole life
    if database["ENGINE"] == "django.db.backends.sqlite3":  # as config/settings.py opens SQLite
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    return database


DATABASES = {"default": _database(os.environ.get("DATABASE_URL", "sqlite:///:memory:"))}


def read(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, body FROM bench_floor_row WHERE id = %s", [1])
        row_id, body = cursor.fetchone()
    return JsonResponse({"id": row_id, "body": body})


def write(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor_row (body) VALUES (%s)", [request.body[:200].decode("utf-8", "replace")]
        )
    return JsonResponse({"stored": True}, status=201)


urlpatterns = [path("read/", read), path("write/", write)]

# --- the run ----------------------------------------------------------------------------------------

SEED = """
import json, random
from datetime import time as clock, timedelta
from django.db import connection
from django.utils import timezone
from consults.models import Expert, WeeklyAvailability
from consults.selectors import slots_between
from consults.slots import SlotRules
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("bench-reviewer", None, None)  # approves the guide's pages
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_floor_row (id bigserial PRIMARY KEY, body text NOT NULL)")
    else:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_floor_row (id integer PRIMARY KEY AUTOINCREMENT, "
                       "body text NOT NULL)")
    cursor.execute("INSERT INTO bench_floor_row (body) VALUES ('the first row')")
experts = Expert.objects.bulk_create(Expert(display_name=f"Dr Floor {i}", role="hemato_oncologist",
                                            languages=["en"], sort_order=i) for i in range(10))
WeeklyAvailability.objects.bulk_create(WeeklyAvailability(expert=e, weekday=d, start_time=clock(8),
                                                          end_time=clock(20)) for e in experts for d in range(7))
now = timezone.now()
rules = SlotRules(now=now, min_notice=timedelta(hours=3), horizon=timedelta(days=29))
free = list(slots_between(experts, window_start=now, window_end=now + timedelta(days=30), rules=rules))
random.Random(11).shuffle(free)
print(json.dumps({"expert": experts[0].pk, "slots": [[s.expert_id, s.start.isoformat()] for s in free]}))
"""


# After every load: no two active consults of one expert overlap, and every consult has exactly one
# confirmation row (message idempotency keys are unique, so "one" means "present").
INTEGRITY = """
import json
from collections import Counter
from consults.models import Consult
from messaging.models import Message
active = Consult.objects.exclude(status="cancelled").order_by("expert_id", "start")
rows = active.values_list("expert_id", "start", "end")
double, last = 0, {}
for expert_id, start, end in rows:
    double += expert_id in last and start < last[expert_id]
    last[expert_id] = max(end, last.get(expert_id, end))
keys = Counter(Message.objects.filter(kind="consult_confirmation").values_list("idempotency_key", flat=True))
ids = Consult.objects.values_list("pk", flat=True)
print(json.dumps({"consults": len(ids), "double_bookings": double,
                  "consults_without_one_confirmation": sum(keys[f"consult:{pk}:confirmation"] != 1 for pk in ids)}))
"""


# The guide pages timed from the page cache (guide/cache.py): the English landing page and one guide page.
GUIDE_PATHS = ("/", "/how-to-take-imatinib/")


def guide_label(target: str) -> str:
    return f"guide GET {target} (cached)"


def _guide_cache_keys(redis_url: str) -> set[bytes] | None:
    """The rendered guide pages' keys in the shared cache (None with a process-local cache)."""
    if not redis_url:
        return None
    import redis

    return set(redis.Redis.from_url(redis_url).scan_iter(match="*guide:page:*", count=1000))


def guide_cache_verdict(before: set[bytes] | None, warmed: set[bytes] | None, after: set[bytes] | None) -> str:
    """'' when the warm-up stored every guide page and the timed requests stored none (all were hits)."""
    if before is None or warmed is None or after is None:
        return ""  # LocMem: each worker caches for itself; nothing to inspect from here
    if len(warmed - before) < len(GUIDE_PATHS):
        return f"the warm-up stored {len(warmed - before)} guide pages in the cache, not {len(GUIDE_PATHS)}"
    if after != warmed:
        return f"{len(after - warmed)} guide pages were rendered again while timed (cache misses)"
    return ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database_url: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "TMPDIR", "LANG")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "REDIS_URL": redis_url,
            "ALLOW_PROCESS_LOCAL_CACHE": "false" if redis_url else "true",
            "Q_CLUSTER_NAME": f"carethread-floor-{os.getpid()}",
            "MESSAGING_BACKEND": "console",
            "TWILIO_AUTH_TOKEN": TOKEN,
            "LOG_LEVEL": "ERROR",
            "CONSULT_MAX_UPCOMING_PER_PATIENT": "100000",
            "THROTTLE_BOOKING_IP": "10000000/hour",
            "THROTTLE_BOOKING_PHONE": "10000000/hour",
            "THROTTLE_PUBLIC_READ": "10000000/hour",
            "GUNICORN_WORKERS": WORKERS,
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def _gunicorn(app: str, env: dict[str, str], log: Path) -> Iterator[int]:
    """gunicorn with the production config file, on a free loopback port; yields the port."""
    port = _free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", app],
            cwd=REPO,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.5).close()
                    break
                except OSError as exc:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"gunicorn {app} did not start; see {log}") from exc
                    time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


Request = tuple[str, str, bytes, dict[str, str]]  # method, path, body, headers


def _send(port: int, request: Request) -> int:
    method, target, body, headers = request
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request(method, target, body=body or None, headers=headers)
        response = client.getresponse()
        response.read()
        return response.status
    finally:
        client.close()


def _rate(port: int, requests: list[Request]) -> tuple[float, Counter]:
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        statuses = Counter(pool.map(lambda request: _send(port, request), requests))
    return len(requests) / (time.perf_counter() - started), statuses


def _same_get(target: str) -> Callable[[int], list[Request]]:
    """REQUESTS plain GETs of one path, for any round."""
    return lambda _round: [("GET", target, b"", {})] * REQUESTS


def _json(target: str, body: dict) -> Request:
    return "POST", target, json.dumps(body).encode(), {"Content-Type": "application/json"}


def _booking_requests(slots: list, offset: int) -> list[Request]:
    return [
        _json(
            "/api/v1/consults/",
            {
                "expert": expert,
                "start": start,
                "topic": "side_effects",
                "name": "Floor Bench",
                "phone": f"+9196{offset + index:08d}",
            },
        )
        for index, (expert, start) in enumerate(slots)
    ]


def _webhook_requests(offset: int) -> list[Request]:
    from twilio.request_validator import RequestValidator

    validator, target = RequestValidator(TOKEN), "/messaging/twilio/inbound/"
    requests = []
    for index in range(offset, offset + REQUESTS):
        params = {
            "MessageSid": f"SM{index:032d}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"+9198765{index % 50:05d}",
            "To": "+14155550100",
            "Body": f"Question {index}",
            "NumMedia": "0",
        }
        signature = validator.compute_signature(PUBLIC_BASE_URL + target, params)
        requests.append(
            (
                "POST",
                target,
                urllib.parse.urlencode(params).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
            )
        )
    return requests


def selected(label: str) -> bool:
    """Whether BENCH_FLOOR_CASES asks for this case; a floor row is kept when a case measured against it is."""
    if not CASES:
        return True
    if label.startswith("floor "):
        measured = (other for other in ALL_LABELS if not other.startswith("floor "))
        return any(selected(other) and ("GET" in other) == ("GET" in label) for other in measured)
    return any(word in label for word in CASES)


ALL_LABELS = (
    "floor GET /read/",
    "floor POST /write/",
    "slots GET one expert",
    "booking POST (201)",
    "booking POST taken slot (409)",
    "inbound webhook (signed)",
    *(guide_label(target) for target in GUIDE_PATHS),
)


def _median(label: str, port: int, make: Callable[[int], list[Request]], expected: int) -> tuple[str, float]:
    _rate(port, make(-1)[:20])  # warm every worker up (imports, connections) before timing
    rates = []
    for round_index in range(ROUNDS):
        rate, statuses = _rate(port, make(round_index))
        if set(statuses) != {expected}:
            raise SystemExit(f"{label}: expected only {expected}, got {dict(statuses)}")
        rates.append(rate)
    return label, statistics.median(rates)


@contextmanager
def _throwaway_database(workdir: Path) -> Iterator[str]:
    """A temporary SQLite file, or a fresh `bench_floor_<pid>` database on BENCH_DATABASE_URL's server."""
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir / 'floor.sqlite3'}"
        return
    import psycopg

    parts = urllib.parse.urlsplit(server)
    name = f"bench_floor_{os.getpid()}"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="carethread-floor-"))
    with _throwaway_database(workdir) as database_url:
        _run(workdir, database_url)


def _run(workdir: Path, database_url: str) -> None:
    env = _environment(database_url)
    _manage(env, "migrate", "--no-input")
    seeded = json.loads(_manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    guide = any(selected(guide_label(target)) for target in GUIDE_PATHS)
    if guide:
        _manage(env, "seed_guide")  # approved by the superuser SEED created
    slots = seeded["slots"]
    needed = (ROUNDS + 1) * REQUESTS + 1
    if len(slots) < needed:
        raise SystemExit(f"only {len(slots)} free slots; lower BENCH_FLOOR_REQUESTS (needs {needed}).")
    taken, slots = slots[0], slots[1:]
    taken_request = _booking_requests([taken], 0)

    def bookings(round_index: int) -> list[Request]:
        start = (round_index + 1) * REQUESTS  # -1 (warm-up) takes the first block
        return _booking_requests(slots[start : start + REQUESTS], 10_000_000 + start)

    slot_list = f"/api/v1/experts/{seeded['expert']}/slots/?tz=Asia/Kolkata"
    with (
        _gunicorn(
            "django.core.wsgi:get_wsgi_application()",
            {**env, "DJANGO_SETTINGS_MODULE": "bench.floor"},
            workdir / "floor.log",
        ) as floor,
        _gunicorn("config.wsgi:application", env, workdir / "carethread.log") as site,
    ):
        assert _send(site, taken_request[0]) == 201
        cache_keys = [_guide_cache_keys(env["REDIS_URL"]) if guide else None]
        for target in GUIDE_PATHS if guide else ():  # warm the page cache: the timed requests below all hit it
            if (status := _send(site, ("GET", target, b"", {}))) != 200:
                raise SystemExit(f"guide page {target} answered {status}, not 200: is the guide seeded?")
        cache_keys.append(_guide_cache_keys(env["REDIS_URL"]) if guide else None)
        cases: list[tuple[str, int, Callable[[int], list[Request]], int]] = [
            ("floor GET /read/", floor, lambda r: [("GET", "/read/", b"", {})] * REQUESTS, 200),
            ("floor POST /write/", floor, lambda r: [_json("/write/", {"n": r})] * REQUESTS, 201),
            ("slots GET one expert", site, lambda r: [("GET", slot_list, b"", {})] * REQUESTS, 200),
            ("booking POST (201)", site, bookings, 201),
            ("booking POST taken slot (409)", site, lambda r: taken_request * REQUESTS, 409),
            ("inbound webhook (signed)", site, lambda r: _webhook_requests(1_000_000 * (r + 2)), 200),
            *((guide_label(target), site, _same_get(target), 200) for target in GUIDE_PATHS),
        ]
        results = dict(_median(*case) for case in cases if selected(case[0]))
        cache_keys.append(_guide_cache_keys(env["REDIS_URL"]) if guide else None)
        integrity = json.loads(_manage(env, "shell", "-c", INTEGRITY).strip().splitlines()[-1])
    if env["REDIS_URL"]:  # no qcluster ran: drop the delivery and routing tasks the load queued
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).delete(f"django_q:{env['Q_CLUSTER_NAME']}:q")
    vendor = database_url.split(":", 1)[0]
    print(
        f"database {vendor}, cache {'Redis' if env['REDIS_URL'] else 'LocMem'}, gunicorn {WORKERS} sync workers, "
        f"{REQUESTS} requests x {ROUNDS} rounds (median), {CLIENT_THREADS} client threads, {os.cpu_count()} CPUs"
    )
    print(f"{'case':<44}{'req/s':>9}{'vs floor':>10}")
    for label, rate in results.items():
        floor_rate = results["floor GET /read/" if "GET" in label else "floor POST /write/"]
        print(f"{label:<44}{rate:>9.1f}{rate / floor_rate:>10.2f}")
    print(f"after the load: {integrity}")
    if problem := guide_cache_verdict(*cache_keys):
        raise SystemExit(f"guide pages not timed from the page cache: {problem}")
    if guide:
        print(
            "guide pages: every timed request a cache hit (Redis)"
            if env["REDIS_URL"]
            else "guide pages: cached per worker (LocMem), hits not checked"
        )
    _summarize(results, integrity, vendor, bool(env["REDIS_URL"]))


GOALS = {"booking POST (201)": 0.5, "booking POST taken slot (409)": 1.0, "inbound webhook (signed)": 0.6}


def _summarize(results: dict[str, float], integrity: dict[str, int], vendor: str, redis: bool) -> None:
    from bench import _report

    where = f"{vendor}, {'Redis' if redis else 'LocMem'}, median of {ROUNDS}"
    if (read := results.get("floor GET /read/")) is not None:
        _report.add(f"floor GET /read/ ({where})", f"{read:.0f} req/s")
        for label in (guide_label(target) for target in GUIDE_PATHS if guide_label(target) in results):
            _report.add(label, f"{results[label]:.0f} req/s = {results[label] / read:.2f} x /read/")
    if (write := results.get("floor POST /write/")) is not None:
        _report.add(f"floor POST /write/ ({where})", f"{write:.0f} req/s")
    for label, goal in GOALS.items():
        if label not in results or write is None:
            continue
        ratio = results[label] / write
        _report.add(label, f"{results[label]:.0f} req/s = {ratio:.2f} x /write/", f">= {goal} x /write/", ratio >= goal)
    _report.add(
        "double bookings after the load", str(integrity["double_bookings"]), "0", integrity["double_bookings"] == 0
    )
    _report.add(
        "consults without exactly one confirmation",
        str(integrity["consults_without_one_confirmation"]),
        "0",
        integrity["consults_without_one_confirmation"] == 0,
    )


if __name__ == "__main__":
    main()
