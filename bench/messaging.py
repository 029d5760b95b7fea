"""Messaging throughput, as ratios against the cheapest thing that does the same job.

1. Inbound: signed Twilio webhooks through the full Django stack (signature check, patient lookup
   or lead creation, insert, keyword check, routing task queued in the ORM broker) versus a bare
   Django view that only reads the form and answers empty TwiML.
2. Outbound: the whole pipeline (render, channel rules, insert, task through django-q2's worker,
   claim, Twilio SDK call, SID stored) versus raw `client.messages.create` calls, both against
   the same Prism mock of Twilio's API.

Each part runs in its own process with its own SQLite database (set BENCH_DATABASE_URL for
PostgreSQL) so the benchmark never touches a real database. Pacing is off (it would measure the
configured rate, not the code).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INBOUND_COUNT = int(os.environ.get("BENCH_MESSAGING_INBOUND", "600"))
OUTBOUND_COUNT = int(os.environ.get("BENCH_MESSAGING_OUTBOUND", "150"))
TOKEN = "bench-auth-token-0123456789abcdef"
ACCOUNT = "AC" + "0" * 32


def _spec() -> Path:
    return REPO / "tests" / "contract" / "twilio-oai" / "twilio_messages_v2010.json"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_prism() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    # -d: dynamic answers, so every message gets its own SID (the example SID would repeat).
    process = subprocess.Popen(
        [
            str(REPO / "node_modules" / ".bin" / "prism"),
            "mock",
            "-d",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "--errors",
            str(_spec()),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.2)
    return process, url


def _child_env(database_dir: str, prism_url: str, *, sync: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{database_dir}/bench.sqlite3",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY")
            or "bench-only-secret-key-not-for-production-0123456789abcd",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "testserver,localhost",
            "PUBLIC_BASE_URL": "https://clinic.example.org",
            "MESSAGING_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_SMS_FROM": "+14155550100",
            "TWILIO_API_BASE_URL": prism_url,
            "MESSAGING_SMS_PER_SECOND": "0",
            "MESSAGING_QUIET_HOURS_START": "00:00",
            "MESSAGING_QUIET_HOURS_END": "00:00",
            "REDIS_URL": "",
            "ALLOW_PROCESS_LOCAL_CACHE": "true",  # one web process and one worker; no shared limits to keep
            "Q_SYNC": "true" if sync else "false",
            "LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    return env


def main() -> None:
    if not (REPO / "node_modules" / ".bin" / "prism").exists():
        raise SystemExit("Prism is missing: run `make contract-mock`.")
    prism, prism_url = _start_prism()
    try:
        for part, sync in (("inbound", False), ("outbound", True)):
            folder = tempfile.mkdtemp(prefix="bench-messaging-")
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "bench.messaging", part],
                    cwd=REPO,
                    env=_child_env(folder, prism_url, sync=sync),
                    capture_output=True,
                    text=True,
                    timeout=900,
                )
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            print(done.stdout, end="")
            if done.returncode:
                print(done.stderr[-3000:])
                raise SystemExit(f"bench/messaging.py {part} failed")
    finally:
        prism.terminate()
        prism.wait(timeout=10)


# --- the measured parts (run in a child process) ------------------------------------------------


def _setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.1f}/s ({seconds * 1000 / count:.2f} ms each)"


def run_inbound() -> None:
    _setup_django()
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt
    from twilio.request_validator import RequestValidator

    from messaging.models import Message
    from messaging.webhooks import EMPTY_TWIML

    @csrf_exempt
    def bare(request):
        request.POST.get("Body")
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")

    urlconf = type("BenchUrls", (), {"urlpatterns": [path("bench/bare/", bare), path("", include("config.urls"))]})
    validator = RequestValidator(TOKEN)
    client = Client()
    url = "https://clinic.example.org/messaging/twilio/inbound/"

    def params(index: int) -> dict[str, str]:
        # 50 people: the first message of each makes a new lead, the rest find the patient.
        return {
            "MessageSid": f"SM{index:032d}",
            "AccountSid": ACCOUNT,
            "From": f"+9198765{index % 50:05d}",
            "To": "+14155550100",
            "Body": f"Question number {index}",
            "NumMedia": "0",
        }

    with override_settings(ROOT_URLCONF=urlconf):
        for index in range(20):  # warm-up
            client.post("/bench/bare/", params(index))
        started = time.perf_counter()
        for index in range(INBOUND_COUNT):
            client.post("/bench/bare/", params(index))
        bare_seconds = time.perf_counter() - started

        started = time.perf_counter()
        for index in range(INBOUND_COUNT):
            body = params(index)
            response = client.post(
                "/messaging/twilio/inbound/", body, HTTP_X_TWILIO_SIGNATURE=validator.compute_signature(url, body)
            )
            assert response.status_code == 200, response.content
        webhook_seconds = time.perf_counter() - started
    assert Message.objects.filter(direction="in").count() == INBOUND_COUNT
    print(f"inbound webhook  : {_rate(INBOUND_COUNT, webhook_seconds)}")
    print(f"bare Django view : {_rate(INBOUND_COUNT, bare_seconds)}")
    print(f"inbound ratio    : {webhook_seconds / bare_seconds:.1f}x the bare view's time per request")


def run_outbound() -> None:
    _setup_django()
    from django.db import transaction

    from messaging.models import Message, Status
    from messaging.services import message_send
    from messaging.twilio_client import twilio_client
    from patients.models import Patient

    patients = [
        Patient.objects.create(phone=f"+9198700{index:05d}", full_name=f"Bench {index}", consent_sms=True)
        for index in range(50)
    ]
    client = twilio_client()
    callback = "https://clinic.example.org/messaging/twilio/status/?m=1"
    for index in range(5):  # warm-up
        client.messages.create(
            to=str(patients[index].phone), from_="+14155550100", body="warm-up", status_callback=callback
        )

    started = time.perf_counter()
    for index in range(OUTBOUND_COUNT):
        client.messages.create(
            to=str(patients[index % 50].phone),
            from_="+14155550100",
            body="CareThread Clinic: for help call +91 80 4000 1234.",
            status_callback=callback,
        )
    raw_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for index in range(OUTBOUND_COUNT):
        with transaction.atomic():  # delivery runs on commit, through django-q2's worker (sync mode)
            message_send(patient=patients[index % 50], kind="help_reply", context={}, idempotency_key=f"bench:{index}")
    pipeline_seconds = time.perf_counter() - started
    accepted = Message.objects.filter(status__in=(Status.ACCEPTED, Status.SENT)).count()
    assert accepted == OUTBOUND_COUNT, f"only {accepted} of {OUTBOUND_COUNT} accepted"
    print(f"outbound pipeline: {_rate(OUTBOUND_COUNT, pipeline_seconds)}")
    print(f"raw SDK create   : {_rate(OUTBOUND_COUNT, raw_seconds)}")
    print(f"outbound ratio   : {pipeline_seconds / raw_seconds:.1f}x the raw SDK call's time per message")


if __name__ == "__main__":
    {"inbound": run_inbound, "outbound": run_outbound}[sys.argv[1]]()
