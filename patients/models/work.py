"""Coordinator work: symptom reports (with red-flag escalation) and care tasks."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from patients import protocols


class ReportSource(models.TextChoices):
    SMS = "sms", "Patient, by SMS"
    WHATSAPP = "whatsapp", "Patient, by WhatsApp"
    WEB = "web", "Patient, on the web"
    PHONE = "phone", "Patient, by phone (staff entered)"
    STAFF = "staff", "Staff observation"


class SymptomReport(models.Model):
    """A side effect or symptom; red-flag or grade >= 3 reports are urgent (see symptom_report_record)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="symptom_reports")
    symptom = models.CharField(max_length=24, choices=[(s.key, s.label) for s in protocols.SYMPTOMS])
    grade = models.PositiveSmallIntegerField(
        choices=sorted(protocols.GRADE_MEANINGS.items()),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="CTCAE-like: 1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 death.",
    )
    reported_at = models.DateTimeField(default=timezone.now, db_index=True)
    onset_on = models.DateField(
        "started on", null=True, blank=True, help_text="When the symptom began, if the patient knows."
    )
    source = models.CharField(max_length=10, choices=ReportSource.choices, default=ReportSource.STAFF)
    note = models.TextField(blank=True)
    # Derived from the red-flag table and the grade; never typed by hand.
    is_red_flag = models.BooleanField(default=False, editable=False)
    is_urgent = models.BooleanField(default=False, editable=False, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=5), name="grade_1_to_5")]

    def __str__(self) -> str:
        return f"{self.get_symptom_display()}, grade {self.grade}"


class TaskPriority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class TaskSource(models.TextChoices):
    """What created the task; with source_id it points at the row (a message id lives in messaging)."""

    SYMPTOM = "symptom", "Symptom report"
    MONITORING_ITEM = "monitoring_item", "Overdue monitoring"
    GENETIC_TEST = "genetic_test", "Test result"
    LAB_RESULT = "lab_result", "Blood test result"
    MESSAGE = "message", "Failed message"
    AUTHORISATION = "authorisation", "Expiring authorisation"
    ADHERENCE = "adherence", "Adherence gap"
    RESOURCE = "resource", "Resource follow-up"
    MANUAL = "manual", "Added by hand"


class CareTask(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="care_tasks")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    priority = models.CharField(max_length=8, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    due_at = models.DateTimeField(db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="care_tasks"
    )
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True)
    source_kind = models.CharField(max_length=16, choices=TaskSource.choices, default=TaskSource.MANUAL)
    source_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["source_kind", "source_id"])]
        constraints = [
            # One open task per thing that created it: care_task_open is idempotent on this.
            models.UniqueConstraint(
                fields=["source_kind", "source_id"],
                condition=Q(status__in=["open", "in_progress"], source_id__isnull=False),
                name="one_open_task_per_source",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["done", "cancelled"]) | Q(completed_at__isnull=True),
                name="only_closed_tasks_have_completion",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES
