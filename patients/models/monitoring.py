"""The monitoring schedule: items generated from protocol tables, and admin overrides of protocol defaults."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clinic.timezones import clinic_today, format_date
from patients import protocols


class MonitoringKind(models.TextChoices):
    CBC = "cbc", "Complete blood count"
    LIVER = "liver", "Liver tests (ALT, AST, bilirubin)"
    BCR_ABL1_QPCR = "bcr_abl1_qpcr", "BCR::ABL1 qPCR (IS)"
    IMAGING = "imaging", "CT or MRI, abdomen and pelvis"
    BONE_MARROW = "bone_marrow", "Bone marrow cytogenetics"
    OTHER = "other", "Other"


class ItemSource(models.TextChoices):
    GENERATED = "generated", "Protocol"
    EVENT = "event", "Protocol, after a result"
    MANUAL = "manual", "Added by hand"
    OVERRIDE = "override", "Protocol, date overridden"


class ItemStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class ItemState(models.TextChoices):
    """What a coordinator sees: planned items are upcoming, due or overdue by today's date."""

    UPCOMING = "upcoming", "Upcoming"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


def item_state_q(state: str, today: date, prefix: str = "") -> Q:
    """The filter for one displayed state, so lists, cards and reminders agree on the meaning."""
    planned = Q(**{f"{prefix}status": ItemStatus.PLANNED})
    if state == ItemState.UPCOMING:
        return planned & Q(**{f"{prefix}window_starts_on__gt": today})
    if state == ItemState.DUE:
        return planned & Q(**{f"{prefix}window_starts_on__lte": today, f"{prefix}window_ends_on__gte": today})
    if state == ItemState.OVERDUE:
        return planned & Q(**{f"{prefix}window_ends_on__lt": today})
    return Q(**{f"{prefix}status": state})


class MonitoringItem(models.Model):
    """One blood test, qPCR or scan due in a window; generated from the protocol tables, not typed."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="monitoring_items")
    kind = models.CharField(max_length=16, choices=MonitoringKind.choices, db_index=True)
    due_on = models.DateField()
    window_starts_on = models.DateField()
    window_ends_on = models.DateField()
    # The protocol slot this item fills: regeneration keeps, adds or drops items by (protocol_key, planned_for).
    planned_for = models.DateField(null=True, blank=True, editable=False)
    protocol_key = models.CharField(max_length=40, blank=True, editable=False)
    reason = models.CharField(max_length=300, help_text="Which protocol row (and source) asks for this item.")
    source = models.CharField(max_length=10, choices=ItemSource.choices, default=ItemSource.MANUAL)
    status = models.CharField(max_length=8, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    completed_on = models.DateField(null=True, blank=True)
    skipped_reason = models.CharField(max_length=300, blank=True)
    override_reason = models.CharField(max_length=300, blank=True)
    genetic_test = models.ForeignKey(
        "patients.GeneticTest", null=True, blank=True, on_delete=models.SET_NULL, related_name="monitoring_items"
    )
    lab_result = models.ForeignKey(
        "patients.LabResult", null=True, blank=True, on_delete=models.SET_NULL, related_name="monitoring_items"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "monitoring schedule item"
        indexes = [
            models.Index(fields=["status", "window_ends_on"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["patient", "status", "due_on"]),
            models.Index(fields=["patient", "status", "window_ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_starts_on__lte=F("due_on")) & Q(due_on__lte=F("window_ends_on")),
                name="item_due_inside_window",
            ),
            models.UniqueConstraint(
                fields=["patient", "protocol_key", "planned_for"],
                condition=Q(planned_for__isnull=False),
                name="one_item_per_protocol_slot",
            ),
            models.CheckConstraint(condition=~Q(status="skipped") | ~Q(skipped_reason=""), name="skip_has_reason"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="done_item_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(source__in=["override", "manual"]) | ~Q(override_reason=""), name="hand_change_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {format_date(self.due_on)}"

    def state_on(self, today: date) -> str:
        if self.status != ItemStatus.PLANNED:
            return self.status
        if self.window_starts_on > today:
            return ItemState.UPCOMING
        if self.window_ends_on < today:
            return ItemState.OVERDUE
        return ItemState.DUE

    @property
    def state(self) -> str:
        return self.state_on(clinic_today())


class ProtocolSetting(models.Model):
    """An admin's change to a configurable protocol default (see protocols.CONFIGURABLE)."""

    key = models.CharField(
        max_length=40, unique=True, choices=[(k, c.label) for k, c in protocols.CONFIGURABLE.items()]
    )
    value = models.PositiveIntegerField()
    reason = models.CharField(max_length=300, help_text="Why the clinic uses a different value, and who agreed it.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=1), name="protocol_value_positive")]

    def __str__(self) -> str:
        item = protocols.CONFIGURABLE.get(self.key)
        return f"{item.label if item else self.key}: {self.value} {item.unit if item else ''}".strip()
