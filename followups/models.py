"""Automated follow-ups between visits: who gets which reminders, what they answered, and pauses.

Plans store the next due instant in UTC (`next_at`), recomputed from the patient's local wall-clock
time after each send with clinic.timezones, so a sweep finds due work with one indexed range
query and the local time stays right across DST changes.
"""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.timezones import format_date
from consults.models import Weekday


class FollowUpPause(models.Model):
    """Coordinators pause every automated follow-up for a patient (e.g. in hospital), with a reason."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="follow_up_pauses")
    reason = models.CharField(max_length=300)
    paused_at = models.DateTimeField(default=timezone.now)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-paused_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"], condition=Q(resumed_at__isnull=True), name="one_active_follow_up_pause"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="follow_up_pause_has_reason"),
        ]

    def __str__(self) -> str:
        state = "active" if self.resumed_at is None else f"resumed {format_date(self.resumed_at)}"
        return f"Follow-ups paused {format_date(self.paused_at)} ({state})"


class MedicationReminderPlan(models.Model):
    """Opt-in daily dose reminder at the patient's chosen local time, with a reply cut-off."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="medication_plan")
    active = models.BooleanField(default=True, help_text="The patient agreed to daily dose reminders.")
    local_time = models.TimeField(default=time(9, 0), help_text="Time of the dose, in the patient's time zone.")
    cutoff_hours = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Hours after the reminder without a reply before the day counts as not confirmed.",
    )
    # Next reminder instant (UTC); null while inactive.
    next_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "medication reminder plan"

    def __str__(self) -> str:
        return f"Dose reminder at {self.local_time:%H:%M}" + ("" if self.active else " (off)")


class DoseStatus(models.TextChoices):
    PENDING = "pending", "Waiting for reply"
    TAKEN = "taken", "Taken"
    MISSED = "missed", "Missed (patient said)"
    NOT_CONFIRMED = "not_confirmed", "Not confirmed"


class DoseRecord(models.Model):
    """One local day of a medication plan: reminded, then taken / missed / not confirmed."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="dose_records")
    day = models.DateField(help_text="The patient's local date of the dose.")
    status = models.CharField(max_length=14, choices=DoseStatus.choices, default=DoseStatus.PENDING)
    reminded_at = models.DateTimeField()
    confirm_by = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reply_message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["patient", "day"], name="one_dose_record_per_day")]
        indexes = [models.Index(fields=["status", "confirm_by"], name="dose_pending_due")]

    def __str__(self) -> str:
        return f"{format_date(self.day)}: {self.get_status_display()}"


class CheckinPlan(models.Model):
    """Opt-in weekly symptom check-in on a weekday at a local time."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="checkin_plan")
    active = models.BooleanField(default=True, help_text="The patient agreed to a weekly symptom check-in.")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    local_time = models.TimeField(default=time(10, 0), help_text="In the patient's time zone.")
    next_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "symptom check-in plan"
        constraints = [models.CheckConstraint(condition=Q(weekday__lte=6), name="checkin_weekday_0_6")]

    def __str__(self) -> str:
        return f"Weekly check-in, {self.get_weekday_display()} {self.local_time:%H:%M}" + (
            "" if self.active else " (off)"
        )


class SessionStatus(models.TextChoices):
    OPEN = "open", "Waiting for answers"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "No complete answer"


class CheckinSession(models.Model):
    """One week's questionnaire: which question comes next, the answers so far, clarifications sent."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="checkin_sessions")
    occurs_on = models.DateField(help_text="The patient's local date the check-in was sent.")
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    next_question = models.PositiveSmallIntegerField(default=1)
    grades = models.JSONField(default=dict, blank=True, help_text="Question number → grade 0–3.")
    comment = models.TextField(blank=True, help_text='The answer to "anything else?".')
    clarifications = models.PositiveSmallIntegerField(default=0)
    urgent = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurs_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["patient", "occurs_on"], name="one_checkin_per_day")]
        indexes = [models.Index(fields=["patient", "status"], name="checkin_open_by_patient")]

    def __str__(self) -> str:
        return f"Check-in {format_date(self.occurs_on)} ({self.get_status_display().lower()})"
