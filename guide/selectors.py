"""Reads for the guide: the public part of the resources directory, overdue reviews."""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Page

from patients.models import Resource


def public_resources(*, categories: list[str]) -> list[Resource]:
    """Active directory entries marked "show on website", in the given categories, in directory order."""
    return list(Resource.objects.filter(is_public=True, is_active=True, category__in=categories))


def guide_pages_overdue(*, today: date | None = None) -> QuerySet:
    """Live guide pages (any type, any language) whose next clinical review date has passed."""
    from guide.models import GuidePage, LandingPage

    today = today or timezone.localdate()
    ids = [
        *LandingPage.objects.live().filter(next_review_due__lt=today).values_list("pk", flat=True),
        *GuidePage.objects.live().filter(next_review_due__lt=today).values_list("pk", flat=True),
    ]
    return Page.objects.filter(pk__in=ids).order_by("path")
