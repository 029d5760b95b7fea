"""Public guide views Wagtail does not give us: search, sitemap.xml and robots.txt."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from wagtail.models import Locale

from guide.models import GuidePage, LandingPage, PatientStoryPage

SEARCH_PAGE_SIZE = 10
MAX_QUERY_LENGTH = 200


def search(request: HttpRequest) -> HttpResponse:
    """Guide pages in the reader's language matching ?q= (Wagtail search: full text on PostgreSQL)."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        locale = Locale.objects.filter(language_code=get_language()).first() or Locale.get_default()
        pages = GuidePage.objects.live().public().filter(locale=locale)
        paginator = Paginator(pages.search(query, operator="or"), SEARCH_PAGE_SIZE)
        results = paginator.get_page(request.GET.get("page"))
    return render(request, "guide/search.html", {"query": query, "results": results})


def public_url(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}"


def sitemap(request: HttpRequest) -> HttpResponse:
    """Every live public guide page in every language, each with its translations as hreflang alternates."""
    pages = [
        *LandingPage.objects.live().public().select_related("locale"),
        *GuidePage.objects.live().public().select_related("locale"),
        *PatientStoryPage.objects.live().public().select_related("locale"),
    ]
    by_key: dict = {}
    for page in pages:
        by_key.setdefault(page.translation_key, []).append(page)
    entries = [
        {
            "loc": public_url(page.url),
            "lastmod": page.last_published_at,
            "alternates": [
                (other.locale.language_code, public_url(other.url)) for other in by_key[page.translation_key]
            ],
        }
        for page in sorted(pages, key=lambda p: (p.locale.language_code, p.path))
        if page.url
    ]
    return render(request, "guide/sitemap.xml", {"entries": entries}, content_type="application/xml")


def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ("/admin/", "/cms/", "/api/", "/c/", "/messaging/", "/followups/")),
        f"Sitemap: {public_url('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
