"""Rows of patient activity for aggregate reports: messages in a conversation and daily dose answers.

Built as plain rows (not through messaging's send path) because the reports read what was stored,
whatever path stored it; each helper sets only the fields the reports read plus the required ones.
"""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser

from followups.models import DoseRecord
from messaging.models import Direction, Message, Status
from messaging.services import conversation_for_patient
from patients.models import Patient


def inbound(patient: Patient, at: datetime, body: str = "A question") -> Message:
    return Message.objects.create(
        conversation=conversation_for_patient(patient),
        patient=patient,
        direction=Direction.INBOUND,
        channel="sms",
        kind="inbound",
        body=body,
        status=Status.RECEIVED,
        twilio_sid=f"SM{uuid.uuid4().hex}",
        created_at=at,
    )


def outbound(
    patient: Patient,
    at: datetime,
    *,
    by: AbstractBaseUser | None = None,
    status: str = Status.SENT,
    reason: str = "",
    error_code: str = "",
    kind: str = "staff_reply",
) -> Message:
    """A message to the patient; `by` set means a person sent it (a staff reply), None means automatic."""
    return Message.objects.create(
        conversation=conversation_for_patient(patient),
        patient=patient,
        direction=Direction.OUTBOUND,
        channel="sms",
        kind=kind,
        body="A reply",
        status=status,
        status_reason=reason,
        error_code=error_code,
        sent_by=by,
        idempotency_key=f"test-{uuid.uuid4().hex}",
        created_at=at,
    )


def dose(patient: Patient, day: date, status: str) -> DoseRecord:
    reminded = datetime.combine(day, time(9), tzinfo=ZoneInfo("Asia/Kolkata"))
    return DoseRecord.objects.create(
        patient=patient, day=day, status=status, reminded_at=reminded, confirm_by=reminded + timedelta(hours=12)
    )
