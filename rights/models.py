"""Patient rights under the DPDP Act 2023 (issue 16): the data package link, correction and erasure
requests, and the retention periods that decide what an erasure keeps."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from patients.models import Patient

# Defaults until an admin saves the policy. Each is shown as "default, confirm with the clinic's legal
# advice": they are common practice, not a reading of the law. (The NMC/MCI ethics regulations, 2002,
# §1.3.1 ask for 3 years of in-patient records; oncology clinics commonly keep far longer.)
DEFAULT_CLINICAL_RECORD_YEARS = 10
DEFAULT_MESSAGE_LOG_DAYS = 180
DEFAULT_AUDIT_LOG_YEARS = 5
DEFAULT_NOTE = "Default, confirm with the clinic's legal advice."


class RetentionPolicy(models.Model):
    """How long records outlive an erasure of the patient's identity. One row (id 1), set by admins."""

    clinical_record_years = models.PositiveSmallIntegerField(
        default=DEFAULT_CLINICAL_RECORD_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Diagnosis, results, medication and notes are kept this long (under a pseudonym) after erasure.",
    )
    message_log_days = models.PositiveIntegerField(
        default=DEFAULT_MESSAGE_LOG_DAYS,
        validators=[MinValueValidator(0), MaxValueValidator(3650)],
        help_text="The message log (when, channel, delivery status; never the text) is kept this long after erasure.",
    )
    audit_log_years = models.PositiveSmallIntegerField(
        default=DEFAULT_AUDIT_LOG_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Who viewed or changed the record is kept this long, as evidence.",
    )
    basis = models.CharField(
        max_length=500, blank=True, help_text="The rule or advice these periods rest on, for the next person who asks."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "retention policy"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="retention_policy_single_row"),
            models.CheckConstraint(
                condition=Q(clinical_record_years__gte=1, clinical_record_years__lte=100),
                name="retention_clinical_years_range",
            ),
            models.CheckConstraint(condition=Q(message_log_days__lte=3650), name="retention_message_days_range"),
            models.CheckConstraint(
                condition=Q(audit_log_years__gte=1, audit_log_years__lte=100), name="retention_audit_years_range"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Clinical records {self.clinical_record_years} years, message log {self.message_log_days} days, "
            f"audit trail {self.audit_log_years} years"
        )

    @property
    def is_default(self) -> bool:
        """Nobody has set the periods yet: the defaults above apply."""
        return self.updated_at is None


class RequestChannel(models.TextChoices):
    """How the patient made a request: the evidence of who asked, without free text that could name them."""

    PHONE = "phone", "On the phone"
    IN_PERSON = "in_person", "In person at the clinic"
    MESSAGE = "message", "By SMS, WhatsApp or web chat"
    EMAIL = "email", "By e-mail"
    LETTER = "letter", "By letter"


class LinkState(models.TextChoices):
    ACTIVE = "active", "Waiting for the patient"
    SPENT = "spent", "Downloaded (used up)"
    EXPIRED = "expired", "Expired unused"
    REVOKED = "revoked", "Revoked"


class DataPackageLink(models.Model):
    """A one-time, expiring link to the patient's data package (summary page + FHIR bundle).

    Only the SHA-256 of the token is stored. The link is spent by its first successful download, or
    dies at `expires_at`, or when revoked; spent, expired and revoked links answer 410.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="data_package_links")
    token_hash = models.CharField(max_length=64, unique=True)
    include_message_bodies = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # The message that carried the link (its text is cut back once the link is used or revoked).
    message = models.ForeignKey("messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_opened_at = models.DateTimeField(null=True, blank=True)
    spent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-created_at"], name="package_link_patient_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="package_link_expires_after_creation"
            ),
        ]

    def __str__(self) -> str:
        return f"Data package link #{self.pk}"

    def state(self, now: dt.datetime | None = None) -> LinkState:
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if self.spent_at is not None:
            return LinkState.SPENT
        if (now or timezone.now()) >= self.expires_at:
            return LinkState.EXPIRED
        return LinkState.ACTIVE

    @property
    def state_label(self) -> str:
        return self.state().label


class CorrectionArea(models.TextChoices):
    DETAILS = "details", "Name, contact or other personal details"
    DIAGNOSIS = "diagnosis", "Diagnosis"
    MEDICATION = "medication", "Medication and doses"
    RESULTS = "results", "Test results"
    SCHEDULE = "schedule", "Tests and appointments"
    MESSAGES = "messages", "Messages"
    OTHER = "other", "Something else"


class CorrectionStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted: corrected"
    DECLINED = "declined", "Declined"


class CorrectionRequest(models.Model):
    """A patient's request to correct their record, and what the clinic did about it (requested → accepted or
    declined, with the outcome in words). The correction itself is made in the record as usual."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="correction_requests")
    area = models.CharField(max_length=12, choices=CorrectionArea.choices)
    item = models.CharField(max_length=100, blank=True, help_text="Which field or entry, e.g. date of birth.")
    requested_change = models.TextField(max_length=2000, help_text="What the patient asked to change.")
    received_via = models.CharField(max_length=10, choices=RequestChannel.choices)
    received_on = models.DateField()
    status = models.CharField(max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.REQUESTED)
    outcome = models.TextField(max_length=2000, blank=True, help_text="What was changed, or why not.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["patient", "-recorded_at"], name="correction_patient_recent")]
        constraints = [
            # A decision always says what was done and when; an open request has neither.
            models.CheckConstraint(
                condition=Q(status="requested", decided_at__isnull=True)
                | (~Q(status="requested") & Q(decided_at__isnull=False) & ~Q(outcome="")),
                name="correction_decision_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction request #{self.pk}"


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    COMPLETED = "completed", "Completed"


class ErasureRequest(models.Model):
    """A patient's request to erase their data: recorded, then carried out once (requested → completed).

    `confirmation` says what was erased and what was kept and why:
    {"erased": [{"item", "count", "how"}], "kept": [{"item", "count", "reason", "until"}]}.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="erasure_requests")
    received_via = models.CharField(max_length=10, choices=RequestChannel.choices)
    received_on = models.DateField()
    status = models.CharField(max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    confirmation = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"], condition=Q(status="requested"), name="erasure_one_open_request_per_patient"
            ),
            models.CheckConstraint(
                condition=Q(status="requested", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="erasure_completed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure request #{self.pk}"
