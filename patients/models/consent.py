"""The consent ledger: every consent given or withdrawn, append-only (issue 16, DPDP Act 2023)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.errors import DomainError
from patients.models.people import Patient


class ConsentPurpose(models.TextChoices):
    MESSAGING = "messaging", "Messages about care"
    DETAILED_MESSAGES = "detailed_messages", "Detailed (clinical) messages"
    DATA_SHARING = "data_sharing", "Sharing data with other providers"


class ConsentChannel(models.TextChoices):
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    WEB = "web", "Web"


class ConsentHow(models.TextChoices):
    WEB_FORM = "web_form", "Web form"
    API = "api", "API"
    KEYWORD = "keyword", "Keyword reply (STOP/START/YES)"
    WEB_CHAT = "web_chat", "Web chat"
    STAFF_PHONE = "staff_phone", "Staff, on the phone"
    STAFF_CONSOLE = "staff_console", "Staff, in the console"


class LedgerIsAppendOnly(DomainError):
    code = "consent_ledger_append_only"


ERASABLE_TEXT = frozenset({"reason", "source_detail"})


class ConsentEventQuerySet(models.QuerySet):
    # Bulk writes bypass save(): refuse them too, so no ORM path rewrites the history.
    def update(self, **kwargs) -> int:
        raise LedgerIsAppendOnly("Consent events cannot be changed; record a new one instead.")

    def delete(self):
        raise LedgerIsAppendOnly("Consent events cannot be deleted; record a withdrawal instead.")

    def erase_identifying_text(self, changes: dict[int, dict[str, str]]) -> int:
        """The one sanctioned rewrite, for a patient's erasure request (rights app): names and numbers in the
        free-text `reason` and `source_detail` are replaced; who, what, when and given/withdrawn never change."""
        for pk, fields in changes.items():
            if not set(fields) <= ERASABLE_TEXT:
                raise LedgerIsAppendOnly("An erasure may only rewrite a consent event's reason and source detail.")
            models.QuerySet.update(self.filter(pk=pk), **fields)  # past this class's refusing update()
        return len(changes)


class ConsentEvent(models.Model):
    """One consent given or withdrawn. Rows are never changed or deleted: the history is the evidence."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consent_events")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    given = models.BooleanField()
    notice_version = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    how = models.CharField(max_length=15, choices=ConsentHow.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consent_events_recorded",
    )
    reason = models.CharField(max_length=300, blank=True)
    source_detail = models.CharField(max_length=100, blank=True)

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "purpose", "channel", "-at", "-id"])]

    def __str__(self) -> str:
        return f"{self.purpose}/{self.channel} {'given' if self.given else 'withdrawn'} ({self.how})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise LedgerIsAppendOnly("A consent event cannot be changed; record a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly("A consent event cannot be deleted; record a withdrawal instead.")
