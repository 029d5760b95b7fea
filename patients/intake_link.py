"""Joining an unverified intake to the record it names: by the phone holder's YES, or a coordinator's merge.

The phone holder's YES (a reply to the `intake_verification` message, routed through
messaging.replies) proves the booking is theirs: its consults move to their record and the consent
and channel the booker asked for take effect, audited with source "keyword". A coordinator's merge
moves the consults only: consent is the patient's to give, so it is not taken from an anonymous form.
"""

import logging

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import DomainError
from messaging.models import Message
from messaging.services import message_send, messages_cancel_pending
from patients.audit import audit_record
from patients.capabilities import can_merge_intake
from patients.intake import CONSENT_FIELDS, VERIFICATION_KIND, verification_topic
from patients.models import AuditAction, ConsentHow, ConsentPurpose, Patient, RecordState
from patients.services.consent import consent_record

logger = logging.getLogger(__name__)

SOURCE_KEYWORD = "keyword"
SOURCE_STAFF = "staff"


class IntakeNotOpen(DomainError):
    code = "intake_not_open"


def patient_intake_merge(
    *, intake: Patient, by: AbstractBaseUser | None, source: str, request: HttpRequest | None = None
) -> Patient:
    """Move an open intake's consults to the record it names and close it; returns that record.

    `by` is the coordinator or admin merging (source "staff"), or None when the phone holder
    proved it by replying YES (source "keyword"); only the latter applies the requested consent.
    """
    if by is not None and not can_merge_intake(by, intake):
        raise PermissionDenied("Only coordinators who can see both records, and admins, can merge an intake.")
    with transaction.atomic():
        current = Patient.objects.select_for_update().get(pk=intake.pk)
        if current.record_state != RecordState.INTAKE or current.intake_of_id is None:
            raise IntakeNotOpen("This intake has already been linked or merged.")
        target = Patient.objects.select_for_update().get(pk=current.intake_of_id)
        moved = current.consults.update(patient=target)
        current.record_state = RecordState.MERGED
        current.save(update_fields=["record_state", "updated_at"])
        target_changes = ["is_lead"] if target.is_lead else []
        target.is_lead = False
        if source == SOURCE_KEYWORD:
            consent_changes = _apply_requested(target, current.requested_changes)
            target_changes += consent_changes
        else:
            consent_changes = []
        if target_changes:
            target.save(update_fields=[*target_changes, "updated_at"])
        actor = by or AnonymousUser()
        audit_record(
            actor=actor,
            action=AuditAction.MERGE,
            obj=current,
            patient=target,
            changed_fields=["consults"] if moved else [],
            request=request,
            via=source,
        )
        if consent_changes:
            audit_record(
                actor=actor,
                action=AuditAction.CONSENT,
                obj=target,
                changed_fields=consent_changes,
                request=request,
                via=source,
            )
            # The booker's ticks, proven by the phone holder's YES: one ledger row per channel added.
            for field in CONSENT_FIELDS:
                if field in consent_changes:
                    consent_record(
                        patient=target,
                        purpose=ConsentPurpose.MESSAGING,
                        channel=field.removeprefix("consent_"),
                        given=True,
                        how=ConsentHow.KEYWORD,
                        notice_version=target.consent_text_version,
                        source_detail="booking form, proven by YES",
                        audit=False,
                    )
        messages_cancel_pending(topic=verification_topic(current))
    return target


def _apply_requested(target: Patient, asked: dict) -> list[str]:
    """Add the consent the booker asked for (never remove), the channel, and fill blank name and e-mail."""
    changed: list[str] = []
    for field in CONSENT_FIELDS:
        if asked.get(field) and not getattr(target, field):
            setattr(target, field, True)
            changed.append(field)
    if changed:
        target.consent_at = timezone.now()
        target.consent_text_version = asked.get("consent_text_version", "")[:20]
        changed += ["consent_at", "consent_text_version"]
    channel = asked.get("preferred_channel")
    if channel and channel != target.preferred_channel and channel in {"sms", "whatsapp"}:
        target.preferred_channel = channel
        changed.append("preferred_channel")
    for field in ("full_name", "email"):
        if asked.get(field) and not getattr(target, field):
            setattr(target, field, asked[field])
            changed.append(field)
    return changed


def _intake_for_prompt(prompt: Message) -> Patient | None:
    prefix, _, intake_id = prompt.topic.partition(":")
    if prefix != "intake" or not intake_id.isdigit():
        return None
    return Patient.objects.filter(pk=int(intake_id)).first()


def intake_verification_reply(*, inbound: Message, prompt: Message) -> bool:
    """YES from the phone of the record the intake names links it; anything else stays for a coordinator."""
    if inbound.body.strip().rstrip(".!").strip().upper() != "YES":
        return False
    intake = _intake_for_prompt(prompt)
    if intake is None or intake.intake_of_id != inbound.patient_id or intake.record_state != RecordState.INTAKE:
        return False
    target = patient_intake_merge(intake=intake, by=None, source=SOURCE_KEYWORD)
    message_send(
        patient=target,
        kind="intake_linked",
        context={},
        idempotency_key=f"intake:{intake.pk}:linked",
        channel=inbound.channel,
        topic=f"intake:{intake.pk}:linked",
        urgent=True,
    )
    logger.info("intake %s linked to patient %s by the phone holder's reply", intake.pk, target.pk)
    return True


def register() -> None:
    from messaging.replies import register_reply_handler

    register_reply_handler(VERIFICATION_KIND, intake_verification_reply)
