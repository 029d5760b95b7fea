"""Template tags for the care console dashboard."""

from django import template

from clinic.queue import QueueCard, queue_cards
from patients.capabilities import can_open_settings, can_see_coordinator_queue, can_see_my_day

register = template.Library()


@register.simple_tag(takes_context=True)
def care_queue(context) -> dict:
    """The work-queue cards for the signed-in user; "mine" unless ?scope=all."""
    request = context["request"]
    mine_only = request.GET.get("scope", "mine") != "all"
    # Experts get "My day" instead: the coordinator cards are work they cannot act on.
    shows_cards = can_see_coordinator_queue(request.user)
    cards: list[QueueCard] = queue_cards(request.user, mine_only=mine_only) if shows_cards else []
    return {
        "cards": cards,
        "mine_only": mine_only,
        "shows_cards": shows_cards,
        "shows_my_day": can_see_my_day(request.user),
        "can_open_settings": can_open_settings(request.user),
        "settings": settings_view(context),
    }


@register.simple_tag(takes_context=True)
def settings_view(context) -> bool:
    """Whether this dashboard shows the model index ("Settings", admins only); no query, unlike care_queue."""
    request = context["request"]
    return request.GET.get("view") == "settings" and can_open_settings(request.user)
