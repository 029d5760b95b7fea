"""Failed-password lockout (django-axes): the client address behind our proxies, the backend, the audited unlock."""

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import SignInLock
from clinic.request_guards import client_address
from patients.audit import audit_record
from patients.capabilities import can_manage_sign_in_security
from patients.models import AuditAction


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address through the project's one trusted-proxy rule (NUM_PROXIES; X-Forwarded-For
    counts only as far as trusted proxies vouch for it), so a client cannot dodge the lock by forging it."""
    return client_address(request) or None


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username+address before any password check.

    Sign-ins without a request (the test client's `login()`, a shell) do not come over HTTP, so there
    is no address to count and nothing to lock; django-axes would raise instead, so they pass through.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: object
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_lockout_clear(*, attempt: AccessAttempt, actor: AbstractBaseUser, request: HttpRequest | None = None) -> None:
    """Unlock: delete the failure record of one username+address, with an audit entry saying whose it was."""
    if not can_manage_sign_in_security(actor):
        raise PermissionDenied("Only admins can unlock sign-ins.")
    with transaction.atomic():
        if not isinstance(attempt, SignInLock):
            attempt = SignInLock.objects.get(pk=attempt.pk)
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=attempt,
            request=request,
            via="admin",
            changed_fields=["failures_since_start"],
        )
        attempt.delete()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page a locked-out sign-in gets instead of the form: what happened and what to do next."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)
