"""Staff edits of consults from the console: book, and change time, expert, mode, topic or note.

Each function checks the capability, writes through the booking services (which hold the rules on
time and overlap), and writes the staff member's audit entry in the same transaction: the change and
its trail commit or roll back together (the outbox rule).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from clinic.errors import DomainError
from consults.errors import ConsultNotChangeable
from consults.models import Consult, ConsultMode, ConsultSource, ConsultStatus, Expert, Topic
from consults.rules import lock_rows, write_transaction
from consults.services import consult_book, consult_reschedule
from patients.audit import audit_record
from patients.capabilities import can_run_schedule
from patients.models import AuditAction, Patient

NOTE_MAX_LENGTH = 1000


def consult_book_by_staff(
    *,
    patient: Patient,
    expert: Expert,
    start: datetime,
    topic: str,
    mode: str,
    note: str,
    by: User,
    request: HttpRequest | None = None,
    via: str = "admin",
) -> Consult:
    """Book any free, future time for `patient` (schedule capability needed) and audit it; SlotTaken if taken."""
    if not can_run_schedule(by, patient):
        raise PermissionDenied("Only coordinators and admins who can see this patient book consults for them.")
    _check_details(mode=mode, topic=topic, note=note)
    with write_transaction():
        consult = consult_book(
            patient=patient,
            expert=expert,
            start=start,
            topic=topic,
            mode=mode,
            note=note,
            source=ConsultSource.STAFF,
            booked_by=by,
        )
        given = {"patient": patient, "expert": expert, "start": start, "mode": mode, "topic": topic, "note": note}
        audit_record(
            actor=by, action=AuditAction.CREATE, obj=consult, changed_fields=_set(given), request=request, via=via
        )
    return consult


def consult_update_by_staff(
    *,
    consult: Consult,
    expert: Expert,
    start: datetime,
    mode: str,
    topic: str,
    note: str,
    by: User,
    request: HttpRequest | None = None,
    via: str = "admin",
) -> Consult:
    """Apply a staff member's edit of `consult`; returns the consult as it now stands, audited once.

    A new time or expert moves the consult (consult_reschedule: a new row keeps the reference, the
    patient is told); mode and topic change only while it is upcoming, the note at any time.
    """
    if not can_run_schedule(by, consult.patient):
        raise PermissionDenied("Only coordinators and admins who can see this patient change their consults.")
    _check_details(mode=mode, topic=topic, note=note)
    with write_transaction():
        lock_rows((Consult, consult.pk))
        current = Consult.objects.select_related("expert", "patient").get(pk=consult.pk)
        moved = [name for name, value in (("expert", expert.pk), ("start", start)) if value != _value(current, name)]
        edited = {"mode": mode, "topic": topic, "note": note}
        details = {name: value for name, value in edited.items() if value != getattr(current, name)}
        if {"mode", "topic"} & details.keys() and not _upcoming(current):
            raise ConsultNotChangeable(
                "This consult has already started or been cancelled, so its mode and topic are history. "
                "Change only the note."
            )
        if moved:
            # The move checks the time with the staff rule and writes the patient's new-time message.
            current = consult_reschedule(
                consult=current, new_start=start, new_expert=expert, source=ConsultSource.STAFF, changed_by=by
            )
        if details:
            for name, value in details.items():
                setattr(current, name, value)
            current.save(update_fields=[*details, "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.CHANGE,
            obj=current,
            changed_fields=[*moved, *details],
            request=request,
            via=via,
        )
    return current


def _check_details(*, mode: str, topic: str, note: str) -> None:
    if mode not in ConsultMode.values:
        raise DomainError("Choose phone or video for the consult.", field="mode")
    if topic not in Topic.values:
        raise DomainError("Choose a topic from the list.", field="topic")
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer.", field="note")


def _upcoming(consult: Consult) -> bool:
    return consult.status == ConsultStatus.CONFIRMED and consult.start > timezone.now()


def _value(consult: Consult, name: str) -> Any:
    return consult.expert_id if name == "expert" else getattr(consult, name)


def _set(values: Mapping[str, Any]) -> list[str]:
    """The fields given a value other than the model's default: what staff filled in on a new consult."""
    defaults = {field.name: field.get_default() for field in Consult._meta.concrete_fields}
    return [name for name, value in values.items() if value != defaults[name]]
