"""Fixtures for whole-API tests: API credentials for the permission cast and the OpenAPI schema."""

from django.contrib.auth.models import AbstractBaseUser


def api_credentials(user: AbstractBaseUser) -> dict[str, str]:
    """Request headers that authenticate `user` to the API.

    The only place the suite knows how API clients authenticate (today: DRF's authtoken); swap
    this one function when the token mechanism changes.
    """
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}
