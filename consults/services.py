"""Writes for consults: book, reschedule, cancel, and record what happened.

Every booking runs its check and its insert in one transaction. On SQLite that transaction is
BEGIN IMMEDIATE (settings), so bookings run one at a time; on PostgreSQL the expert's row is
locked for the check, and the exclusion constraint refuses any overlap whatever happens. Either
way a lost race surfaces as `SlotTaken`, never as a server error.

Each change writes the patient's message (consults/notifications.py) in that same transaction, so
a consult and its confirmation, new-time or cancellation message commit or roll back together.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from clinic.errors import DomainError
from consults.errors import ConsultNotChangeable, IdempotencyKeyReused, SlotTaken, UpcomingLimitReached
from consults.models import Consult, ConsultMode, ConsultSource, ConsultStatus, Expert, new_manage_token
from consults.notifications import consult_ics_url as consult_ics_url
from consults.notifications import consult_manage_url as consult_manage_url
from consults.notifications import (
    consult_notify_booked,
    consult_notify_cancelled,
    consult_notify_completed,
    consult_notify_no_show,
    consult_notify_rescheduled,
)
from consults.rules import (
    check_locked_start,
    check_start,
    consult_check_staff_time,
    expert_locked_for_booking,
    insert_consult,
    lock_rows,
    slot_taken_error,
    slot_visibly_taken,
    with_next_slots,
    write_transaction,
)
from consults.signals import (
    consult_attendance_confirmed,
    consult_booked,
    consult_cancelled,
    consult_completed,
    consult_no_show,
    consult_rescheduled,
    emit_on_commit,
)
from patients.audit import audit_record
from patients.capabilities import can_cancel_consult, can_complete_consult, can_run_schedule
from patients.intake import IntakeDetails, patient_intake
from patients.models import AuditAction, Patient

# --- booking ----------------------------------------------------------------------------------


def consult_book(
    *,
    patient: Patient,
    expert: Expert,
    start: datetime,
    topic: str,
    mode: str = ConsultMode.PHONE,
    note: str = "",
    source: str = ConsultSource.WEB,
    booked_by: User | None = None,
    idempotency_key: str | None = None,
    request_fingerprint: str = "",
) -> Consult:
    """Book `start` with `expert` for `patient`; raises SlotTaken (409) or DomainError (400) on bad input.

    Patients (web, api, sms) may only take published free slots and hold a limited number of
    upcoming consults; staff may book any free time that is not in the past. Staff (`booked_by`)
    must hold the schedule capability, like the console's booking form.
    """
    if booked_by is not None and not can_run_schedule(booked_by, patient):
        raise PermissionDenied("Only coordinators and admins who can see this patient book consults for them.")
    try:
        with write_transaction():
            return _book(
                patient=patient,
                expert=expert,
                start=start,
                topic=topic,
                mode=mode,
                note=note,
                source=source,
                booked_by=booked_by,
                idempotency_key=idempotency_key,
                request_fingerprint=request_fingerprint,
            )
    except SlotTaken as taken:
        raise with_next_slots(taken) from taken.__cause__  # keeps the database's refusal, when it was one


def _book(
    *,
    patient: Patient,
    expert: Expert,
    start: datetime,
    topic: str,
    mode: str,
    note: str,
    source: str,
    booked_by: User | None,
    idempotency_key: str | None,
    request_fingerprint: str,
    lock_patient: bool = True,
) -> Consult:
    """consult_book's body; the caller holds the transaction (one, not one plus a savepoint).

    `lock_patient=False` when the patient row was inserted by this transaction: nobody else can see it yet.
    """
    if timezone.is_naive(start):
        raise DomainError("Give the time with its time zone offset.", field="start")
    staff = source == ConsultSource.STAFF
    now = timezone.now()
    if lock_patient:
        lock_rows((Patient, patient.pk))  # serializes this patient's bookings for the upcoming count
    # Under the expert's row lock, in one statement: active flag, consult length, and the checks.
    locked = expert_locked_for_booking(expert=expert, patient_phone=str(patient.phone), start=start, now=now)
    if staff:
        consult_check_staff_time(expert=locked, start=start)
    else:
        if not locked.active:
            raise DomainError(
                "This expert is not taking bookings at the moment. Please choose another.", field="expert"
            )
        if not locked.takes(topic=topic, language=None):
            raise DomainError(f"{locked.display_name} does not take consults on this topic.", field="topic")
        check_locked_start(locked=locked, judged_with=expert, start=start, topic=topic)
        if locked.upcoming_consults >= settings.CONSULT_MAX_UPCOMING_PER_PATIENT:
            raise UpcomingLimitReached(
                gettext(
                    "This phone number already has the most upcoming consults we can book at once. "
                    "Use the link in your confirmation message to change an existing consult, "
                    "or call the clinic for help."
                ),
                field="phone",
            )
    consult = insert_consult(
        Consult(
            patient=patient,
            expert=locked,
            start=start,
            end=start + locked.consult_length,
            topic=topic,
            mode=mode,
            note=note,
            source=source,
            status_changed_by=booked_by,
            status_changed_at=now,
            idempotency_key=idempotency_key or None,
            request_fingerprint=request_fingerprint,
        ),
        topic=topic,
    )
    consult_notify_booked(consult=consult)  # in this transaction: no booking without its confirmation
    emit_on_commit(consult_booked, consult)
    return consult


def consult_book_for_public(
    *,
    details: IntakeDetails,
    expert: Expert,
    start: datetime,
    topic: str,
    mode: str = ConsultMode.PHONE,
    note: str = "",
    source: str = ConsultSource.WEB,
    idempotency_key: str | None = None,
    request_fingerprint: str = "",
) -> Consult:
    """Find or create the patient by phone and book, all or nothing; replays an idempotent request."""
    if idempotency_key:
        existing = consult_for_idempotency_key(key=idempotency_key, fingerprint=request_fingerprint)
        if existing is not None:
            return existing
    if timezone.is_aware(start) and slot_visibly_taken(expert=expert, start=start):
        # Check first: a taken slot is answered from one read, without the patient intake or the lock.
        raise slot_taken_error(expert, start, topic)
    try:
        with write_transaction():
            patient, created = patient_intake(details=details)
            return _book(
                patient=patient,
                lock_patient=not created,
                expert=expert,
                start=start,
                topic=topic,
                mode=mode,
                note=note,
                source=source,
                booked_by=None,
                idempotency_key=idempotency_key,
                request_fingerprint=request_fingerprint,
            )
    except (IntegrityError, SlotTaken) as error:
        # A concurrent retry with the same key may have won: answer with its consult.
        if idempotency_key:
            existing = consult_for_idempotency_key(key=idempotency_key, fingerprint=request_fingerprint)
            if existing is not None:
                return existing
        if isinstance(error, SlotTaken):
            raise with_next_slots(error) from error.__cause__
        raise


def consult_for_idempotency_key(*, key: str, fingerprint: str) -> Consult | None:
    consult = Consult.objects.select_related("expert").filter(idempotency_key=key).first()
    if consult is None:
        return None
    if consult.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different booking. Use a new key for a new request."
        )
    # The booking may have been moved since: answer with where it is now.
    while (moved := Consult.objects.select_related("expert").filter(rescheduled_from=consult).first()) is not None:
        consult = moved
    return consult


# --- changes by the patient or staff -----------------------------------------------------------


def _locked_consult(consult: Consult) -> Consult:
    lock_rows((Consult, consult.pk))
    return Consult.objects.select_related("expert", "patient").get(pk=consult.pk)


def consult_reschedule(
    *,
    consult: Consult,
    new_start: datetime,
    source: str = ConsultSource.WEB,
    changed_by: User | None = None,
    new_expert: Expert | None = None,
) -> Consult:
    """Move an upcoming consult: the old one is cancelled and a new one booked, atomically.

    The new consult keeps the reference, manage link and calendar event, so the patient's links
    keep working; the old row keeps its history under `<reference>-<n>`. Staff (`changed_by`) need the
    schedule capability for the patient.
    """
    if changed_by is not None and not can_run_schedule(changed_by, consult.patient):
        raise PermissionDenied("Only coordinators and admins who can see this patient move their consults.")
    if timezone.is_naive(new_start):
        raise DomainError("Give the time with its time zone offset.", field="start")
    now = timezone.now()
    with write_transaction():
        old = _locked_consult(consult)
        if old.status != ConsultStatus.CONFIRMED or old.start <= now:
            raise ConsultNotChangeable(
                "This consult can no longer be changed: it has already started or been cancelled."
            )
        expert = new_expert or old.expert
        if new_start == old.start and expert.pk == old.expert_id:
            raise DomainError("Your consult is already at that time. Choose a different time.", field="start")
        lock_rows((Expert, expert.pk))
        end = new_start + expert.consult_length
        if source == ConsultSource.STAFF:
            consult_check_staff_time(expert=expert, start=new_start, exclude_consult_id=old.pk)
        elif not expert.active:
            raise ConsultNotChangeable(
                f"{expert.display_name} is not taking bookings at the moment. Please call the clinic to change "
                "your consult."
            )
        else:
            check_start(expert=expert, start=new_start, topic=old.topic, exclude_consult_ids=(old.pk,))
        reference, token = old.reference, old.manage_token
        # Free the old time and hand its reference and link to the new consult, in this transaction.
        old.mark_cancelled(reason="Rescheduled", source=source, by=changed_by, at=now)
        old.reference = f"{reference}-{old.calendar_sequence + 1}"
        old.manage_token = new_manage_token()
        old.save()
        new = insert_consult(
            Consult(
                patient=old.patient,
                expert=expert,
                start=new_start,
                end=end,
                topic=old.topic,
                mode=old.mode,
                note=old.note,
                source=old.source,
                reference=reference,
                manage_token=token,
                calendar_uid=old.calendar_uid,
                calendar_sequence=old.calendar_sequence + 1,
                rescheduled_from=old,
                status_changed_at=now,
                status_changed_by=changed_by,
                attendance_confirmed_at=None,
            ),
            topic=old.topic,
        )
        consult_notify_rescheduled(consult=new, previous=old)
        emit_on_commit(consult_rescheduled, new, previous=old)
    return new


def consult_cancel(
    *,
    consult: Consult,
    reason: str = "",
    source: str = ConsultSource.WEB,
    cancelled_by: User | None = None,
    request: HttpRequest | None = None,
    via: str = "admin",
) -> Consult:
    """Cancel an upcoming consult and free its time; cancelling twice changes nothing.

    Staff (`cancelled_by`) must hold the cancel capability for this consult (the console, the API and this
    agree); their cancellation is audited in the same transaction.
    """
    if cancelled_by is not None and not can_cancel_consult(cancelled_by, consult):
        raise PermissionDenied("Only coordinators and admins can cancel consults.")
    now = timezone.now()
    with write_transaction():
        current = _locked_consult(consult)
        if current.status == ConsultStatus.CANCELLED:
            return current
        if current.status != ConsultStatus.CONFIRMED or current.start <= now:
            raise ConsultNotChangeable(
                "This consult has already started, so it cannot be cancelled. "
                "Staff can mark it completed or no-show instead."
            )
        current.mark_cancelled(reason=reason.strip()[:300], source=source, by=cancelled_by, at=now)
        current.save()
        if cancelled_by is not None:
            audit_record(
                actor=cancelled_by,
                action=AuditAction.CHANGE,
                obj=current,
                changed_fields=["status", "cancellation_reason"],
                request=request,
                via=via,
            )
        consult_notify_cancelled(consult=current)
        emit_on_commit(consult_cancelled, current)
    return current


def consult_confirm_attendance(*, consult: Consult, source: str = ConsultSource.SMS) -> Consult:
    """Record that the patient said they will attend (e.g. replied C); repeating changes nothing."""
    with write_transaction():
        current = _locked_consult(consult)
        if current.status != ConsultStatus.CONFIRMED or current.start <= timezone.now():
            raise ConsultNotChangeable("This consult is no longer upcoming, so there is nothing to confirm.")
        if current.attendance_confirmed_at is None:
            current.attendance_confirmed_at = timezone.now()
            current.save(update_fields=["attendance_confirmed_at", "updated_at"])
            emit_on_commit(consult_attendance_confirmed, current)
    return current


def _mark_outcome(*, consult: Consult, status: str, by: User | None, request: HttpRequest | None, via: str) -> Consult:
    if by is not None and not can_complete_consult(by, consult):
        raise PermissionDenied("You cannot record the outcome of this consult.")
    with write_transaction():
        current = _locked_consult(consult)
        if current.status == status:
            return current
        if current.status != ConsultStatus.CONFIRMED:
            raise ConsultNotChangeable(
                f"This consult is {current.get_status_display().lower()}, so it cannot be marked "
                f"{ConsultStatus(status).label.lower()}."
            )
        if current.start > timezone.now():
            raise ConsultNotChangeable("This consult has not started yet. Mark it after the consult time.")
        current.status = status
        current.status_changed_at = timezone.now()
        current.status_changed_by = by
        current.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
        if by is not None:
            audit_record(
                actor=by, action=AuditAction.CHANGE, obj=current, changed_fields=["status"], request=request, via=via
            )
        (consult_notify_completed if status == ConsultStatus.COMPLETED else consult_notify_no_show)(consult=current)
        emit_on_commit(consult_completed if status == ConsultStatus.COMPLETED else consult_no_show, current)
    return current


def consult_mark_completed(
    *, consult: Consult, by: User | None = None, request: HttpRequest | None = None, via: str = "admin"
) -> Consult:
    """Record that a consult that has started took place; staff (`by`) need the outcome capability, audited."""
    return _mark_outcome(consult=consult, status=ConsultStatus.COMPLETED, by=by, request=request, via=via)


def consult_mark_no_show(
    *, consult: Consult, by: User | None = None, request: HttpRequest | None = None, via: str = "admin"
) -> Consult:
    """Record that the patient did not come to a consult that has started; staff need the outcome capability."""
    return _mark_outcome(consult=consult, status=ConsultStatus.NO_SHOW, by=by, request=request, via=via)


def consult_manage_link_revoke(*, consult: Consult) -> Consult:
    """Give the consult a new manage token: the old link stops working at once."""
    with write_transaction():
        current = _locked_consult(consult)
        current.manage_token = new_manage_token()
        current.save(update_fields=["manage_token", "updated_at"])
    return current
