"""Console session guards (idle/absolute timeout, then the two-step login on protected paths) and the
staff member's own time zone on console and API pages."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from accounts.preferences import session_zone
from accounts.sessions import ENROL, LAST_SEEN_KEY, STARTED_KEY, mfa_step_needed
from clinic.db_unavailable import answers_503_when_database_down
from clinic.timezones import clinic_zone

# Saving the session on every request would cost a write per page; a minute of slack is harmless
# against a 30-minute idle limit.
LAST_SEEN_PRECISION_SECONDS = 60
TIMED_OUT = "Your session timed out after {minutes} minutes without activity. Sign in again to continue."
TOO_OLD = "Your session reached its maximum length of {hours} hours. Sign in again to continue."


class SessionTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_TIMEOUT_MINUTES idle, or SESSION_COOKIE_AGE after sign-in.

    The request then goes on anonymously: a console page sends the user to the sign-in page (which
    shows why), the API answers 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @answers_503_when_database_down
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        now = timezone.now().timestamp()
        started = request.session.get(STARTED_KEY)
        last_seen = request.session.get(LAST_SEEN_KEY)
        if started is None or last_seen is None:
            # A session from before this middleware: start its clocks now.
            request.session[STARTED_KEY] = started or now
            request.session[LAST_SEEN_KEY] = now
            return
        idle_limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
        if now - last_seen > idle_limit:
            self.end(request, TIMED_OUT.format(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES))
        elif now - started > settings.SESSION_COOKIE_AGE:
            self.end(request, TOO_OLD.format(hours=round(settings.SESSION_COOKIE_AGE / 3600, 1)))
        elif now - last_seen >= LAST_SEEN_PRECISION_SECONDS:
            request.session[LAST_SEEN_KEY] = now

    def end(self, request: HttpRequest, reason: str) -> None:
        logout(request)
        if not request.path.startswith("/api/"):
            # Shown on the sign-in page the console redirects to next.
            messages.warning(request, reason)


class MfaRequiredMiddleware:
    """On MFA_ENFORCED_PATH_PREFIXES, a signed-in user who still owes the two-step login is sent to it.

    Users with a confirmed device verify their code; users whose role is in MFA_REQUIRED_ROLES and have
    no device enrol first. The console's own sign-in and sign-out pages stay reachable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @answers_503_when_database_down
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and self.is_protected(request.path):
            step = mfa_step_needed(request, request.user)
            if step is not None:
                target = reverse("accounts:mfa-setup" if step == ENROL else "accounts:mfa-verify")
                return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def is_protected(path: str) -> bool:
        if path in (reverse("admin:login"), reverse("admin:logout")):
            return False
        return any(path.startswith(prefix) for prefix in settings.MFA_ENFORCED_PATH_PREFIXES)


# Console pages, the API and the console's own forms. Public pages (booking, the guide) keep their own zones,
# and Wagtail's editor at /cms/ applies the time zone each editor chose in its own account settings.
STAFF_ZONE_PATH_PREFIXES = ("/admin/", "/account/", "/api/", "/followups/")


class StaffTimeZoneMiddleware:
    """Console and API requests show times in the signed-in staff member's own zone (accounts/preferences.py).

    Everyone else on those paths (the sign-in page, API token calls before authentication) gets the
    clinic's zone, as a DisplayZone so abbreviations read "UTC+04:00" rather than "+04". API token
    calls switch to the token owner's zone once authenticated (accounts/authentication.py). The zone is
    reset after every request, so a worker thread never carries one person's zone into the next request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @answers_503_when_database_down
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(STAFF_ZONE_PATH_PREFIXES):
            timezone.activate(session_zone(request) if request.user.is_authenticated else clinic_zone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
