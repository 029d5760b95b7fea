"""Staff session state: when it started, when it was last used, and where its two-step login stands.

The state lives in the (server-side) session so a console page costs no extra query: it is worked out
once at sign-in (`session_start`) and moved on by the enrolment and verification views.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.roles import has_role, is_admin

STARTED_KEY = "accounts_started_at"
LAST_SEEN_KEY = "accounts_last_seen_at"
MFA_KEY = "accounts_mfa"
# Values of MFA_KEY.
MFA_NONE = "none"  # no confirmed device at sign-in: enrol if the role requires it
MFA_PENDING = "pending"  # has a device, code not yet given in this session
MFA_VERIFIED = "verified"

ENROL = "enrol"
VERIFY = "verify"


def mfa_required(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this user's role obliges two-step login (MFA_REQUIRED_ROLES; "admin" means superusers)."""
    roles = set(settings.MFA_REQUIRED_ROLES)
    if "admin" in roles and is_admin(user):
        return True
    return any(has_role(user, role) for role in roles - {"admin"})


def has_confirmed_device(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_start(sender: type, request: HttpRequest, user: AbstractBaseUser, **kwargs: object) -> None:
    """`user_logged_in` receiver: a fresh session starts its clocks and its two-step state."""
    now = timezone.now().timestamp()
    request.session[STARTED_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    request.session[MFA_KEY] = MFA_PENDING if has_confirmed_device(user) else MFA_NONE


def mfa_mark_verified(request: HttpRequest) -> None:
    # A new session key at the privilege step, so a session id seen before it is worth nothing after.
    request.session.cycle_key()
    request.session[MFA_KEY] = MFA_VERIFIED


def mfa_step_needed(request: HttpRequest, user: AbstractBaseUser) -> str | None:
    """ENROL, VERIFY or None: what this signed-in session must still do before console or API use."""
    state = request.session.get(MFA_KEY)
    if state == MFA_VERIFIED:
        return None
    if state is None:
        # A session from before this feature existed: work the state out once.
        state = MFA_PENDING if has_confirmed_device(user) else MFA_NONE
        request.session[MFA_KEY] = state
    if state == MFA_PENDING:
        return VERIFY
    return ENROL if mfa_required(user) else None
