"""How a table cell of an insights report reads on the page (the CSV keeps the raw value)."""

from datetime import date

from django import template

from clinic.timezones import format_date

register = template.Library()


@register.filter
def insights_cell(value: str | int | float | date | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
