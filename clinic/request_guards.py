"""Refuse input no view can use before it reaches one; trust only what the deployment vouches for."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from clinic.views import not_found, wants_json


class NulQueryMiddleware:
    """A NUL character in a query parameter answers 400 naming the parameter; in the path, 404.

    PostgreSQL text cannot hold NUL, so any filter built from such a value (including the admin's
    own list filters) would otherwise fail inside the database as a 500. Forms and serializers
    already refuse NUL in posted fields; this covers the query string every list page reads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            # No URL of ours contains NUL; a token or id with one would reach the database otherwise.
            return not_found(request)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                field = name.replace("\x00", "")
                detail = f"The parameter {field!r} contains a NUL character; remove it and try again."
                if wants_json(request):
                    return JsonResponse(
                        {"code": "invalid", "detail": detail, "field": field, field: [detail]}, status=400
                    )
                return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    """The client's IP address, for rate limits and audit entries.

    X-Forwarded-For is any client's to write, so it counts only as far as NUM_PROXIES trusted
    proxies vouch for it: with N proxies, each appending the peer it saw, the client is the N-th
    entry from the end. With 0 (the default, no proxy) the TCP peer is the client. Same rule as
    DRF's throttles (REST_FRAMEWORK["NUM_PROXIES"] is this setting).
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = settings.NUM_PROXIES
    if proxies == 0 or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote


PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


def cache_is_process_local(caches: dict[str, dict[str, Any]]) -> bool:
    return caches["default"]["BACKEND"] in PROCESS_LOCAL_CACHES


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: rate limits need one cache for every worker and node."""
    if settings.DEBUG or not cache_is_process_local(settings.CACHES):
        return []
    return [
        checks.Error(
            "The cache is process-local, so every gunicorn worker counts rate limits (booking, login) on its own.",
            hint="Set REDIS_URL to the Redis every node shares (deploy/README.md).",
            id="carethread.E001",
        )
    ]
