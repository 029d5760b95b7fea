"""Cards for the coordinator's work queue (clinic.queue): today's consults, consults to close."""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from clinic.queue import QueueCard
from clinic.roles import is_coordinator
from consults.models import ConsultStatus
from consults.selectors import consults_visible_to
from patients.capabilities import can_use_console


def consult_cards(user: AbstractBaseUser, mine_only: bool) -> list[QueueCard]:
    """Two counts in one query, whatever the number of consults."""
    if not can_use_console(user):
        return []
    consults = consults_visible_to(user)
    if mine_only and is_coordinator(user):
        consults = consults.filter(Q(patient__coordinator=user) | Q(expert__user=user))
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    confirmed = Q(status=ConsultStatus.CONFIRMED)
    counts = consults.aggregate(
        today=Count("pk", filter=confirmed & Q(start__gte=midnight, start__lt=midnight + timedelta(days=1))),
        to_close=Count("pk", filter=confirmed & Q(end__lt=now)),
    )
    changelist = reverse("admin:consults_consult_changelist")
    return [
        QueueCard(
            key="consults_today",
            title="Today's consults",
            count=counts["today"],
            url=f"{changelist}?when=today&status__exact=confirmed",
            order=20,
        ),
        QueueCard(
            key="consults_to_close",
            title="Consults to mark completed or no-show",
            count=counts["to_close"],
            url=f"{changelist}?when=past&status__exact=confirmed",
            order=60,
        ),
    ]
