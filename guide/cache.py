"""Rendered guide pages in Django's cache, all invalidated together whenever anything is published.

A publish can change more than its own page (the landing page's cards list its children; translations
link each other), so instead of hunting keys the cache key carries a generation number that every
publish, unpublish, move or delete increments. The key also carries today's date, so the "review
overdue" notice appears on the right day without a publish.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

GENERATION_KEY = "guide:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Start from the clock so a restarted process with an empty local cache never reuses old keys.
        value = int(timezone.now().timestamp())
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def invalidate_all() -> None:
    """Make every cached guide page stale (called on publish, unpublish, move and delete)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(timezone.now().timestamp()), timeout=None)


def is_cacheable(request: HttpRequest) -> bool:
    """Anonymous plain GETs only: previews, query strings and signed-in editors always render fresh."""
    return (
        request.method == "GET"
        and not request.GET
        and not getattr(request, "is_preview", False)
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
    )


def serve_cached(page, request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    if not is_cacheable(request):
        return render()
    key = f"guide:page:{generation()}:{page.pk}:{get_language()}:{timezone.localdate().isoformat()}"
    response = cache.get(key)
    if response is not None:
        return response
    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.status_code == 200:
        cache.set(key, response, timeout=settings.GUIDE_CACHE_SECONDS)
    return response
