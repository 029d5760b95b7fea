"""Consent changes go through `consent_record`: one ledger row plus the Patient's cached booleans.

The ledger (`ConsentEvent`) is the truth; the Patient fields the messaging code reads are a cache
this service keeps in step, in the same transaction:
- messaging/sms and messaging/whatsapp: given sets `consent_<ch>` and clears the opt-out; a keyword
  withdrawal (STOP) sets `<ch>_opted_out_at` (as before) and any other withdrawal clears
  `consent_<ch>`; either way `Patient.can_receive(ch)` equals the ledger's last word.
- detailed_messages (any channel): the `detailed_messages` boolean is the last word across channels.
- data_sharing and the web channel have no cache: read them with `consent_state`.
"""

from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import DomainError
from patients.audit import audit_record
from patients.capabilities import can_edit_care_record
from patients.models import AuditAction, ConsentChannel, ConsentEvent, ConsentHow, ConsentPurpose, Patient

MESSAGING_FIELDS: dict[str, tuple[str, str]] = {
    ConsentChannel.SMS: ("consent_sms", "sms_opted_out_at"),
    ConsentChannel.WHATSAPP: ("consent_whatsapp", "whatsapp_opted_out_at"),
}

STAFF_HOWS = {ConsentHow.STAFF_PHONE, ConsentHow.STAFF_CONSOLE}


CONSENT_AND_CHANNEL_FIELDS = ("consent_sms", "consent_whatsapp", "preferred_channel", "detailed_messages")
# Patient form field -> consent ledger purpose and channel (detailed messages: recorded on the preferred channel).
CONSENT_LEDGER_FIELDS = (
    ("consent_sms", ConsentPurpose.MESSAGING, ConsentChannel.SMS),
    ("consent_whatsapp", ConsentPurpose.MESSAGING, ConsentChannel.WHATSAPP),
    ("detailed_messages", ConsentPurpose.DETAILED_MESSAGES, None),
)


class ConsentReasonRequired(DomainError):
    code = "consent_reason_required"


def consent_record(
    *,
    patient: Patient,
    purpose: str,
    channel: str,
    given: bool,
    how: str,
    by: User | None = None,
    notice_version: str = "",
    reason: str = "",
    source_detail: str = "",
    audit: bool = True,
) -> ConsentEvent:
    """Append one consent event and bring the patient's cached consent fields in line with it.

    Staff recording it (`by`, with a staff `how`) must be allowed to edit the patient's record, as on the console.
    """
    if how in STAFF_HOWS and by is not None and by.is_authenticated and not can_edit_care_record(by, patient):
        raise PermissionDenied("Only coordinators and admins who can see this patient can record their consent.")
    reason = reason.strip()
    if how == ConsentHow.STAFF_PHONE and not reason:
        raise ConsentReasonRequired(
            "Say why consent was recorded on the phone (for example, who called).", field="reason"
        )
    with transaction.atomic():
        now = timezone.now()
        event = ConsentEvent.objects.create(
            patient=patient,
            purpose=purpose,
            channel=channel,
            given=given,
            at=now,
            how=how,
            by=by if by is not None and by.is_authenticated else None,
            notice_version=notice_version[:20],
            reason=reason[:300],
            source_detail=source_detail[:100],
        )
        changed = _sync_cache(patient, event)
        if changed:
            patient.save(update_fields=[*changed, "updated_at"])
        if audit:
            audit_record(
                actor=by or AnonymousUser(),
                action=AuditAction.CONSENT,
                obj=patient,
                changed_fields=changed or [f"{purpose}:{channel}"],
                via="staff" if how in STAFF_HOWS else how[:10],
            )
    return event


def patient_form_consent_record(
    *, patient: Patient, changed: Collection[str], by: User, request: HttpRequest | None = None
) -> list[ConsentEvent]:
    """After staff saved the patient's form: audit the consent and channel fields it changed, and add a ledger row
    for each consent among them, in one transaction. Nothing changed, nothing written."""
    consent = [field for field in CONSENT_AND_CHANNEL_FIELDS if field in changed]
    if not consent:
        return []
    if not can_edit_care_record(by, patient):
        raise PermissionDenied("Only coordinators and admins who can see this patient can record their consent.")
    with transaction.atomic():
        audit_record(
            actor=by, action=AuditAction.CONSENT, obj=patient, changed_fields=consent, request=request, via="staff"
        )
        return [
            consent_record(
                patient=patient,
                purpose=purpose,
                channel=channel or patient.preferred_channel,
                given=getattr(patient, field),
                how=ConsentHow.STAFF_CONSOLE,
                by=by,
                source_detail="patient form",
                audit=False,  # the one entry above names every field the form changed
            )
            for field, purpose, channel in CONSENT_LEDGER_FIELDS
            if field in consent
        ]


def _sync_cache(patient: Patient, event: ConsentEvent) -> list[str]:
    changed: list[str] = []

    def put(field: str, value: object) -> None:
        if getattr(patient, field) != value:
            setattr(patient, field, value)
            changed.append(field)

    if event.purpose == ConsentPurpose.MESSAGING and event.channel in MESSAGING_FIELDS:
        consent_field, opt_out_field = MESSAGING_FIELDS[event.channel]
        if event.given:
            put(consent_field, True)
            put(opt_out_field, None)
            put("consent_at", event.at)
            if event.notice_version:
                put("consent_text_version", event.notice_version)
        elif event.how == ConsentHow.KEYWORD:
            if getattr(patient, opt_out_field) is None:
                put(opt_out_field, event.at)
        else:
            put(consent_field, False)
    elif event.purpose == ConsentPurpose.DETAILED_MESSAGES:
        put("detailed_messages", event.given)
    return changed


def consent_state(*, patient: Patient) -> dict[tuple[str, str], bool]:
    """The ledger's last word per (purpose, channel); pairs never recorded are absent (= not given)."""
    state: dict[tuple[str, str], bool] = {}
    for purpose, channel, given in (
        ConsentEvent.objects.filter(patient=patient).order_by("at", "id").values_list("purpose", "channel", "given")
    ):
        state[(purpose, channel)] = given
    return state
