"""Experts, their weekly availability and time off, and the consults patients book with them.

Times of consults and time off are stored in UTC; weekly availability is wall-clock time in the
expert's own zone, so 09:00 stays 09:00 for the expert across daylight-saving changes.
"""

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.timezones import format_datetime, validate_time_zone
from consults.constraints import TsTzRange, no_overlap_constraint

# Crockford-like alphabet without 0/O/1/I/L: references are read aloud over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 5


def new_reference() -> str:
    return "CT-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_manage_token() -> str:
    # 192 bits: unguessable, URL-safe, and long enough for the log redactor to recognise.
    return secrets.token_urlsafe(24)


def new_video_room() -> str:
    # 128 bits of hex: unguessable, and safe in any meeting service's room name or URL path.
    return secrets.token_hex(16)


class ExpertRole(models.TextChoices):
    HEMATO_ONCOLOGIST = "hemato_oncologist", _("Haemato-oncologist")
    GI_ONCOLOGIST = "gi_oncologist", _("GI oncologist")
    NUTRITIONIST = "nutritionist", _("Nutritionist")
    FINANCIAL_COUNSELLOR = "financial_counsellor", _("Financial counsellor")
    NURSE = "nurse", _("Oncology nurse")


class Topic(models.TextChoices):
    NEW_DIAGNOSIS = "new_diagnosis", _("New diagnosis")
    TREATMENT_QUESTION = "treatment_question", _("Question about treatment")
    SIDE_EFFECTS = "side_effects", _("Side effects")
    DIET = "diet", _("Diet and nutrition")
    FINANCIAL_HELP = "financial_help", _("Financial help")
    SECOND_OPINION = "second_opinion", _("Second opinion")


class SpokenLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    HINDI = "hi", _("Hindi")
    TAMIL = "ta", _("Tamil")
    TELUGU = "te", _("Telugu")
    KANNADA = "kn", _("Kannada")
    MALAYALAM = "ml", _("Malayalam")
    MARATHI = "mr", _("Marathi")
    BENGALI = "bn", _("Bengali")
    GUJARATI = "gu", _("Gujarati")
    PUNJABI = "pa", _("Punjabi")
    URDU = "ur", _("Urdu")


# Which topics each kind of expert takes by default (editable per expert).
DEFAULT_TOPICS_BY_ROLE: dict[str, list[str]] = {
    ExpertRole.HEMATO_ONCOLOGIST: [
        Topic.NEW_DIAGNOSIS,
        Topic.TREATMENT_QUESTION,
        Topic.SIDE_EFFECTS,
        Topic.SECOND_OPINION,
    ],
    ExpertRole.GI_ONCOLOGIST: [Topic.NEW_DIAGNOSIS, Topic.TREATMENT_QUESTION, Topic.SIDE_EFFECTS, Topic.SECOND_OPINION],
    ExpertRole.NUTRITIONIST: [Topic.DIET, Topic.SIDE_EFFECTS],
    ExpertRole.FINANCIAL_COUNSELLOR: [Topic.FINANCIAL_HELP],
    ExpertRole.NURSE: [Topic.SIDE_EFFECTS, Topic.TREATMENT_QUESTION],
}


class ConsultStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


class ConsultMode(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    WHATSAPP = "whatsapp", _("WhatsApp call")


class ConsultSource(models.TextChoices):
    WEB = "web", "Website"
    API = "api", "API"
    SMS = "sms", "SMS"
    STAFF = "staff", "Staff"


# A consult lasts its expert's consult length, and that is at most this long (constraint below).
# Slot and overlap reads rely on it for their lower bound on `start` (consults/selectors.py), so
# they use the (expert, start) index instead of reading the expert's whole history.
MAX_CONSULT_MINUTES = 240


class Expert(models.Model):
    """Someone patients can book a free consult with."""

    display_name = models.CharField(max_length=120)
    role = models.CharField(max_length=30, choices=ExpertRole.choices)
    languages = models.JSONField(default=list, help_text="Language codes the expert consults in, e.g. en, hi.")
    topics = models.JSONField(default=list, blank=True, help_text="Topics this expert takes; empty means by role.")
    bio = models.TextField(blank=True, max_length=1000)
    time_zone = models.CharField(max_length=64, default="Asia/Kolkata", validators=[validate_time_zone])
    consult_minutes = models.PositiveSmallIntegerField(default=20)
    buffer_minutes = models.PositiveSmallIntegerField(default=10, help_text="Free time kept after each consult.")
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    video_url = models.URLField(
        blank=True,
        help_text="The expert's own fixed video link (e.g. their clinic meeting room). Empty: each video "
        "consult gets its own room from VIDEO_ROOM_URL_TEMPLATE.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="expert_profile",
        on_delete=models.SET_NULL,
        help_text="Staff login of this expert: they see their own schedule.",
    )

    class Meta:
        ordering = ["sort_order", "display_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consult_minutes__gte=5) & Q(consult_minutes__lte=MAX_CONSULT_MINUTES),
                name="expert_consult_minutes_range",
            ),
            models.CheckConstraint(condition=Q(buffer_minutes__lte=120), name="expert_buffer_minutes_range"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        unknown = [code for code in self.languages or [] if code not in SpokenLanguage.values]
        if not self.languages or unknown:
            raise ValidationError({"languages": f"Use language codes from: {', '.join(SpokenLanguage.values)}."})
        unknown_topics = [code for code in self.topics or [] if code not in Topic.values]
        if unknown_topics:
            raise ValidationError({"topics": f"Use topic codes from: {', '.join(Topic.values)}."})

    @property
    def consult_length(self) -> timedelta:
        return timedelta(minutes=self.consult_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def effective_topics(self) -> list[str]:
        return list(self.topics) if self.topics else list(DEFAULT_TOPICS_BY_ROLE.get(self.role, []))

    def takes(self, *, topic: str | None, language: str | None) -> bool:
        """Whether this expert matches an optional topic and an optional spoken language."""
        return (not topic or topic in self.effective_topics) and (not language or language in self.languages)

    def language_names(self) -> list[str]:
        labels = dict(SpokenLanguage.choices)
        return [labels.get(code, code) for code in self.languages]


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyAvailability(models.Model):
    """A recurring block of consult time, in the expert's local wall-clock time."""

    expert = models.ForeignKey(Expert, related_name="availability", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["expert", "weekday", "start_time"]
        verbose_name_plural = "weekly availability"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")), name="availability_start_before_end"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """A period the expert takes no consults (holiday, conference); stored in UTC."""

    expert = models.ForeignKey(Expert, related_name="time_off", on_delete=models.CASCADE)
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["expert", "start"]
        verbose_name_plural = "time off"
        indexes = [models.Index(fields=["expert", "end"])]
        constraints = [models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="time_off_start_before_end")]

    def __str__(self) -> str:
        return f"{self.expert} off {format_datetime(self.start)} – {format_datetime(self.end)}"


class Consult(models.Model):
    """A booked free consult between a patient and an expert."""

    patient = models.ForeignKey("patients.Patient", related_name="consults", on_delete=models.PROTECT)
    expert = models.ForeignKey(Expert, related_name="consults", on_delete=models.PROTECT)
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=12, choices=ConsultStatus.choices, default=ConsultStatus.CONFIRMED)
    mode = models.CharField(max_length=10, choices=ConsultMode.choices, default=ConsultMode.PHONE)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    note = models.TextField(blank=True, max_length=1000, help_text="What the patient wants to talk about.")
    source = models.CharField(max_length=10, choices=ConsultSource.choices, default=ConsultSource.WEB)

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    # The only key to the patient's manage page; rotating it revokes the old link.
    manage_token = models.CharField(max_length=64, unique=True, default=new_manage_token, editable=False)
    # Kept across reschedules so calendar apps update the same event instead of adding one.
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    # The room name for VIDEO_ROOM_URL_TEMPLATE; only the patient and staff ever see it.
    video_room = models.CharField(max_length=32, default=new_video_room, editable=False)

    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, related_name="rescheduled_to", on_delete=models.PROTECT, editable=False
    )
    cancellation_reason = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_source = models.CharField(max_length=10, choices=ConsultSource.choices, blank=True, editable=False)
    attendance_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL, editable=False
    )

    # Idempotency-Key of the API request that created this consult, with a hash of its body.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["expert", "start"]),
            models.Index(fields=["start"]),
            models.Index(fields=["status", "start"]),
            # The booking's per-patient limit counts confirmed consults after now (consults/rules.py).
            models.Index(
                fields=["patient", "start"], condition=Q(status="confirmed"), name="consult_patient_upcoming_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="consult_start_before_end"),
            # PostgreSQL: two active consults of one expert can never overlap, whatever wrote them.
            # SQLite gets the same rule from triggers (consults/constraints.py).
            no_overlap_constraint(TsTzRange),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.status != ConsultStatus.CANCELLED

    def is_upcoming(self, now=None) -> bool:
        return self.status == ConsultStatus.CONFIRMED and self.start > (now or timezone.now())

    def mark_cancelled(self, *, reason: str, source: str, by: User | None, at: datetime) -> None:
        """The cancelled state (not saved): the cancel and reschedule services both go through here."""
        self.status = ConsultStatus.CANCELLED
        self.cancellation_reason = reason
        self.cancelled_at = at
        self.cancelled_source = source
        self.status_changed_at = at
        self.status_changed_by = by
