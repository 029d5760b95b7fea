"""DRF authentication: personal API tokens (401 with a challenge when wrong) and two-step-verified sessions."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.preferences import preloaded_zone
from accounts.tokens import api_token_find, api_token_touch

if TYPE_CHECKING:
    from accounts.models import ApiToken


KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token ct_…` (or `Bearer ct_…`). Listed first so DRF answers 401 + WWW-Authenticate."""

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, "ApiToken"] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must be 'Token' followed by one space and the token."
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(
                "This API token is not valid; create a new one in the console."
            ) from exc
        token = api_token_find(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed("This API token is not valid; create a new one in the console.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API token was revoked; create a new one in the console.")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("This API token has expired; create a new one in the console.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The account this token belongs to is disabled.")
        api_token_touch(token=token)
        # Times in the response in the token owner's own zone, as on their console pages (reset after
        # the request by accounts.middleware.StaffTimeZoneMiddleware).
        timezone.activate(preloaded_zone(token.user))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Token realm="api"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """A console session counts for the API only once its two-step login is done (where one is needed)."""

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, None] | None:
        from accounts.sessions import mfa_step_needed

        result = super().authenticate(request)
        if result is None or mfa_step_needed(request._request, result[0]) is not None:
            return None
        return result
