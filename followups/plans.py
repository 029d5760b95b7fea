"""Opting patients in and out of dose reminders and weekly check-ins (services), and when each is next due."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from clinic.errors import DomainError
from clinic.timezones import local_datetime, next_local_occurrence
from followups.models import CheckinPlan, MedicationReminderPlan
from patients.models import Patient


def medication_next_at(plan: MedicationReminderPlan, patient: Patient, *, after: datetime) -> datetime | None:
    """The next reminder instant strictly after `after` at the plan's local time (DST-safe)."""
    if not plan.active:
        return None
    return next_local_occurrence(plan.local_time, patient.time_zone, after=after)


def checkin_next_at(plan: CheckinPlan, patient: Patient, *, after: datetime) -> datetime | None:
    """The next chosen weekday at the plan's local time, strictly after `after`."""
    if not plan.active:
        return None
    day = after.astimezone(ZoneInfo(patient.time_zone)).date()
    for offset in range(9):
        candidate_day = day + timedelta(days=offset)
        if candidate_day.weekday() != plan.weekday:
            continue
        candidate = local_datetime(candidate_day, plan.local_time, patient.time_zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a weekday recurs within eight days")


def _actor(by: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return by if by is not None and by.is_authenticated else None


def _check_time(local_time: time) -> None:
    if not isinstance(local_time, time):
        raise DomainError("Give the time as HH:MM in the patient's time zone.", field="local_time")


@transaction.atomic
def medication_plan_save(
    *, patient: Patient, active: bool, local_time: time, cutoff_hours: int = 12, by: AbstractBaseUser | None = None
) -> MedicationReminderPlan:
    """Create or change the patient's daily dose reminder; the next reminder is recomputed."""
    _check_time(local_time)
    if not isinstance(cutoff_hours, int) or not 1 <= cutoff_hours <= 20:
        raise DomainError("The reply cut-off must be 1 to 20 hours after the reminder.", field="cutoff_hours")
    plan, _ = MedicationReminderPlan.objects.select_for_update().get_or_create(patient=patient)
    plan.active, plan.local_time, plan.cutoff_hours, plan.updated_by = active, local_time, cutoff_hours, _actor(by)
    plan.next_at = medication_next_at(plan, patient, after=timezone.now())
    plan.save()
    return plan


@transaction.atomic
def checkin_plan_save(
    *, patient: Patient, active: bool, weekday: int, local_time: time, by: AbstractBaseUser | None = None
) -> CheckinPlan:
    """Create or change the patient's weekly symptom check-in; the next one is recomputed."""
    _check_time(local_time)
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise DomainError("Choose a weekday (0 = Monday … 6 = Sunday).", field="weekday")
    plan, _ = CheckinPlan.objects.select_for_update().get_or_create(patient=patient)
    plan.active, plan.weekday, plan.local_time, plan.updated_by = active, weekday, local_time, _actor(by)
    plan.next_at = checkin_next_at(plan, patient, after=timezone.now())
    plan.save()
    return plan
