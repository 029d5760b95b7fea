"""The console's date-time filter: `{{ consult.start|when }}` -> "30 Nov 2026, 10:00 IST".

Dates alone need no filter of their own: `{{ day|date }}` uses DATE_FORMAT ("30 Nov 2026"). Both
formats live in config/formats/; times are in the viewer's own zone (clinic/timezones.py).
"""

from datetime import date, datetime

from django import template

from clinic.timezones import format_date, format_datetime, format_time

register = template.Library()


@register.filter
def when(value: object) -> object:
    """A date-time as "30 Nov 2026, 10:00 IST" in the viewer's zone; a date as "30 Nov 2026"; None as ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return value


@register.filter
def clock(value: object) -> object:
    """The time of day with the zone, "10:00 IST", for rows under a heading that names the day."""
    if isinstance(value, datetime):
        return format_time(value)
    return "" if value is None else value
