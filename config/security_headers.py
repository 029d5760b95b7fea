"""Response headers that limit what a page may load and who may keep a copy of it.

Django 5.2 has no built-in Content-Security-Policy, so this middleware sets it: everything from
our own origin, scripts and styles only from files or carrying this request's nonce
(`{{ request.csp_nonce }}` in a template). Patient data (the API, `/c/<token>/` manage pages)
is marked `no-store` so no browser or proxy cache keeps it.
"""

import re
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Browser features no CareThread page uses; a page (or something injected into one) cannot ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
                    "microphone", "payment", "usb")
)

# The API docs (Swagger UI, Redoc) style themselves with inline styles their JS writes at run time,
# Redoc's search runs in a blob: worker and its sidebar shows its logo from its CDN; those pages hold
# no patient data, so only they get this leeway.
API_DOCS_PATHS = ("/api/docs/", "/api/redoc/")
API_DOCS_IMAGES = "https://cdn.redoc.ly"

NO_STORE_PATHS = re.compile(r"^/(api/v1/|c/[^/]+/)")


def content_security_policy(*, nonce: str, path: str) -> str:
    docs = path.startswith(API_DOCS_PATHS)
    style_src = "'self' 'unsafe-inline'" if docs else f"'self' 'nonce-{nonce}'"
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src {style_src}",
        f"img-src 'self' data: {API_DOCS_IMAGES}" if docs else "img-src 'self' data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a per-request nonce, Permissions-Policy, and no-store on patient data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy",
                            content_security_policy(nonce=request.csp_nonce, path=request.path))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if NO_STORE_PATHS.match(request.path):
            add_never_cache_headers(response)
        return response
