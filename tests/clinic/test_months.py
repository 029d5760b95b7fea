"""Calendar-month arithmetic (clinic/months.py)."""

from datetime import date

from clinic.months import add_months


def test_add_months_clamps_to_month_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
