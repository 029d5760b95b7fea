"""Reads for the guide: the public part of the resources directory, overdue reviews."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from guide.models import GuidePage, LandingPage, PatientStoryPage
from patients.models import Resource


def public_resources(*, categories: list[str]) -> list[Resource]:
    """Active directory entries marked "show on website", in the given categories, in directory order."""
    return list(Resource.objects.filter(is_public=True, is_active=True, category__in=categories))


def guide_pages_overdue(*, today: date | None = None) -> QuerySet[Page]:
    """Live pages of every guide type, in every language, whose next clinical review date has passed.

    One query: each page type is a child table of Page, reached through its one-to-one link.
    """
    today = today or timezone.localdate()
    overdue = Q()
    for model in (LandingPage, GuidePage, PatientStoryPage):
        overdue |= Q(**{f"{model._meta.model_name}__next_review_due__lt": today})
    pages: QuerySet[Page] = Page.objects.live().filter(overdue).order_by("path")
    return pages
