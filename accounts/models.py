"""Personal API tokens (only a SHA-256 digest of the secret is stored, never the secret itself) and each
staff member's own settings (their time zone)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.timezones import validate_time_zone


class ApiToken(models.Model):
    """One staff member's named API credential with an expiry; revoked rows stay for the audit trail.

    The secret handed to the user is `ct_<prefix>_<random>`. `prefix` finds the row without a
    table scan; `digest` (SHA-256 of the whole secret) proves it. A database reader learns neither
    the secret nor anything that can be replayed.
    """

    # related_name: wagtailcore.APIToken already takes 'api_tokens' on the user.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'lab import script'.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expires_after_creation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, moment) -> bool:
        return self.revoked_at is None and self.expires_at > moment

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > timezone.now() else "expired"


class SignInLock(AccessAttempt):
    """django-axes' failure record for one username and address, named for the console and the audit trail."""

    class Meta:
        proxy = True
        verbose_name = "sign-in lock"
        verbose_name_plural = "sign-in locks (failed passwords)"

    def __str__(self) -> str:
        return f"Failed sign-ins for {self.username} from {self.ip_address} ({self.failures_since_start})"


class StaffProfile(models.Model):
    """One staff member's own settings. No row, or an empty time zone, means the clinic's zone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="The zone the console shows times in for this person, e.g. Europe/London. Empty: the clinic's zone.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "staff member's settings"
        verbose_name_plural = "staff members' settings"

    def __str__(self) -> str:
        return f"Settings of {self.user}"
