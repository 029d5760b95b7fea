"""The expert's "My day" on the console dashboard (consults/my_day.py)."""

from django import template

from consults.my_day import ExpertDay, expert_day

register = template.Library()


@register.simple_tag(takes_context=True)
def my_day(context) -> ExpertDay:
    return expert_day(user=context["request"].user)
