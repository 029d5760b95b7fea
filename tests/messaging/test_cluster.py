"""One message all the way through a real `manage.py qcluster`: separate processes, the ORM broker,
signed task packages, forked workers, result saving and acknowledgement. (The sweeper Schedule
is fed to django-q2's own scheduler function in test_delivery.py; the cluster only calls that
every ~15 s, too slow to wait for here.)

It uses its own SQLite file (the test database is in memory or inside a test transaction, which
another process cannot see), a copy of the run's migrated file (tests/conftest.py), and the console backend.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

# Starts a real qcluster on its own SQLite file. The database under test plays no part,
# so the PostgreSQL pass of `make test` would only repeat the same run: it runs in the SQLite pass.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="uses its own SQLite file; run in the SQLite pass"),
]

REPO = Path(__file__).resolve().parents[2]

SEND = """
from django.db import transaction
from messaging.services import message_send
from patients.models import Patient
with transaction.atomic():
    patient = Patient.objects.create(phone="+919999900077", full_name="Cluster Test", consent_sms=True)
    message = message_send(patient=patient, kind="help_reply", context={}, idempotency_key="cluster-1", urgent=True)
print(message.pk)
"""


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )  # an upper bound under load, not a timing assertion
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_message_is_delivered_by_a_real_qcluster_process(tmp_path, migrated_sqlite_file):
    database = migrated_sqlite_file
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "MESSAGING_BACKEND": "console",
        "REDIS_URL": "",
        "Q_SYNC": "false",
        "Q_WORKERS": "1",
        "MESSAGING_QUIET_HOURS_START": "00:00",
        "MESSAGING_QUIET_HOURS_END": "00:00",
    }
    message_id = int(manage(env, "shell", "-c", SEND).strip().splitlines()[-1])

    log = (tmp_path / "qcluster.log").open("w")
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = sid = None
        while time.monotonic() < deadline:
            with sqlite3.connect(database, timeout=5) as connection:
                status, sid = connection.execute(
                    "SELECT status, twilio_sid FROM messaging_message WHERE id = ?", (message_id,)
                ).fetchone()
                acknowledged = not connection.execute("SELECT COUNT(*) FROM django_q_ormq").fetchone()[0]
            if status == "sent" and acknowledged:
                break
            time.sleep(0.3)
    finally:
        cluster.send_signal(signal.SIGTERM)
        try:
            cluster.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
        log.close()
    output = (tmp_path / "qcluster.log").read_text()
    assert (status, (sid or "")[:7]) == ("sent", "CONSOLE"), output[-3000:]
    assert "OUTGOING SMS" in output  # the console backend's frame, printed by the worker
    assert "to:      +919999900077" in output
    with sqlite3.connect(database) as connection:
        assert connection.execute(
            "SELECT success FROM django_q_task WHERE func = 'messaging.tasks.deliver'"
        ).fetchone() == (1,)
        assert connection.execute("SELECT COUNT(*) FROM django_q_ormq").fetchone() == (0,)  # acknowledged
