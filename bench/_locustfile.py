"""Traffic for `make bench-prod` (run by bench/prod_topology.py, one locust process per phase).

CARETHREAD_MIX picks the phase:
- `bare`: only /bench/bare, the cheapest Django answer on the same topology (the baseline);
- `mixed`: what a clinic's site sees — pages, health checks, static files, slot look-ups and
  bookings, half of them fighting over a few popular slots (CARETHREAD_SLOTS_FILE lists the
  free slots found before the run), and Twilio's webhooks, signed with the test auth token:
  patients' inbound messages and status callbacks for messages sent before the run
  (CARETHREAD_SENT_FILE: [message id, SID, phone] triples).
"""

import itertools
import json
import os
import random
import uuid
from pathlib import Path

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser
from twilio.request_validator import RequestValidator

MIX = os.environ.get("CARETHREAD_MIX", "mixed")
_slots_file = os.environ.get("CARETHREAD_SLOTS_FILE", "")
SLOTS: list[dict] = json.loads(Path(_slots_file).read_text()) if _slots_file else []
HOT_SLOTS = SLOTS[:5]  # the popular times everybody wants
EXPERTS = sorted({slot["expert"] for slot in SLOTS})
_sent_file = os.environ.get("CARETHREAD_SENT_FILE", "")
SENT: list[list] = json.loads(Path(_sent_file).read_text()) if _sent_file else []
PUBLIC_BASE_URL = os.environ.get("CARETHREAD_PUBLIC_BASE_URL", "")
SIGNER = RequestValidator(os.environ.get("CARETHREAD_TWILIO_TOKEN", ""))
ACCOUNT_SID = os.environ.get("CARETHREAD_TWILIO_ACCOUNT", "")
CLINIC_NUMBER = os.environ.get("CARETHREAD_TWILIO_FROM", "")
# Bench patients' phones: a counter (random tails collide and would look like a booking made twice);
# +9196 keeps them apart from the set-up's +9198 patients.
_PHONE_SERIALS = itertools.count(random.SystemRandom().randrange(10**7) * 10)


class BareViewUser(FastHttpUser):
    """The baseline: full nginx + gunicorn + Django middleware, no database, no template."""

    wait_time = constant(0)
    weight = 1 if MIX == "bare" else 0

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare", name="bare view")


class ClinicVisitor(FastHttpUser):
    """Patients' browsers and apps, and the load balancer's health checks."""

    wait_time = constant(0)
    weight = 1 if MIX == "mixed" else 0

    @task(4)
    def home_page(self) -> None:
        self.client.get("/", name="home page")

    @task(1)
    def health_check(self) -> None:
        self.client.get("/healthz", name="healthz")

    @task(1)
    def stylesheet(self) -> None:
        self.client.get("/static/css/site.css", name="static css (nginx)")

    @task(4)
    def expert_slots(self) -> None:
        if EXPERTS:
            expert = random.choice(EXPERTS)
            self.client.get(f"/api/v1/experts/{expert}/slots/", name="slots of one expert (week)")

    @task(1)
    def slot_search(self) -> None:
        self.client.get("/api/v1/slots/?topic=diet", name="slot search, all experts (week)")

    @task(3)
    def booking(self) -> None:
        if not SLOTS:
            return
        slot = random.choice(HOT_SLOTS if random.random() < 0.5 else SLOTS)
        body = {
            "expert": slot["expert"],
            "start": slot["start"],
            "topic": "diet",
            "name": "Bench Patient",
            "phone": f"+9196{next(_PHONE_SERIALS) % 10**8:08d}",
            "channel": "sms",
            "consent_sms": True,
        }
        with self.client.post(
            "/api/v1/consults/",
            json=body,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            name="book (201 or 409 slot taken)",
            catch_response=True,
        ) as response:
            # Losing a popular slot to someone else is the correct answer, not an error.
            if response.status_code in (201, 409):
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    def _twilio_post(self, path: str, params: dict[str, str], name: str) -> None:
        signature = SIGNER.compute_signature(PUBLIC_BASE_URL + path, params)
        self.client.post(path, data=params, headers={"X-Twilio-Signature": signature}, name=name)

    @task(2)
    def inbound_message(self) -> None:
        # Mostly patients the clinic wrote to, sometimes an unknown number (becomes a lead).
        phone = random.choice(SENT)[2] if SENT and random.random() < 0.7 else "+9197" + str(uuid.uuid4().int)[:8]
        params = {
            "MessageSid": "SM" + uuid.uuid4().hex,
            "AccountSid": ACCOUNT_SID,
            "From": phone,
            "To": CLINIC_NUMBER,
            "Body": random.choice(["C", "Thank you", "Can I take the tablet after food?"]),
            "NumMedia": "0",
        }
        self._twilio_post("/messaging/twilio/inbound/", params, "twilio inbound webhook")

    @task(3)
    def status_callback(self) -> None:
        if not SENT:
            return
        message_id, sid, _ = random.choice(SENT)
        params = {
            "MessageSid": sid,
            "MessageStatus": random.choice(["sent", "delivered", "read"]),
            "AccountSid": ACCOUNT_SID,
        }
        self._twilio_post(f"/messaging/twilio/status/?m={message_id}", params, "twilio status callback")
