"""Fixtures for messaging: the locmem outbox, signed Twilio webhooks, a queue drained through
django-q2's own broker/worker/monitor functions, and the Twilio contract mock (Prism)."""

import contextlib
import multiprocessing
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from consults.models import Consult
from messaging.backends import LocmemBackend
from messaging.models import Message, Status
from messaging.services import message_send
from tests.factories.people import PatientFactory

REPO = Path(__file__).resolve().parents[2]
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "0" * 32


@pytest.fixture(autouse=True)
def messaging_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.MESSAGING_BACKEND = "locmem"
    settings.MESSAGING_SMS_PER_SECOND = 0
    settings.MESSAGING_WHATSAPP_PER_SECOND = 0
    settings.MESSAGING_NOTIFY_BY_EMAIL = False
    # Quiet hours off unless a test is about them, so tests do not depend on the time of day.
    settings.MESSAGING_QUIET_HOURS_START = "00:00"
    settings.MESSAGING_QUIET_HOURS_END = "00:00"
    return settings


@pytest.fixture(autouse=True)
def outbox() -> Iterator[list[dict]]:
    LocmemBackend.reset()
    yield LocmemBackend.outbox
    LocmemBackend.reset()


@pytest.fixture
def patient(db):
    return PatientFactory(phone="+919876500001", full_name="Asha Verma", consent_sms=True)


@pytest.fixture
def whatsapp_patient(db):
    return PatientFactory(
        phone="+919876500002",
        full_name="Ravi Kumar",
        consent_sms=True,
        consent_whatsapp=True,
        preferred_channel="whatsapp",
    )


def deliver_consult_reminder(consult: Consult) -> Message:
    """The consult's day-before reminder, sent and delivered: the message a C, R or X reply answers."""
    reminder = message_send(
        patient=consult.patient,
        kind="consult_reminder",
        idempotency_key="reminder-24h",
        context={"starts_at": consult.start},
        topic=f"consult:{consult.pk}",
    )
    Message.objects.filter(pk=reminder.pk).update(
        status=Status.DELIVERED, accepted_at=timezone.now(), twilio_sid="SM" + "7" * 32
    )
    return reminder


def sign(url: str, params: dict[str, str]) -> str:
    return RequestValidator(AUTH_TOKEN).compute_signature(url, params)


@pytest.fixture
def twilio_post(client):
    """POST form parameters to a webhook path, signed the way Twilio signs them."""

    def post(path: str, params: dict[str, str], *, signature: str | None = None, signed_url: str | None = None):
        url = signed_url or f"https://clinic.example.org{path}"
        headers = {} if signature == "" else {"HTTP_X_TWILIO_SIGNATURE": signature or sign(url, params)}
        return client.post(path, params, **headers)

    return post


def drain_queue(max_rounds: int = 20) -> list[dict]:
    """Run every task waiting in the ORM broker through django-q2's own pipeline: broker.dequeue,
    signature check, worker() executing the function, monitor() saving the result and acknowledging.
    Only the process fork of `qcluster` is skipped (tests/messaging/test_cluster.py covers that)."""
    from django_q.brokers import get_broker
    from django_q.monitor import monitor
    from django_q.queues import Queue
    from django_q.signing import SignedPackage
    from django_q.worker import worker

    broker = get_broker()
    done: list[dict] = []
    for _ in range(max_rounds):
        if not broker.queue_size():
            break  # dequeue() would sleep for the poll interval on an empty queue
        packages = broker.dequeue()
        if not packages:
            break
        task_queue, result_queue = Queue(), Queue()
        for ack_id, payload in packages:
            task = SignedPackage.loads(payload)
            task["ack_id"] = ack_id
            task_queue.put(task)
        task_queue.put("STOP")
        worker(task_queue, result_queue, multiprocessing.Value("f", -1))
        results = [result_queue.get(timeout=5) for _ in packages]
        for item in results:
            result_queue.put(item)
        result_queue.put("STOP")
        monitor(result_queue, broker)
        done.extend(results)
    return done


@pytest.fixture
def run_tasks(monkeypatch, django_capture_on_commit_callbacks):
    """Call with a block's on-commit callbacks executed, then drain the queue; returns task records."""
    # The real worker, monitor and scheduler close "old" DB connections between tasks; inside a test
    # transaction that would abort the test's own transaction, so this one step is skipped here.
    for module in ("worker", "monitor", "scheduler"):
        monkeypatch.setattr(f"django_q.{module}.close_old_django_connections", lambda: None)
    return drain_queue


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks of the block (as if its transaction committed)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- Twilio contract mock ----------------------------------------------------------------------


def find_spec(name: str = "twilio_messages_v2010.json") -> Path:
    """Twilio's spec copied into the repository (tests/contract/twilio-oai/, Apache-2.0)."""
    explicit = os.environ.get("TWILIO_OAI_SPEC")
    if explicit and name == "twilio_messages_v2010.json":
        return Path(explicit)
    return REPO / "tests" / "contract" / "twilio-oai" / name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def prism_serving(spec: Path, log_dir: Path) -> Iterator[str]:
    """Run Prism (`--errors`: requests that break the spec get 422) on `spec`; yields its base URL."""
    prism = REPO / "node_modules" / ".bin" / "prism"
    if not prism.exists():
        pytest.fail("Prism is missing: run `make contract-mock` (npm install) first.")
    if not spec.is_file():
        pytest.fail(f"Twilio OpenAPI spec not found at {spec}.")
    port = free_port()
    log = (log_dir / "prism.log").open("w")
    process = subprocess.Popen(
        [str(prism), "mock", "-h", "127.0.0.1", "-p", str(port), "--errors", str(spec)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"Prism exited early with code {process.returncode}; see {log.name}")
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers (404 for /): ready
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("Prism did not start within 60 s.")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def prism_url(tmp_path_factory) -> Iterator[str]:
    with prism_serving(find_spec(), tmp_path_factory.mktemp("prism")) as url:
        yield url


@pytest.fixture(scope="session")
def prism_verify_url(tmp_path_factory) -> Iterator[str]:
    """Prism serving Twilio Verify v2 (a second mock: one spec per Prism process)."""
    with prism_serving(find_spec("twilio_verify_v2.json"), tmp_path_factory.mktemp("prism-verify")) as url:
        yield url
