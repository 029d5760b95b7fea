"""Why an expert may read a patient's record besides a consult: a care-team assignment, or break-glass."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.timezones import format_datetime


class CareTeamAssignment(models.Model):
    """An expert on a patient's care team, made by a coordinator or admin; ending it ends the access."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="care_team")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_team_assignments",
        help_text="A staff login holding the expert role.",
    )
    reason = models.CharField(max_length=300, blank=True, help_text="Why this expert joins the care team.")
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["member", "ended_at"])]
        constraints = [
            # One open assignment per expert and patient: a second would make "end" ambiguous.
            models.UniqueConstraint(
                fields=["patient", "member"],
                condition=Q(ended_at__isnull=True),
                name="care_team_one_open_assignment",
                violation_error_message="This expert is already on this patient's care team.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} on the care team of {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class BreakGlassAccess(models.Model):
    """An expert's time-limited access to a record outside any care relationship, with their reason."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_access")
    reason = models.CharField(max_length=500)
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "break-glass access"
        verbose_name_plural = "break-glass access"
        indexes = [models.Index(fields=["user", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_at__lt=models.F("expires_at")), name="break_glass_starts_before_it_expires"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient} ({format_datetime(self.started_at)})"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.started_at <= now < self.expires_at
