from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from clinic.timezones import clinic_today, validate_time_zone


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    HINDI = "hi", "हिन्दी (Hindi)"


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


def opt_out_field(channel: str) -> str:
    """The Patient field that holds when they opted out of `channel` (replied STOP, or Twilio said so)."""
    return "whatsapp_opted_out_at" if channel == Channel.WHATSAPP else "sms_opted_out_at"


class PatientSource(models.TextChoices):
    WEB = "web", "Website"
    API = "api", "API"
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    STAFF = "staff", "Staff"


class RecordState(models.TextChoices):
    """Whether a record is the phone holder's own, or an anonymous booking not yet proven to be theirs."""

    VERIFIED = "verified", "Patient record"
    INTAKE = "intake", "Unverified intake (waiting for YES or a coordinator's merge)"
    MERGED = "merged", "Intake merged into the patient record"


PHONE_TAKEN = "Another patient record already has this phone number. Search for it and open that record instead."


def phone_on_file(phone, *, exclude_pk: int | None = None) -> bool:
    """Whether a verified patient record other than `exclude_pk` holds `phone`."""
    return Patient.objects.filter(phone=phone, record_state=RecordState.VERIFIED).exclude(pk=exclude_pk).exists()


class Patient(models.Model):
    """A person the clinic talks to: a booked patient, or a lead who messaged us first.

    A public booking for a phone that already has a record does not join it: it becomes an
    `intake` record naming that record in `intake_of`, linked only after the phone holder replies
    YES (or a coordinator merges it). Only one verified record and one open intake hold a phone.
    """

    full_name = models.CharField(max_length=200, blank=True)
    phone = PhoneNumberField(db_index=True, help_text="Mobile number in international format.")
    email = models.EmailField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    time_zone = models.CharField(max_length=64, default="Asia/Kolkata", validators=[validate_time_zone])
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SMS)

    # Consent to messages is separate from booking and recorded per channel with its wording.
    consent_sms = models.BooleanField(default=False)
    consent_whatsapp = models.BooleanField(default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_text_version = models.CharField(max_length=20, blank=True)
    sms_opted_out_at = models.DateTimeField(null=True, blank=True)
    whatsapp_opted_out_at = models.DateTimeField(null=True, blank=True)
    # Off by default: SMS never names a diagnosis or drug unless the patient asked for detail.
    detailed_messages = models.BooleanField(default=False)

    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_patients",
        limit_choices_to={"groups__name": "coordinator"},
    )
    is_lead = models.BooleanField(default=False, help_text="Contacted us but has not booked or been enrolled.")
    source = models.CharField(max_length=10, choices=PatientSource.choices, default=PatientSource.WEB)
    record_state = models.CharField(
        max_length=10, choices=RecordState.choices, default=RecordState.VERIFIED, editable=False
    )
    intake_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intakes",
        editable=False,
        help_text="The existing record this anonymous booking may belong to.",
    )
    # What the anonymous booker asked for (consent, channel); applied to `intake_of` only after the YES proof.
    requested_changes = models.JSONField(default=dict, blank=True, editable=False)
    # Set when an erasure request removed the person's identifying data (rights app): the record is then
    # a pseudonym, messages to it are refused, and only clinical rows under a retention duty remain.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["coordinator", "full_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(record_state="verified"),
                name="patient_phone_unique_verified",
                violation_error_message="Another patient record already has this phone number.",
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=models.Q(record_state="intake"), name="patient_phone_one_open_intake"
            ),
            models.CheckConstraint(
                condition=models.Q(record_state="verified") | models.Q(intake_of__isnull=False),
                name="patient_intake_names_its_record",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or f"Patient #{self.pk}"

    def clean(self) -> None:
        super().clean()
        # The partial unique constraint is the last word; this gives staff a readable form error first
        # (Django skips validating it because record_state is not on the form).
        if self.phone and self.record_state == RecordState.VERIFIED and phone_on_file(self.phone, exclude_pk=self.pk):
            raise ValidationError({"phone": PHONE_TAKEN})

    @property
    def reference(self) -> str:
        """The record's reference for staff and the patient (no name in it): "P-0042"."""
        return f"P-{self.pk:04d}" if self.pk else ""

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_verified(self) -> bool:
        return self.record_state == RecordState.VERIFIED

    @property
    def age(self) -> int | None:
        """Age in whole years today, in the clinic's zone."""
        if not self.date_of_birth:
            return None
        today = clinic_today()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def can_receive(self, channel: str) -> bool:
        """Consented on that channel and not opted out of it."""
        if channel == Channel.SMS:
            return self.consent_sms and self.sms_opted_out_at is None
        if channel == Channel.WHATSAPP:
            return self.consent_whatsapp and self.whatsapp_opted_out_at is None
        return False


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    SEND = "send", "Sent a message"
    EXPORT = "export", "Exported"
    CONSENT = "consent", "Changed consent"
    MERGE = "merge", "Merged records"
    BREAK_GLASS = "breakglass", "Opened break-glass access"


class AuditEntry(models.Model):
    """Who did what to which patient's data, when, and from where. Written once, never edited."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    # Kept as text too, so the trail survives a deleted account or record.
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    patient = models.ForeignKey(Patient, null=True, on_delete=models.SET_NULL, related_name="audit_entries")
    patient_ref = models.PositiveBigIntegerField(null=True, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    via = models.CharField(max_length=10, default="admin")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["patient_ref", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display().lower()} {self.object_type} {self.object_id}"
