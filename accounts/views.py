"""Console pages for the signed-in user: two-step login (enrol, verify, recovery codes), API tokens and
"My settings" (their own time zone)."""

from base64 import b32encode

import segno
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenForm, CodeForm, MySettingsForm
from accounts.mfa import (
    mfa_code_check,
    mfa_device_confirm,
    mfa_device_start,
    mfa_recovery_codes_replace,
    recovery_codes_left,
)
from accounts.models import ApiToken
from accounts.preferences import staff_time_zone_of, staff_time_zone_set, viewer_zone
from accounts.sessions import ENROL, MFA_KEY, MFA_VERIFIED, has_confirmed_device, mfa_mark_verified, mfa_step_needed
from accounts.tokens import api_token_create, api_token_revoke, api_tokens_of
from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from clinic.timezones import format_datetime
from patients.capabilities import can_change_staff_settings, can_create_api_token, can_revoke_api_token


def console_context(request: HttpRequest, title: str, **extra: object) -> dict:
    # The admin's own header, user links and styles, so these pages look like the rest of the console.
    return {**admin.site.each_context(request), "title": title, **extra}


def next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code, drawn on the server (no image host sees the secret)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, omitsize=False)
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)


@never_cache
@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if has_confirmed_device(user):
        if request.session.get(MFA_KEY) != MFA_VERIFIED:
            # A password alone must never reach recovery codes or a second device.
            return redirect(f"{reverse('accounts:mfa-verify')}?next={reverse('accounts:mfa-setup')}")
        if request.method == "POST":
            codes = mfa_recovery_codes_replace(user=user, request=request)
            return render(
                request,
                "accounts/recovery_codes.html",
                console_context(request, "Your new recovery codes", codes=codes, next=reverse("admin:index")),
            )
        return render(
            request,
            "accounts/mfa_status.html",
            console_context(request, "Two-step login", codes_left=recovery_codes_left(user=user)),
        )
    device = mfa_device_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa_device_confirm(device=device, code=form.cleaned_data["code"], request=request)
        except DomainError as error:
            add_service_errors(form, error, fallback="code")
        else:
            mfa_mark_verified(request)
            return render(
                request,
                "accounts/recovery_codes.html",
                console_context(request, "Save your recovery codes", codes=codes, next=next_url(request)),
            )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/mfa_setup.html",
        console_context(
            request,
            "Set up two-step login",
            form=form,
            qr=mark_safe(qr_svg(device.config_url)),  # noqa: S308 - path data from segno, no user text
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            required=mfa_step_needed(request, user) == ENROL,
            next=request.GET.get("next", ""),
        ),
    )


@never_cache
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if request.session.get(MFA_KEY) == MFA_VERIFIED:
        return HttpResponseRedirect(next_url(request))
    if not has_confirmed_device(request.user):
        return redirect(reverse("accounts:mfa-setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            used = mfa_code_check(user=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            add_service_errors(form, error, fallback="code")
        else:
            if used is None:
                form.add_error(
                    "code",
                    "That code did not match. Enter the 6-digit code showing now in your "
                    "authenticator app, or one of your recovery codes.",
                )
            else:
                mfa_mark_verified(request)
                if used == "recovery":
                    left = recovery_codes_left(user=request.user)
                    messages.warning(
                        request,
                        f"You used a recovery code; {left} left. Each works only once: "
                        "make new ones from 'Two-step login' if you are running low.",
                    )
                return HttpResponseRedirect(next_url(request))
    return render(
        request,
        "accounts/mfa_verify.html",
        console_context(request, "Enter your sign-in code", form=form, next=request.GET.get("next", "")),
    )


def two_step_first(request: HttpRequest, back_to: str) -> HttpResponse | None:
    """A redirect to the two-step login still owed (then back to `back_to`), or None when it is done."""
    step = mfa_step_needed(request, request.user)
    if step is not None:
        target = reverse("accounts:mfa-setup" if step == ENROL else "accounts:mfa-verify")
        return redirect(f"{target}?next={reverse(back_to)}")
    return None


def token_pages_allowed(request: HttpRequest) -> HttpResponse | None:
    """Token pages: clinic staff only, and only after the two-step login where it applies."""
    if not can_create_api_token(request.user):
        raise PermissionDenied("API tokens are for clinic staff.")
    return two_step_first(request, "accounts:tokens")


@never_cache
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """ "My settings": the signed-in staff member's own time zone."""
    if not can_change_staff_settings(request.user, request.user):
        raise PermissionDenied("My settings are for clinic staff.")
    refused = two_step_first(request, "accounts:preferences")
    if refused is not None:
        return refused
    current = staff_time_zone_of(user=request.user)
    form = MySettingsForm(request.POST or None, initial={"time_zone": current})
    if request.method == "POST" and form.is_valid():
        try:
            staff_time_zone_set(
                user=request.user, time_zone=form.cleaned_data["time_zone"], by=request.user, request=request
            )
        except DomainError as error:
            add_service_errors(form, error)
        else:
            zone = viewer_zone(form.cleaned_data["time_zone"])
            messages.success(
                request, f"Saved. Times now show in {zone.key}, e.g. {format_datetime(timezone.now(), zone)}."
            )
            return redirect("accounts:preferences")
    zone = viewer_zone(current)
    return render(
        request,
        "accounts/preferences.html",
        console_context(
            request,
            "My settings",
            form=form,
            zone=zone,
            now_shown=format_datetime(timezone.now(), zone),
            follows_clinic=not current,
        ),
    )


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    refused = token_pages_allowed(request)
    if refused is not None:
        return refused
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                request=request,
            )
        except DomainError as error:
            add_service_errors(form, error)
        else:
            # Answered directly (no redirect): the secret is in this one response and nowhere else.
            return render(
                request,
                "accounts/token_created.html",
                console_context(request, "Your new API token", token=token, secret=secret),
            )
    return render(
        request,
        "accounts/tokens.html",
        console_context(request, "API tokens", form=form, tokens=list(api_tokens_of(user=request.user))),
    )


@never_cache
@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    refused = token_pages_allowed(request)
    if refused is not None:
        return refused
    # Someone else's token answers 404, like one that does not exist; an admin may revoke anyone's (the same
    # capability as the service and the console's token list).
    token = ApiToken.objects.filter(pk=pk).first()
    if token is None or not can_revoke_api_token(request.user, token):
        raise Http404("No API token of yours has this number.")
    api_token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, f"Token '{token.name}' is revoked; it stops working at once.")
    return redirect("accounts:tokens")
