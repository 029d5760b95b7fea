"""What an erasure does to each table that holds something of the patient, as data plus one step per kind of row.

`PLAN` names every model with a foreign key to `patients.Patient` and its fate: its identifying
fields erased, or its rows kept under a retention duty with the person's name, phone and e-mail cut
out of their free text. tests/rights/test_erasure_plan.py fails when a new model points at a patient
without a line here, and tests/rights/test_erasure_everywhere.py searches every text column of every
table afterwards. Each step adds what it did to the `Confirmation` the patient is given.
"""

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from functools import partial
from types import SimpleNamespace
from typing import Any

from django.contrib.admin.models import LogEntry
from django.core.cache import caches
from django.db import models, transaction
from django.db.models import Q

from consults.models import Consult, ConsultSource, ConsultStatus, new_manage_token, new_video_room
from messaging.models import Direction, Message, Status
from patients.models import AuditEntry, ConsentEvent, GeneticTest
from rights.identifiers import Identifiers
from webchat.models import PhoneVerification, WebChat

CLINICAL = "clinical"  # kept for the clinical retention period, free text pseudonymised
ACCOUNTABILITY = "accountability"  # kept for the audit retention period: evidence of access, consent, requests
ERASED = "erased"  # identifying content removed (rows may stay as an empty log)
NO_TEXT = "no_text"  # holds nothing that identifies the person

# Every model with a foreign key to Patient → (fate, what the confirmation calls its rows).
PLAN: dict[str, tuple[str, str]] = {
    "patients.Patient": (ERASED, "Name, phone number, e-mail and date of birth"),
    "patients.CareRecord": (CLINICAL, "Diagnosis and treatment phase"),
    "patients.Medication": (CLINICAL, "Medication courses"),
    "patients.DoseChange": (CLINICAL, "Dose changes"),
    "patients.ConcomitantMedication": (CLINICAL, "Other medicines"),
    "patients.GeneticTest": (CLINICAL, "Genetic and molecular test results"),
    "patients.LabResult": (CLINICAL, "Blood test results"),
    "patients.MonitoringItem": (CLINICAL, "Monitoring schedule"),
    "patients.SymptomReport": (CLINICAL, "Symptom reports"),
    "patients.Note": (CLINICAL, "Clinical notes"),
    "patients.CareTask": (CLINICAL, "Care tasks"),
    "followups.DoseRecord": (CLINICAL, "Dose taken / missed records"),
    "followups.CheckinSession": (CLINICAL, "Weekly check-in answers"),
    "followups.FollowUpPause": (CLINICAL, "Follow-up pauses"),
    "patients.ResourceAssignment": (CLINICAL, "Support resources suggested"),
    "interop.ImportedObservation": (CLINICAL, "Records of results imported from labs"),
    "consults.Consult": (CLINICAL, "Consult appointments (date, expert, outcome)"),
    "patients.CareTeamAssignment": (ACCOUNTABILITY, "Care team assignments"),
    "patients.BreakGlassAccess": (ACCOUNTABILITY, "Break-glass access records"),
    "patients.ConsentEvent": (ACCOUNTABILITY, "Consent history (given or withdrawn, when, how)"),
    "patients.AuditEntry": (ACCOUNTABILITY, "Audit trail: who viewed or changed the record"),
    "rights.CorrectionRequest": (ACCOUNTABILITY, "Correction requests (area, dates, decision)"),
    "rights.ErasureRequest": (ACCOUNTABILITY, "This erasure request"),
    "patients.InsurancePolicy": (ERASED, "Insurance policies"),
    "messaging.Message": (ERASED, "Message texts, attachments and phone addresses"),
    "webchat.WebChat": (ERASED, "Web chat sessions and phone verification codes"),
    "rights.DataPackageLink": (ERASED, "Open data package links"),
    "messaging.Conversation": (NO_TEXT, "Conversation"),
    "followups.MedicationReminderPlan": (NO_TEXT, "Dose reminder settings"),
    "followups.CheckinPlan": (NO_TEXT, "Weekly check-in settings"),
}

# Fields that are free text a person wrote, per kept model; everything else there is a code, date or number.
FREE_TEXT_SKIP = {"patients.Note": {"author_name"}, "interop.ImportedObservation": {"fingerprint"}}


@dataclass
class Confirmation:
    """What was erased and what was kept and why; stored on the erasure request and shown to staff."""

    erased: list[dict[str, Any]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)

    def erase(self, item: str, count: int, how: str) -> None:
        if count:
            self.erased.append({"item": item, "count": count, "how": how})

    def keep(self, item: str, count: int, reason: str, until: dt.date | None) -> None:
        if count:
            self.kept.append(
                {"item": item, "count": count, "reason": reason, "until": until.isoformat() if until else None}
            )

    def as_json(self) -> dict[str, list[dict[str, Any]]]:
        return {"erased": self.erased, "kept": self.kept}


@dataclass(frozen=True)
class Erasure:
    """One run: the records (the patient and any unverified bookings for their phone), what names them, the
    pseudonym that replaces the name, and the dates each kind of kept row is kept until."""

    patient_ids: tuple[int, ...]
    found: Identifiers
    pseudonym: str
    now: dt.datetime
    clinical_until: dt.date
    messages_until: dt.date
    audit_until: dt.date
    request_id: int

    def redact(self, text: str, *, name_parts: bool = True) -> str:
        return self.found.redact(text, replacement=self.pseudonym, name_parts=name_parts)


def free_text_fields(model: type[models.Model]) -> list[str]:
    skip = FREE_TEXT_SKIP.get(model._meta.label, set())
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name not in skip
    ]


def redact_rows(queryset: models.QuerySet, erasure: Erasure, fields: list[str], *, name_parts: bool = True) -> int:
    """Rewrite the identifying words in `fields` of each row (one UPDATE per changed row, no save() side effects);
    returns how many rows changed."""
    changed = 0
    model = queryset.model
    if not fields:
        return 0
    for row in queryset.only("pk", *fields):
        changes = {}
        for name in fields:
            value = getattr(row, name)
            if isinstance(value, str) and value:
                new = erasure.redact(value, name_parts=name_parts)[: model._meta.get_field(name).max_length or None]
                if new != value:
                    changes[name] = new
        if changes:
            model._base_manager.filter(pk=row.pk).update(**changes)
            changed += 1
    return changed


def _of(model: type[models.Model], erasure: Erasure) -> models.QuerySet:
    return model._base_manager.filter(patient_id__in=erasure.patient_ids)


CLINICAL_REASON = (
    "Clinical record: the clinic must keep it for the retention period. Kept under the pseudonym; "
    "names, phone numbers and e-mails in its text were replaced."
)
ACCOUNTABILITY_REASON = (
    "Evidence that the clinic handled the data lawfully (who looked, what was consented, what was "
    "asked). Kept under the pseudonym; names, phone numbers and e-mails in it were replaced."
)


def erase_kept_rows(erasure: Erasure, confirmation: Confirmation) -> None:
    """Every clinical and accountability model in PLAN except those with a step of their own."""
    from django.apps import apps

    own_step = {
        "consults.Consult",
        "patients.ConsentEvent",
        "patients.AuditEntry",
        "rights.CorrectionRequest",
        "rights.ErasureRequest",
    }
    for label, (fate, item) in PLAN.items():
        if fate not in (CLINICAL, ACCOUNTABILITY) or label in own_step:
            continue
        model = apps.get_model(label)
        rows = _of(model, erasure)
        redact_rows(rows, erasure, free_text_fields(model))
        clinical = fate == CLINICAL
        confirmation.keep(
            item,
            rows.count(),
            CLINICAL_REASON if clinical else ACCOUNTABILITY_REASON,
            erasure.clinical_until if clinical else erasure.audit_until,
        )


def erase_report_file_names(erasure: Erasure, confirmation: Confirmation) -> None:
    """Lab report files stay (clinical); a file name that names the patient is changed to a neutral one."""
    tests = list(GeneticTest.objects.filter(patient_id__in=erasure.patient_ids).exclude(report_file=""))
    for test in tests:
        old = test.report_file.name or ""
        readable = re.sub(r"[_.-]+", " ", os.path.basename(old))  # asha_verma.pdf names her as much as "Asha Verma"
        if erasure.redact(readable) == readable:
            continue
        storage = test.report_file.storage
        new = storage.save(f"lab-reports/erased/genetic-test-{test.pk}{os.path.splitext(old)[1]}", test.report_file)
        GeneticTest.objects.filter(pk=test.pk).update(report_file=new)
        transaction.on_commit(partial(storage.delete, old))
    confirmation.keep(
        "Lab report files",
        len(tests),
        "Clinical record, kept for the retention period. The lab's "
        "own printout may still show the name; the file name no longer does.",
        erasure.clinical_until,
    )


def erase_messages(erasure: Erasure, confirmation: Confirmation) -> None:
    """Texts, attachments, template values and addresses go; the log of when, channel and status stays."""
    messages = Message.objects.filter(patient_id__in=erasure.patient_ids)
    messages.filter(
        direction=Direction.OUTBOUND, status=Status.QUEUED, twilio_sid__isnull=True, send_started_at__isnull=True
    ).update(status=Status.CANCELED, status_changed_at=erasure.now)
    count = messages.update(
        body="", content_variables={}, media_urls=[], from_address="", to_address="", status_reason=""
    )
    confirmation.erase(
        "Message texts, attachments and phone addresses", count, "Emptied; messages not yet sent were cancelled."
    )
    confirmation.keep(
        "Message log (when, channel, delivery status; no text)",
        count,
        "Delivery and billing records under the message log retention period.",
        erasure.messages_until,
    )
    at_twilio = messages.filter(twilio_sid__isnull=False).count()
    confirmation.keep(
        "Copies of the texts held by Twilio (the SMS and WhatsApp provider)",
        at_twilio,
        "CareThread cannot delete them itself: ask Twilio to delete these messages; the log keeps "
        "their Twilio ids so they can be found.",
        None,
    )


def erase_web_chats(erasure: Erasure, confirmation: Confirmation) -> None:
    chats = WebChat.objects.filter(patient_id__in=erasure.patient_ids)
    verification_ids = list(chats.values_list("verification_id", flat=True))
    deleted_chats = chats.delete()[0]
    codes = PhoneVerification.objects.filter(
        Q(pk__in=verification_ids) | Q(phone__in=[phone.e164 for phone in erasure.found.phones])
    )
    deleted_codes = codes.delete()[0]
    confirmation.erase("Web chat sessions and phone verification codes", deleted_chats + deleted_codes, "Deleted.")


def erase_consults(erasure: Erasure, confirmation: Confirmation) -> None:
    """What the patient typed goes; upcoming consults are cancelled without a message; manage links stop working."""
    consults = Consult.objects.filter(patient_id__in=erasure.patient_ids)
    upcoming = consults.filter(status=ConsultStatus.CONFIRMED, start__gt=erasure.now).update(
        status=ConsultStatus.CANCELLED,
        cancelled_at=erasure.now,
        cancelled_source=ConsultSource.STAFF,
        status_changed_at=erasure.now,
    )
    ids = list(consults.values_list("pk", flat=True))
    for pk in ids:  # a new token per consult: old manage and video links from messages stop working
        Consult.objects.filter(pk=pk).update(
            note="", cancellation_reason="", manage_token=new_manage_token(), video_room=new_video_room()
        )
    confirmation.erase(
        "What the patient wrote when booking, and cancellation notes",
        len(ids),
        "Emptied; links to manage or join a consult no longer work.",
    )
    confirmation.erase("Upcoming consults", upcoming, "Cancelled without a message (the patient cannot be contacted).")
    confirmation.keep(PLAN["consults.Consult"][1], len(ids), CLINICAL_REASON, erasure.clinical_until)


def erase_consent_text(erasure: Erasure, confirmation: Confirmation) -> None:
    events = ConsentEvent.objects.filter(patient_id__in=erasure.patient_ids)
    changes = {}
    for event in events.only("pk", "reason", "source_detail"):
        fields = {
            name: erasure.redact(getattr(event, name))[: 300 if name == "reason" else 100]
            for name in ("reason", "source_detail")
        }
        fields = {name: value for name, value in fields.items() if value != getattr(event, name)}
        if fields:
            changes[event.pk] = fields
    ConsentEvent.objects.erase_identifying_text(changes)
    confirmation.keep(PLAN["patients.ConsentEvent"][1], events.count(), ACCOUNTABILITY_REASON, erasure.audit_until)


def erase_audit_text(erasure: Erasure, confirmation: Confirmation) -> None:
    """The record's audit lines keep who and when; names in them go, and so does the address of the patient's
    own visits (link opens, replies). A staff search for the name or phone is rewritten wherever it was logged."""
    own = AuditEntry.objects.filter(patient_ref__in=erasure.patient_ids)
    redact_rows(own, erasure, ["object_repr"])
    own.filter(actor__isnull=True).update(ip_address=None, user_agent="")
    needles = erasure.found.needles()
    if needles:
        searches = Q()
        for needle in needles:
            searches |= Q(object_repr__icontains=needle)
        redact_rows(
            AuditEntry.objects.filter(searches).exclude(patient_ref__in=erasure.patient_ids),
            erasure,
            ["object_repr"],
            name_parts=False,
        )
        logged = Q()
        for needle in needles:
            logged |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
        redact_rows(LogEntry.objects.filter(logged), erasure, ["object_repr", "change_message"], name_parts=False)
    confirmation.keep(PLAN["patients.AuditEntry"][1], own.count(), ACCOUNTABILITY_REASON, erasure.audit_until)


def erase_booking_counters(erasure: Erasure, confirmation: Confirmation) -> None:
    """The booking form's per-phone rate-limit counter (a hash of the number, in the cache)."""
    from consults.throttles import BookingPhoneThrottle

    throttle = BookingPhoneThrottle()
    if throttle.rate is None:
        return
    _, duration = throttle.parse_rate(throttle.rate)
    if duration is None:
        return
    window = int(erasure.now.timestamp() // duration)
    cleared = 0
    for phone in erasure.found.phones:
        key = throttle.get_cache_key(SimpleNamespace(data={"phone": phone.e164}), None)
        if key is not None and caches["default"].delete(f"{key}:{window}"):
            cleared += 1
    confirmation.erase("Booking rate-limit counter for the phone number", cleared, "Cleared.")
