"""Response headers that limit what a page may load and who may keep a copy of it.

Django 5.2 has no built-in Content-Security-Policy, so this middleware sets it: everything from
our own origin, scripts and styles only from files or carrying this request's nonce
(`{{ request.csp_nonce }}` in a template). Patient data (the API, `/c/<token>/` manage pages)
is marked `no-store` so no browser or proxy cache keeps it.

No page may be framed (X-Frame-Options DENY, frame-ancestors 'none'), with one exception: Wagtail's
preview of a page being edited, which the editor at /cms/ shows in an iframe beside the form. Those
responses, and only for a signed-in user, may be framed by our own origin (SAMEORIGIN, 'self').
"""

import re
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Browser features no CareThread page uses; a page (or something injected into one) cannot ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

# The API docs (Swagger UI, Redoc) style themselves with inline styles their JS writes at run time,
# Redoc's search runs in a blob: worker and its sidebar shows its logo from its CDN; those pages hold
# no patient data, so only they get this leeway.
API_DOCS_PATHS = ("/api/docs/", "/api/redoc/")
API_DOCS_IMAGES = "https://cdn.redoc.ly"

# The staff consoles (Django's admin, Wagtail's editor) ship widgets (date pickers, collapsible
# fieldsets, Wagtail's panels) whose scripts write style attributes. Styles only: their scripts still
# need this request's nonce, and both consoles sit behind sign-in and the two-step login.
CONSOLE_PATHS = ("/admin/", "/cms/")

# Patient data: the API, manage links in every language (/c/<token>/, /hi/c/<token>/).
NO_STORE_PATHS = re.compile(r"^/(api/v1/|(?:[a-z]{2}/)?c/[^/]+/)")

# Wagtail 8's previews, which its editor frames: /cms/pages/<id>/edit/preview/, /cms/pages/add/<app>/<model>/
# <parent>/preview/, snippets' .../preview/<pk>/, the workflow task preview and StreamField block previews.
CMS_PREVIEW_PATHS = re.compile(r"^/cms/(?:block-preview/|(?:[^/]+/)*preview/)")
FRAME_ANCESTORS_NONE = "frame-ancestors 'none'"
FRAME_ANCESTORS_SELF = "frame-ancestors 'self'"


def content_security_policy(*, nonce: str, path: str) -> str:
    docs = path.startswith(API_DOCS_PATHS)
    style_src = "'self' 'unsafe-inline'" if docs or path.startswith(CONSOLE_PATHS) else f"'self' 'nonce-{nonce}'"
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src {style_src}",
        f"img-src 'self' data: {API_DOCS_IMAGES}" if docs else "img-src 'self' data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        FRAME_ANCESTORS_NONE,
    ]
    return "; ".join(directives)


def may_be_framed_by_the_editor(request: HttpRequest, response: HttpResponse) -> bool:
    """A Wagtail preview that Wagtail served (200: it checked the signed-in user may edit the page)."""
    user = getattr(request, "user", None)
    return (
        bool(CMS_PREVIEW_PATHS.match(request.path))
        and bool(user and user.is_authenticated)
        and response.status_code == 200
    )


def allow_same_origin_framing(response: HttpResponse) -> None:
    # The preview's own headers come from Wagtail rendering the page through the middleware again,
    # for the page's public URL; only its frame-ancestors changes, its nonce must stay.
    response["X-Frame-Options"] = "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    response["Content-Security-Policy"] = policy.replace(FRAME_ANCESTORS_NONE, FRAME_ANCESTORS_SELF)


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a per-request nonce, Permissions-Policy, and no-store on patient data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy", content_security_policy(nonce=request.csp_nonce, path=request.path)
        )
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if may_be_framed_by_the_editor(request, response):
            allow_same_origin_framing(response)
        if NO_STORE_PATHS.match(request.path):
            add_never_cache_headers(response)
        return response
