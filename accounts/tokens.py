"""Personal API tokens: create (secret shown once), authenticate, revoke; every change audited."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken
from clinic.errors import DomainError
from patients.audit import audit_record
from patients.capabilities import can_create_api_token, can_revoke_api_token
from patients.models import AuditAction

SECRET_PREFIX = "ct_"
# Writing last_used_at on every call would turn each API read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    # The secret carries 256 random bits, so a plain (unsalted, fast) hash is enough: nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def split_secret(secret: str) -> str | None:
    """The lookup prefix inside a presented secret, or None if it is not shaped like one of ours."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    prefix, _, rest = secret[len(SECRET_PREFIX) :].partition("_")
    if len(prefix) != 8 or not rest:
        return None
    return prefix


def api_token_create(
    *, user: AbstractBaseUser, name: str, expires_in_days: int, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with its secret, which is never available again."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name that says what it is for.", field="name")
    if not can_create_api_token(user):
        raise DomainError("Only clinic staff can create API tokens.", field="name")
    if not 1 <= expires_in_days <= settings.API_TOKEN_MAX_DAYS:
        raise DomainError(
            f"Choose an expiry between 1 and {settings.API_TOKEN_MAX_DAYS} days.", field="expires_in_days"
        )
    prefix = secrets.token_hex(4)
    secret = f"{SECRET_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=prefix,
            digest=token_digest(secret),
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=token,
            request=request,
            via="console",
            changed_fields=["name", "expires_at"],
        )
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: AbstractBaseUser, request: HttpRequest | None = None) -> ApiToken:
    """Revoke `token` now (idempotent: revoking twice keeps the first time); audited."""
    if not can_revoke_api_token(actor, token):
        raise DomainError("You can only revoke your own API tokens.")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=token,
                request=request,
                via="console",
                changed_fields=["revoked_at"],
            )
    return token


def api_token_find(*, secret: str) -> ApiToken | None:
    """The token row this secret proves, whatever its state (the caller says why it is refused)."""
    prefix = split_secret(secret)
    if prefix is None:
        return None
    # The owner's settings come along (their time zone for the response's times): no second query.
    token = ApiToken.objects.select_related("user", "user__staff_profile").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, token_digest(secret)):
        return None
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record use, at most once per LAST_USED_PRECISION (a conditional update, no lock)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_tokens_of(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
