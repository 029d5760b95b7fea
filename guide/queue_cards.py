"""A card on the coordinators' work queue (clinic.queue): guide pages past their clinical review date."""

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from clinic.queue import QueueCard
from guide.selectors import guide_pages_overdue
from patients.capabilities import can_use_console


def guide_review_cards(user: AbstractBaseUser, mine_only: bool) -> list[QueueCard]:
    """One count for the whole clinic (guide pages belong to nobody's caseload), whatever mine_only says."""
    if not can_use_console(user):
        return []
    return [
        QueueCard(
            key="guide_reviews_overdue",
            title="Guide pages past their clinical review date",
            count=guide_pages_overdue().count(),
            url=reverse("guide_review_due_report"),
            order=90,
        )
    ]
