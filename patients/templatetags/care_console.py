"""Template tags for the care console dashboard."""

from django import template

from patients.queue import QueueCard, queue_cards

register = template.Library()


@register.simple_tag(takes_context=True)
def care_queue(context) -> dict:
    """The work-queue cards for the signed-in user; "mine" unless ?scope=all."""
    request = context["request"]
    mine_only = request.GET.get("scope", "mine") != "all"
    cards: list[QueueCard] = queue_cards(request.user, mine_only=mine_only)
    return {"cards": cards, "mine_only": mine_only}
