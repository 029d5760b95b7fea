import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"code": "not_found", "detail": "Nothing is here."}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # A lost database raised outside a view (a middleware saving the session) still gets the 503 page.
    from django.db import InterfaceError, OperationalError

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        from clinic.db_unavailable import database_unavailable_response

        return database_unavailable_response(request)
    if wants_json(request):
        return JsonResponse(
            {"code": "server_error", "detail": "Something went wrong on our side. Please try again."},
            status=500,
        )
    return render(request, "errors/500.html", status=500)


def bench_bare(request: HttpRequest) -> HttpResponse:
    """The cheapest Django answer through the full middleware stack: bench-prod's baseline.

    Only there when BENCH_BARE_VIEW=1 (the benchmark topology); a 404 everywhere else.
    """
    if not settings.BENCH_BARE_VIEW:
        return not_found(request)
    return JsonResponse({"ok": True})
