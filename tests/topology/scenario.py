"""Clinic traffic against a running topology: patients booking through nginx, and the audit that
proves no booking was lost or doubled. Used by the topology test and by bench-prod's set-up.

Each simulated patient books from its own loopback address (127.1.x.y), as real patients come
from their own addresses: nginx's per-address zones and Django's per-address booking throttle
stay exactly as shipped, and still never refuse the load.
"""

import itertools
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from tests.topology.harness import Topology

RETRYABLE = {502, 503, 504}

# Extra experts for load: every day 08:00-20:00 (clinic time), so slots do not run out mid-run.
LOAD_EXPERTS_SCRIPT = """
from datetime import time
from consults.models import Expert, ExpertRole
for n in range({count}):
    expert, created = Expert.objects.get_or_create(
        display_name=f"Load test expert {{n:02d}}",
        defaults=dict(role=ExpertRole.NUTRITIONIST, languages=["en", "hi"], time_zone="Asia/Kolkata"),
    )
    if created:
        for weekday in range(7):
            expert.availability.create(weekday=weekday, start_time=time(8, 0), end_time=time(20, 0))
print(Expert.objects.filter(active=True).count())
"""


def seed_load_experts(topology: Topology, count: int = 20) -> int:
    """Create `count` experts with long daily hours; returns the number of active experts."""
    result = topology.manage("shell", "-v", "0", "-c", LOAD_EXPERTS_SCRIPT.format(count=count), check=True)
    return int(result.stdout.strip().splitlines()[-1])


def fetch_slots(topology: Topology, *, days: int = 6, source_address: str | None = None) -> list[dict]:
    """Every free slot in the coming days, all experts, through nginx (GET /api/v1/slots/)."""
    slots: list[dict] = []
    url: str | None = topology.url(f"/api/v1/slots/?to={_day_after(days)}")
    with topology.session(source_address=source_address) as session:
        while url:
            response = session.get(url, timeout=30)
            response.raise_for_status()
            body = response.json()
            slots += body["results"]
            url = body["next"]
    return slots


def _day_after(days: int) -> str:
    return (datetime.now(ZoneInfo("Asia/Kolkata")).date() + timedelta(days=days)).isoformat()


class LoopbackAddresses:
    """127.1.0.1, 127.1.0.2, …: one address per simulated patient (thread-safe)."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            number = next(self._numbers)
        return f"127.1.{number // 250}.{number % 250 + 1}"


@dataclass
class BookingOutcome:
    key: str
    phone: str
    slot: dict
    status: int | str = "not sent"
    reference: str | None = None
    tries: int = 0
    retried_on: list = field(default_factory=list)


# A counter, not random digits: random 8-digit tails collide within a run often enough (about 1 in 150
# runs of 700 bookings) to make two simulated patients share a phone and look like a doubled booking.
_PHONE_SERIALS = itertools.count(random.SystemRandom().randrange(10**7) * 10)


def new_phone() -> str:
    """A valid Indian mobile number nobody else in this process has (itertools.count is thread-safe)."""
    return f"+9198{next(_PHONE_SERIALS) % 10**8:08d}"


def book(topology: Topology, slot: dict, *, source_address: str, tries: int = 8) -> BookingOutcome:
    """POST /api/v1/consults/ like a careful client: one Idempotency-Key, retried on 502/503/504 and
    on connection errors (the answer may have been lost after the booking committed)."""
    outcome = BookingOutcome(key=uuid.uuid4().hex, phone=new_phone(), slot=slot)
    body = {
        "expert": slot["expert"],
        "start": slot["start"],
        "topic": "diet",
        "name": "Load Test Patient",
        "phone": outcome.phone,
        "channel": "sms",
        "consent_sms": True,
    }
    with topology.session(source_address=source_address) as session:
        for attempt in range(tries):
            outcome.tries = attempt + 1
            try:
                response = session.post(
                    topology.url("/api/v1/consults/"), json=body, headers={"Idempotency-Key": outcome.key}, timeout=30
                )
            except requests.RequestException as exc:
                outcome.retried_on.append(type(exc).__name__)
                time.sleep(0.2 * (attempt + 1))
                continue
            outcome.status = response.status_code
            if response.status_code in RETRYABLE:
                outcome.retried_on.append(response.status_code)
                time.sleep(0.2 * (attempt + 1))
                continue
            if response.status_code == 201:
                outcome.reference = response.json()["reference"]
            return outcome
    return outcome


def booking_load(
    topology: Topology, slots: list[dict], *, stop: threading.Event, clients: int = 6, hot: int = 5
) -> tuple[list[BookingOutcome], list[threading.Thread]]:
    """Threads booking until `stop`: half the attempts fight over the first `hot` slots."""
    outcomes: list[BookingOutcome] = []
    addresses = LoopbackAddresses()
    rng = random.Random(7)  # load shape, not security
    hot_slots, other_slots = slots[:hot], slots[hot:]

    def client() -> None:
        while not stop.is_set():
            slot = rng.choice(hot_slots if rng.random() < 0.5 or not other_slots else other_slots)
            outcomes.append(book(topology, slot, source_address=addresses.next()))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return outcomes, threads


def overlapping_active_consults(topology: Topology) -> int:
    """Pairs of active consults of one expert that overlap: the double bookings (must be 0)."""
    return topology.sql(
        """SELECT count(*) FROM consults_consult a JOIN consults_consult b
           ON a.expert_id = b.expert_id AND a.id < b.id
          AND tstzrange(a.start, a."end") && tstzrange(b.start, b."end")
        WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'"""
    )[0][0]


@dataclass
class BookingAudit:
    attempts: int
    booked: int  # answered 201
    taken: int  # answered 409 (someone else had the slot)
    unanswered: list  # no final answer after retries (a lost request)
    retried: int  # attempts that needed a retry (node killed under them)
    lost: list  # 201 answered, but no such consult in the database
    phantom: list  # consult in the database for a request not answered 201
    doubled: list  # phones (one per attempt) with more than one consult
    overlaps: int  # double bookings of an expert's time

    @property
    def clean(self) -> bool:
        return not (self.unanswered or self.lost or self.phantom or self.doubled or self.overlaps)


def audit_bookings(topology: Topology, outcomes: list[BookingOutcome]) -> BookingAudit:
    """Compare what clients were told with the rows in PostgreSQL."""
    keys = [outcome.key for outcome in outcomes]
    rows = topology.sql(
        "SELECT c.idempotency_key, c.reference, c.status FROM consults_consult c WHERE c.idempotency_key = ANY(%s)",
        (keys,),
    )
    by_key = {key: reference for key, reference, _ in rows}
    phones = [outcome.phone for outcome in outcomes]
    per_phone = topology.sql(
        """SELECT p.phone, count(*) FROM consults_consult c JOIN patients_patient p ON p.id = c.patient_id
           WHERE p.phone = ANY(%s) GROUP BY p.phone HAVING count(*) > 1""",
        (phones,),
    )
    booked = [outcome for outcome in outcomes if outcome.status == 201]
    return BookingAudit(
        attempts=len(outcomes),
        booked=len(booked),
        taken=sum(1 for outcome in outcomes if outcome.status == 409),
        unanswered=[outcome for outcome in outcomes if outcome.status not in (201, 409)],
        retried=sum(1 for outcome in outcomes if outcome.retried_on),
        lost=[outcome for outcome in booked if by_key.get(outcome.key) != outcome.reference],
        phantom=[outcome for outcome in outcomes if outcome.status != 201 and outcome.key in by_key],
        doubled=per_phone,
        overlaps=overlapping_active_consults(topology),
    )
