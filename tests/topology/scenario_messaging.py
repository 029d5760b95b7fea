"""Messaging against a running topology: Twilio-signed webhooks through nginx, batches of consult
reminders queued on the real workers, and the evidence that each went to Twilio exactly once
(the Message rows in PostgreSQL against the calls tests/topology/twilio_recorder.py saw)."""

import datetime as dt
import time
import uuid
from dataclasses import dataclass

import requests
from twilio.request_validator import RequestValidator

from tests.topology.harness import TWILIO_TEST_SID, TWILIO_TEST_SMS_FROM, TWILIO_TEST_TOKEN, Topology

# Follow-ups' consult reminder sweep (normally a django-q2 Schedule every minute), run as if the
# clock were `hours` ahead: consults starting 24-46 h from now get their day-before reminder now.
REMINDER_SWEEP_SCRIPT = """
from datetime import timedelta
from django.utils import timezone
from followups.consult_reminders import consult_reminders_send_due
print(consult_reminders_send_due(now=timezone.now() + timedelta(hours={hours})))
"""
REMINDER_CLOCK_AHEAD_HOURS = 22
# Slots whose day-before reminder that sweep sends: start between 25 and 45 hours from now.
REMINDER_WINDOW_HOURS = (25, 45)

SWEEP_SCRIPT = "from messaging.tasks import sweep; print(sweep())"


def signed_post(topology: Topology, path: str, params: dict[str, str], *, signature: str | None = None):
    """POST a webhook through nginx the way Twilio does: form-encoded, signed over the public URL."""
    url = topology.url(path)
    if signature is None:
        signature = RequestValidator(TWILIO_TEST_TOKEN).compute_signature(url, params)
    with topology.session() as session:
        return session.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=15)


def inbound_params(*, phone: str, body: str, sid: str | None = None) -> dict[str, str]:
    return {
        "MessageSid": sid or "SM" + uuid.uuid4().hex,
        "SmsMessageSid": sid or "SM" + uuid.uuid4().hex,
        "AccountSid": TWILIO_TEST_SID,
        "From": phone,
        "To": TWILIO_TEST_SMS_FROM,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
    }


def send_due_reminders(topology: Topology) -> int:
    """Queue the day-before reminders of consults 25-45 h ahead, through followups/consult_reminders.py."""
    script = REMINDER_SWEEP_SCRIPT.format(hours=REMINDER_CLOCK_AHEAD_HOURS)
    return int(topology.manage("shell", "-v", "0", "-c", script, check=True).stdout.strip().splitlines()[-1])


def reminder_ids(topology: Topology, references: list[str]) -> list[int]:
    """The consult_reminder messages of these consults (topic consult:<id>)."""
    rows = topology.sql(
        """SELECT m.id FROM messaging_message m JOIN consults_consult c ON m.topic = 'consult:' || c.id
           WHERE c.reference = ANY(%s) AND m.kind = 'consult_reminder' ORDER BY m.id""",
        (references,),
    )
    return [message_id for (message_id,) in rows]


def in_reminder_window(slot: dict) -> bool:
    start = dt.datetime.fromisoformat(slot["start"])
    now = dt.datetime.now(dt.UTC)
    low, high = REMINDER_WINDOW_HOURS
    return now + dt.timedelta(hours=low) < start < now + dt.timedelta(hours=high)


def due_unsent(topology: Topology) -> int:
    """Outbound messages due now and not yet handed to Twilio (future reminders do not count)."""
    return topology.sql(
        "SELECT count(*) FROM messaging_message WHERE status IN ('queued', 'sending') AND not_before <= now()"
    )[0][0]


def sent_count(topology: Topology, message_ids: list[int]) -> int:
    return topology.sql(
        "SELECT count(*) FROM messaging_message WHERE id = ANY(%s) AND twilio_sid IS NOT NULL", (message_ids,)
    )[0][0]


def wait_until(predicate, *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def wait_until_settled(topology: Topology, message_ids: list[int], *, quiet_for: float = 3.0, timeout: float = 60):
    """Wait until no more of these messages get a SID for `quiet_for` seconds (workers are idle)."""
    deadline = time.monotonic() + timeout
    last, since = sent_count(topology, message_ids), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        current = sent_count(topology, message_ids)
        if current != last:
            last, since = current, time.monotonic()
        elif time.monotonic() - since >= quiet_for:
            return last
    return last


def let_sending_timeout_pass(topology: Topology, message_ids: list[int]) -> None:
    """Age the claims, queue stamps and send markers of unfinished messages by an hour: what
    MESSAGING_SENDING_TIMEOUT_SECONDS (300 s) and MESSAGING_RECONCILE_AFTER_SECONDS (120 s) of
    waiting would do, without the test waiting for them. Only call it once the surviving workers
    are idle (wait_until_settled), as the real timeouts guarantee."""
    topology.sql(
        """UPDATE messaging_message SET claimed_at = claimed_at - interval '1 hour',
                  enqueued_at = enqueued_at - interval '1 hour',
                  send_started_at = send_started_at - interval '1 hour'
            WHERE id = ANY(%s) AND twilio_sid IS NULL""",
        (message_ids,),
    )


@dataclass
class ExactlyOnce:
    messages: int
    with_sid: int
    distinct_sids: int
    api_sends: dict  # message id -> number of Messages.json POSTs for its recipient and text
    sid_matches: bool  # each row's SID is the one the (mock) Twilio gave for its one send

    @property
    def exactly_once(self) -> bool:
        return (
            self.with_sid == self.messages == self.distinct_sids
            and all(count == 1 for count in self.api_sends.values())
            and self.sid_matches
        )


def exactly_once_report(topology: Topology, message_ids: list[int]) -> ExactlyOnce:
    rows = topology.sql(
        "SELECT id, twilio_sid, to_address, body FROM messaging_message WHERE id = ANY(%s)", (message_ids,)
    )
    posts = [
        call
        for call in topology.twilio_requests()
        if call["method"] == "POST" and call["path"].endswith("/Messages.json") and call["status"] == 201
    ]
    api_sends, sid_matches = {}, True
    for message_id, sid, to_address, body in rows:
        sends = [call for call in posts if call["form"].get("To") == to_address and call["form"].get("Body") == body]
        api_sends[message_id] = len(sends)
        sid_matches = sid_matches and len(sends) == 1 and sends[0]["sid"] == sid
    sids = [sid for _, sid, _, _ in rows if sid]
    return ExactlyOnce(
        messages=len(rows),
        with_sid=len(sids),
        distinct_sids=len(set(sids)),
        api_sends=api_sends,
        sid_matches=sid_matches,
    )


def message_rows(topology: Topology, *, phone: str, kind: str) -> list[tuple]:
    return topology.sql(
        """SELECT m.id, m.status, m.twilio_sid, m.body FROM messaging_message m
           JOIN patients_patient p ON p.id = m.patient_id WHERE p.phone = %s AND m.kind = %s ORDER BY m.id""",
        (phone, kind),
    )


def post_status_callback(topology: Topology, message_id: int, sid: str, status: str) -> requests.Response:
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": TWILIO_TEST_SID, "To": "", "From": ""}
    return signed_post(topology, f"/messaging/twilio/status/?m={message_id}", params)
