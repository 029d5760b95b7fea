"""The console dashboard's link to the insights page, shown only to those who may open it."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from patients.capabilities import can_view_clinic_insights

register = template.Library()


@register.simple_tag(takes_context=True)
def insights_link(context) -> str:
    if not can_view_clinic_insights(context["request"].user):
        return ""
    return format_html(
        '<p class="ct-insights-link"><a href="{}">Clinic insights: bookings, replies, '
        "adherence and results by week</a></p>",
        reverse("insights:index"),
    )
