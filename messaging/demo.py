"""Fictional demo conversations for the console (idempotent: keyed by demo SIDs and keys)."""

import datetime as dt
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from messaging.inbound import InboundMessage, inbound_record, inbound_route
from messaging.models import Message, Status
from messaging.services import message_send
from messaging.whatsapp_templates import whatsapp_templates_seed_demo
from patients.models import Patient

CLINIC_NUMBER = "+14155550100"


def _inbound(sid: str, phone: str, body: str, *, channel: str, minutes_ago: int, profile_name: str = "") -> None:
    address = f"whatsapp:{phone}" if channel == "whatsapp" else phone
    message, created = inbound_record(
        inbound=InboundMessage(
            sid=sid,
            channel=channel,
            phone=phone,
            body=body,
            media_urls=[],
            from_address=address,
            to_address=CLINIC_NUMBER,
            profile_name=profile_name,
        )
    )
    if created:
        when = timezone.now() - dt.timedelta(minutes=minutes_ago)
        Message.objects.filter(pk=message.pk).update(created_at=when)
        inbound_route(message_id=message.pk)


def _outbound(
    patient: Patient,
    key: str,
    kind: str,
    context: dict,
    *,
    status: str,
    minutes_ago: int,
    error_code: str = "",
    reason: str = "",
) -> None:
    if Message.objects.filter(idempotency_key=key).exists():
        return
    message = message_send(patient=patient, kind=kind, context=context, idempotency_key=key, urgent=True)
    if message.status != Status.QUEUED:
        return
    when = timezone.now() - dt.timedelta(minutes=minutes_ago)
    # As Twilio's status callbacks would have left it (the demo sends nothing).
    Message.objects.filter(pk=message.pk).update(
        status=status,
        twilio_sid=None if status == Status.FAILED else f"SM{message.pk:032d}",
        accepted_at=None if status == Status.FAILED else when,
        created_at=when,
        status_changed_at=when,
        error_code=error_code,
        status_reason=reason,
        enqueued_at=when,
    )


@transaction.atomic
def seed(out: TextIO) -> None:
    if settings.MESSAGING_BACKEND != "twilio":
        # Stand-ins so WhatsApp bookings, reminders and the "send the template" button work
        # locally; a real clinic pastes the ContentSids Meta approved.
        added = whatsapp_templates_seed_demo()
        out.write(f"Demo WhatsApp templates: {added} added (clearly fake ContentSids, replace before going live).\n")
    patients = {str(patient.phone): patient for patient in Patient.objects.filter(phone__startswith="+9199999000")}
    asha, ravi, lakshmi = (patients.get(phone) for phone in ("+919999900001", "+919999900002", "+919999900003"))
    if not (asha and ravi and lakshmi):
        out.write("Demo conversations skipped: run patients' demo seed first.\n")
        return
    starts_at = timezone.now() + dt.timedelta(days=2)
    _outbound(
        asha,
        "demo:asha:confirmation",
        "consult_confirmation",
        {"starts_at": starts_at, "expert_name": "Dr Rao"},
        status=Status.DELIVERED,
        minutes_ago=26 * 60,
    )
    _inbound(
        "SMdemo00000000000000000000000001",
        "+919999900001",
        "Hello, can I bring my old reports to the consult?",
        channel="whatsapp",
        minutes_ago=90,
    )
    _outbound(
        ravi,
        "demo:ravi:reminder",
        "consult_reminder",
        {"starts_at": starts_at},
        status=Status.DELIVERED,
        minutes_ago=300,
    )
    _inbound(
        "SMdemo00000000000000000000000002",
        "+919999900002",
        "क्या मैं अपने बेटे के साथ आ सकता हूँ?",
        channel="sms",
        minutes_ago=240,
    )
    _outbound(
        lakshmi,
        "demo:lakshmi:confirmation",
        "consult_confirmation",
        {"starts_at": starts_at},
        status=Status.FAILED,
        minutes_ago=600,
        error_code="21614",
        reason="This number is not a mobile phone and cannot receive SMS. Ask the patient for a mobile number.",
    )
    _inbound(
        "SMdemo00000000000000000000000003",
        "+919999900099",
        "Hi, I want to know about the free consult",
        channel="whatsapp",
        minutes_ago=30,
        profile_name="Demo Lead",
    )
    out.write(
        f"Demo conversations: {Message.objects.filter(idempotency_key__startswith='demo:').count()} outbound, "
        f"{Message.objects.filter(twilio_sid__startswith='SMdemo').count()} inbound.\n"
    )
