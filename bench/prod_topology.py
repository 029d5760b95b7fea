"""`make bench-prod`: load through the production topology on loopback, at most 60 s of traffic.

Starts tests/topology/harness.py (nginx -> two gunicorn nodes, PostgreSQL, Redis, two qcluster workers,
Prism), runs locust headless twice — the bare Django view as baseline, then the clinic's traffic
mix — and prints requests/s, p50/p95/p99, errors, double bookings and the ratio to the baseline.
Figures also go to var/bench-prod.json; deploy/README.md quotes them with the machine's details.
"""

import csv
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from tests.topology.harness import (
    PROJECT_ROOT,
    TWILIO_TEST_SID,
    TWILIO_TEST_SMS_FROM,
    TWILIO_TEST_TOKEN,
    Topology,
    TopologySettings,
    missing_services,
)
from tests.topology.scenario import LoopbackAddresses, book, fetch_slots, overlapping_active_consults, seed_load_experts
from tests.topology.scenario_messaging import wait_until

USERS = int(os.environ.get("BENCH_PROD_USERS", "12"))
BARE_SECONDS = 15
MIXED_SECONDS = 40  # with the baseline: 55 s of load, inside the 60 s budget


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
    return {
        "cpu": f"{os.cpu_count()} x {cpu}",
        "memory": f"{memory_kb / 1024 / 1024:.0f} GiB",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "nginx": nginx,
    }


def run_locust(topology: Topology, mix: str, seconds: int, data: dict[str, Path]) -> dict:
    """One headless locust run; returns the aggregated and per-endpoint figures."""
    prefix = topology.workdir / f"locust-{mix}"
    env = {
        **os.environ,
        "CARETHREAD_MIX": mix,
        "CARETHREAD_SLOTS_FILE": str(data["slots"]),
        "CARETHREAD_SENT_FILE": str(data["sent"]),
        "CARETHREAD_PUBLIC_BASE_URL": topology.base_url,
        "CARETHREAD_TWILIO_TOKEN": TWILIO_TEST_TOKEN,
        "CARETHREAD_TWILIO_ACCOUNT": TWILIO_TEST_SID,
        "CARETHREAD_TWILIO_FROM": TWILIO_TEST_SMS_FROM,
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(PROJECT_ROOT / "bench" / "_locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--host",
            topology.base_url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        timeout=seconds + 60,
        stdout=subprocess.DEVNULL,
    )
    rows = list(csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open()))
    return {row["Name"]: figures(row) for row in rows}


def figures(row: dict[str, str]) -> dict[str, float]:
    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def prepare(topology: Topology) -> tuple[int, dict[str, Path]]:
    """Experts with room for bookings, the free slots, and messages already sent (whose status
    callbacks the run will post): 40 patients book first and get their confirmations."""
    experts = seed_load_experts(topology, count=20)
    slots = fetch_slots(topology)
    addresses = LoopbackAddresses()
    for slot in slots[-40:]:
        book(topology, slot, source_address=addresses.next())
    query = "SELECT count(*) FROM messaging_message WHERE direction = 'out' AND twilio_sid IS NULL"
    wait_until(lambda: topology.sql(query)[0][0] == 0, timeout=60)
    sent = topology.sql(
        """SELECT m.id, m.twilio_sid, p.phone FROM messaging_message m JOIN patients_patient p ON p.id = m.patient_id
           WHERE m.direction = 'out' AND m.twilio_sid IS NOT NULL"""
    )
    data = {"slots": topology.workdir / "slots.json", "sent": topology.workdir / "sent.json"}
    data["slots"].write_text(json.dumps(slots[:-40]))
    data["sent"].write_text(json.dumps([list(row) for row in sent]))
    return experts, data


def booking_figures(topology: Topology) -> dict[str, int]:
    """What the bookings left in PostgreSQL: consults, double bookings, patients booked twice."""
    consults = topology.sql("SELECT count(*) FROM consults_consult WHERE idempotency_key IS NOT NULL")[0][0]
    # Every bench booking uses a new phone number: a patient with two consults is a doubled request.
    doubled = topology.sql(
        """SELECT count(*) FROM (SELECT c.patient_id FROM consults_consult c
           WHERE c.idempotency_key IS NOT NULL GROUP BY c.patient_id HAVING count(*) > 1) AS twice"""
    )[0][0]
    return {"consults": consults, "double_bookings": overlapping_active_consults(topology), "doubled": doubled}


def print_report(report: dict) -> None:
    print(f"machine: {report['machine']}")
    print(f"topology: {report['topology']}")
    print(f"{'endpoint':<44}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    for phase in ("bare", "mixed"):
        for name, row in report[phase].items():
            label = f"[{phase}] {name}"
            print(
                f"{label:<44}{row['requests']:>10}{row['errors']:>8}{row['rps']:>9}{row['p50_ms']:>8.0f}"
                f"{row['p95_ms']:>8.0f}{row['p99_ms']:>8.0f}"
            )
    print(f"mixed / bare throughput: {report['ratio_rps']:.2f}   p50 ratio: {report['ratio_p50']:.2f}")
    bookings = report["bookings"]
    print(
        f"consults booked: {bookings['consults']}, double bookings: {bookings['double_bookings']}, "
        f"requests booked twice: {bookings['doubled']}"
    )


def main() -> None:
    settings = TopologySettings(
        # All load comes from 127.0.0.1: exempt it from nginx's per-client zones, and lift Django's
        # per-IP throttles, or the run would measure the rate limiter instead of the application.
        exempt_addresses=["127.0.0.1", "127.0.0.2"],
        extra_env={
            "BENCH_BARE_VIEW": "1",
            "THROTTLE_BOOKING_IP": "1000000/hour",
            "THROTTLE_PUBLIC_READ": "1000000/hour",
        },
    )
    missing = missing_services(settings.pg_admin_url)
    if missing:
        print(f"SKIPPED bench-prod: missing {'; '.join(missing)}")
        return
    started = time.monotonic()
    with Topology(settings) as topology:
        experts, data = prepare(topology)
        bare = run_locust(topology, "bare", BARE_SECONDS, data)
        mixed = run_locust(topology, "mixed", MIXED_SECONDS, data)
        bookings = booking_figures(topology)
    report = {
        "machine": machine(),
        "topology": f"nginx + {settings.web_nodes} gunicorn nodes x {settings.gunicorn_workers} sync workers, "
        f"{settings.worker_nodes} qcluster x {settings.q_workers}, {USERS} locust users, {experts} experts, "
        "all on loopback",
        "bare": bare,
        "mixed": mixed,
        "ratio_rps": mixed["Aggregated"]["rps"] / bare["Aggregated"]["rps"],
        "ratio_p50": mixed["Aggregated"]["p50_ms"] / max(bare["Aggregated"]["p50_ms"], 1),
        "bookings": bookings,
        "wall_seconds": round(time.monotonic() - started),
    }
    print_report(report)
    out = PROJECT_ROOT / "var" / "bench-prod.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")
