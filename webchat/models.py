"""A one-time code sent to a mobile number (`PhoneVerification`) and the web chat it opens
(`WebChat`). The rows are also the rate-limit ledger: sends per phone and per address are counted
here, so the limits hold across processes without a shared cache."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from patients.models import Patient


class PhoneVerification(models.Model):
    """One code sent to `phone`. Local backends keep only a keyed hash of the code; with Twilio
    Verify, Twilio holds the code and `twilio_sid` names its verification."""

    phone = models.CharField(max_length=20, db_index=True, help_text="E.164.")
    full_name = models.CharField(max_length=200)
    consent_sms = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    backend = models.CharField(max_length=10)
    code_hash = models.CharField(max_length=64, blank=True)
    twilio_sid = models.CharField(max_length=34, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    locked_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"], name="verification_ip_recent")]
        constraints = [
            models.CheckConstraint(
                name="verification_expires_after_creation", condition=Q(expires_at__gt=models.F("created_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"Code #{self.pk}"

    def is_expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at


class WebChat(models.Model):
    """A patient's chat opened in one browser session after a verified code. The thread page is
    found by `token` and shown only to the session that holds the same token."""

    token = models.CharField(max_length=64, unique=True)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="web_chats")
    verification = models.OneToOneField(PhoneVerification, on_delete=models.PROTECT, related_name="chat")
    # How this chat reached the record: a new lead, or an existing patient proven by the code.
    linked_existing_patient = models.BooleanField(default=False)
    consent_sms = models.BooleanField(default=False)
    consent_text = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "-started_at"], name="webchat_patient_recent")]

    def __str__(self) -> str:
        return f"Web chat #{self.pk}"

    def is_open(self, now: dt.datetime) -> bool:
        return self.ended_at is None and now < self.expires_at


def chat_expiry(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(hours=settings.WEBCHAT_MAX_HOURS)
