"""Fixtures for whole-API tests: API credentials for the permission cast and the OpenAPI schema."""

import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import SECRET_PREFIX, api_token_create, token_digest
from clinic.roles import is_clinic_staff


def api_credentials(user: AbstractBaseUser) -> dict[str, str]:
    """Request headers that authenticate `user` to the API with a personal API token.

    The only place the suite knows how API clients authenticate. Staff get their token through the
    service a person uses; an outsider cannot create one, so theirs is written directly: a valid
    credential of someone without a clinic role, which every staff endpoint must refuse with 403.
    """
    if is_clinic_staff(user):
        _, secret = api_token_create(user=user, name="schemathesis", expires_in_days=1)
    else:
        prefix = secrets.token_hex(4)
        secret = f"{SECRET_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        ApiToken.objects.create(
            user=user,
            name="outsider",
            prefix=prefix,
            digest=token_digest(secret),
            created_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=1),
        )
    return {"Authorization": f"Token {secret}"}
