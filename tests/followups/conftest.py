"""Fixtures for follow-ups: a consenting SMS patient, inbound replies, sweeps at a frozen time."""

import itertools
from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from messaging.models import Direction, Message, Status
from messaging.services import conversation_for_patient
from tests.factories.people import PatientFactory
from tests.messaging.conftest import messaging_settings, outbox  # noqa: F401 (fixtures: settings, an empty outbox)

_sids = itertools.count(1)


@pytest.fixture(autouse=True)
def followup_settings(settings):
    """Follow-ups' periods; messaging's own test settings (locmem backend, no rate limits, quiet hours off) and its
    emptied outbox come with the fixtures imported above, autouse here as in tests/messaging."""
    settings.FOLLOWUPS_MONITORING_DAYS_BEFORE = 3
    settings.FOLLOWUPS_MONITORING_OVERDUE_DAYS = 14
    settings.FOLLOWUPS_RESOURCE_FOLLOW_UP_DAYS = 7
    return settings


@pytest.fixture
def patient(db, alice):
    return PatientFactory(phone="+919876511111", full_name="Asha Verma", consent_sms=True, coordinator=alice)


@pytest.fixture
def london(db, alice):
    return PatientFactory(
        phone="+447700900123", full_name="Tom Hill", consent_sms=True, time_zone="Europe/London", coordinator=alice
    )


def make_inbound(patient, body: str, *, at: datetime | None = None, channel: str = "sms") -> Message:
    return Message.objects.create(
        conversation=conversation_for_patient(patient),
        patient=patient,
        direction=Direction.INBOUND,
        channel=channel,
        kind="inbound",
        body=body,
        status=Status.RECEIVED,
        twilio_sid=f"SM{next(_sids):032d}",
        created_at=at or timezone.now(),
    )


def mark_accepted(message: Message) -> Message:
    """As if Twilio took the prompt (replies are matched to prompts Twilio accepted)."""
    Message.objects.filter(pk=message.pk).update(
        status=Status.DELIVERED, accepted_at=message.created_at, twilio_sid=f"SM{next(_sids):032d}"
    )
    message.refresh_from_db()
    return message


@pytest.fixture
def at() -> Callable:
    """Run a callable with the clock frozen at `moment`."""

    def run(moment: datetime, func: Callable, **kwargs):
        with time_machine.travel(moment, tick=False):
            return func(**kwargs)

    return run


def outbound(kind: str | None = None, patient=None) -> list[Message]:
    queryset = Message.objects.filter(direction=Direction.OUTBOUND)
    if kind:
        queryset = queryset.filter(kind=kind)
    if patient is not None:
        queryset = queryset.filter(patient=patient)
    return list(queryset.order_by("created_at", "pk"))
