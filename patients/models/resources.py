"""The resources directory (financial help, support, education, clinic services) and per-patient referrals."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ResourceCategory(models.TextChoices):
    FINANCIAL = "financial", "Financial assistance"
    INSURANCE = "insurance", "Insurance help"
    SUPPORT = "support", "Support group"
    EDUCATION = "education", "Education"
    NUTRITION = "nutrition", "Nutrition"
    CLINIC = "clinic", "Clinic service"


class Resource(models.Model):
    name = models.CharField(max_length=150, unique=True)
    category = models.CharField(max_length=10, choices=ResourceCategory.choices, db_index=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive resources stay on old referrals but are not offered."
    )
    # The patient guide's resources block lists only these (one directory, not a copy on the website).
    is_public = models.BooleanField(
        "show on website",
        default=False,
        help_text="Listed on the public patient guide. Only for organisations that welcome direct contact.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class AssignmentStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    REFERRED = "referred", "Referred"
    ENROLLED = "enrolled", "Enrolled"
    DECLINED = "declined", "Declined"


class ResourceAssignment(models.Model):
    """A resource offered to a patient: suggested, then referred, then enrolled or declined."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="resource_assignments")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.SUGGESTED)
    follow_up_on = models.DateField(null=True, blank=True, db_index=True)
    note = models.CharField(max_length=300, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["follow_up_on", "id"]
        verbose_name = "resource assignment"
        constraints = [models.UniqueConstraint(fields=["patient", "resource"], name="one_assignment_per_resource")]

    def __str__(self) -> str:
        return f"{self.resource} ({self.get_status_display().lower()})"
