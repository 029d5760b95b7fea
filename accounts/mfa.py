"""Two-step login with TOTP (django-otp) and single-use recovery codes; enrolment changes are audited."""

import math
import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.errors import DomainError
from patients.audit import audit_record
from patients.capabilities import can_manage_sign_in_security
from patients.models import AuditAction

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
CODE_MISMATCH = (
    "That code did not match. Check that your phone's clock is set automatically and enter the "
    "6-digit code showing now, or one of your recovery codes."
)
TOO_MANY = (
    "Too many wrong codes in a row: wait {wait} and try again (the wait doubles with each wrong "
    "code). If you no longer have your phone, use a recovery code or ask an admin to reset your device."
)


def normalise_code(code: str) -> str:
    # People type codes with spaces or dashes ("123 456", "abcd-efgh"); recovery codes are lower case.
    return re.sub(r"[\s-]", "", code).lower()


def throttled(device: TOTPDevice | StaticDevice) -> None:
    """Refuse while django-otp's back-off after wrong codes is running, saying how long to wait."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = (details or {}).get("locked_until")
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 60
        raise DomainError(TOO_MANY.format(wait=f"{seconds} second{'s' if seconds != 1 else ''}"), field="code")


def mfa_device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created on first visit (one secret per enrolment)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError("Two-step login is already set up for this account.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def mfa_device_confirm(*, device: TOTPDevice, code: str, request: HttpRequest | None = None) -> list[str]:
    """Confirm enrolment with a current code; returns the new recovery codes (shown once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed:
            raise DomainError("Two-step login is already set up for this account.")
        throttled(device)
        if not device.verify_token(normalise_code(code)):
            raise DomainError(CODE_MISMATCH, field="code")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=device.user,
            action=AuditAction.CREATE,
            obj=device,
            request=request,
            via="console",
            changed_fields=["confirmed"],
        )
        return recovery_codes_issue(user=device.user, request=request)


def mfa_device_remove(
    *, device: TOTPDevice | StaticDevice, actor: AbstractBaseUser, request: HttpRequest | None = None
) -> None:
    """An admin removes a user's authenticator or recovery codes (lost phone); audited. The user enrols again."""
    if not can_manage_sign_in_security(actor):
        raise PermissionDenied("Only admins can remove someone's second factor.")
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETE, obj=device, request=request, via="admin")
        device.delete()


def mfa_recovery_codes_replace(*, user: AbstractBaseUser, request: HttpRequest | None = None) -> list[str]:
    """New recovery codes for a user who has set up two-step login; the old ones stop working."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise DomainError("Set up two-step login first; recovery codes come with it.")
        return recovery_codes_issue(user=user, request=request)


def recovery_codes_issue(*, user: AbstractBaseUser, request: HttpRequest | None) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=device,
        request=request,
        via="console",
        changed_fields=["recovery_codes"],
    )
    return codes


def mfa_code_check(*, user: AbstractBaseUser, code: str) -> str | None:
    """ "app" or "recovery" if `code` proves the second step (a recovery code is used up), else None.

    Raises DomainError while the devices are throttled after repeated wrong codes.
    """
    code = normalise_code(code)
    if not code:
        return None
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    for device in (app, recovery):
        if device is not None:
            throttled(device)
    app_code = len(code) == 6 and code.isdigit()  # recovery codes are 8 characters
    if app is not None and app_code and app.verify_token(code):
        return "app"
    if recovery is not None and not app_code:
        with transaction.atomic():
            # Deleting by id is the compare-and-set: of two requests racing with one code, one deletes it.
            match = StaticToken.objects.filter(device=recovery, token=code).first()
            if match is not None and StaticToken.objects.filter(pk=match.pk).delete()[0] == 1:
                recovery.throttle_reset()
                return "recovery"
        recovery.throttle_increment()
        return None
    if app is not None and not app_code:
        app.throttle_increment()
    return None


def recovery_codes_left(*, user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
