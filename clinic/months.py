"""Calendar-month arithmetic: clinical schedules, ELN milestones and chart axes step by months."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
