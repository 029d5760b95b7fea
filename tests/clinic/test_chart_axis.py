"""Issue 14: chart time axes are labelled every 3 months ("Jan 2026", "Apr 2026" …), whatever the span,
at least two labels, never overlapping (clinic/chart_axis.py)."""

import re
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from types import SimpleNamespace

import pytest

from clinic.chart_axis import CHAR_WIDTH, quarter_domain, quarter_starts
from clinic.months import add_months
from insights import charts as insights_charts
from patients.charts import WIDTH, bcr_abl1_chart

LABEL = re.compile(r'<text class="x-label" x="([\d.]+)"[^>]*text-anchor="(\w+)"[^>]*>([^<]+)</text>')
MONTH_YEAR = re.compile(r"^(Jan|Apr|Jul|Oct) \d{4}$")
MONTH_NUMBER = {"Jan": 1, "Apr": 4, "Jul": 7, "Oct": 10}


def result(day: date, percent: str = "1.2") -> SimpleNamespace:
    return SimpleNamespace(
        sample_on=day,
        is_percent=Decimal(percent),
        bcr_abl1_detected=True,
        eln_assessment="optimal",
        get_eln_assessment_display=lambda: "Optimal",
    )


def series(first: date, months: int, every: int = 3) -> list[SimpleNamespace]:
    return [result(add_months(first, month)) for month in range(0, months + 1, every)] + [
        result(add_months(first, months))
    ]


def labels(svg: str) -> list[tuple[float, str, str]]:
    return [(float(x), anchor, text) for x, anchor, text in LABEL.findall(svg)]


def months_apart(a: str, b: str) -> int:
    (month_a, year_a), (month_b, year_b) = a.split(), b.split()
    return (int(year_b) - int(year_a)) * 12 + MONTH_NUMBER[month_b] - MONTH_NUMBER[month_a]


def extents(found: list[tuple[float, str, str]]) -> list[tuple[float, float]]:
    spans = []
    for x, anchor, text in found:
        size = len(text) * CHAR_WIDTH
        start = x - size / 2 if anchor == "middle" else x if anchor == "start" else x - size
        spans.append((start, start + size))
    return spans


def test_an_18_month_series_gets_six_or_seven_labels():
    found = labels(bcr_abl1_chart(series(date(2025, 3, 10), 18), started_on=None))
    assert 6 <= len(found) <= 7


def test_an_18_month_series_is_labelled_at_3_month_steps():
    texts = [text for _x, _anchor, text in labels(bcr_abl1_chart(series(date(2025, 3, 10), 18), started_on=None))]
    assert {months_apart(a, b) for a, b in pairwise(texts)} == {3}


def test_labels_read_month_and_year_of_a_quarter():
    texts = [text for _x, _anchor, text in labels(bcr_abl1_chart(series(date(2025, 3, 10), 18), started_on=None))]
    assert all(MONTH_YEAR.match(text) for text in texts), texts


def test_a_2_month_series_still_gets_two_labels():
    found = labels(bcr_abl1_chart(series(date(2026, 1, 20), 2, every=1), started_on=None))
    assert len(found) >= 2


def test_a_2_month_series_is_labelled_3_months_apart():
    texts = [t for _x, _a, t in labels(bcr_abl1_chart(series(date(2026, 2, 15), 2, every=1), started_on=None))]
    assert months_apart(texts[0], texts[1]) == 3


def test_a_single_result_still_gets_two_labels():
    assert len(labels(bcr_abl1_chart([result(date(2026, 5, 1))], started_on=None))) >= 2


def test_the_time_axis_starts_on_treatment_when_it_is_known():
    found = labels(bcr_abl1_chart(series(date(2025, 3, 10), 6), started_on=date(2025, 3, 1)))
    assert found[0][2] == "Apr 2025"


@pytest.mark.parametrize("months", [2, 6, 12, 18, 30, 60, 120, 240])
def test_labels_never_overlap(months):
    found = labels(bcr_abl1_chart(series(date(2016, 2, 10), months), started_on=None))
    spans = extents(found)
    assert all(left_end <= right_start for (_s, left_end), (right_start, _e) in pairwise(spans))


@pytest.mark.parametrize("months", [2, 6, 12, 18, 30, 60, 120, 240])
def test_labels_stay_inside_the_picture(months):
    spans = extents(labels(bcr_abl1_chart(series(date(2016, 2, 10), months), started_on=None)))
    assert all(start >= 0 and end <= WIDTH for start, end in spans)


def test_a_long_series_keeps_a_tick_every_3_months():
    svg = bcr_abl1_chart(series(date(2016, 2, 10), 120), started_on=None)
    ticks = re.findall(r'<line x1="([\d.]+)" x2="\1" y1="\d+" y2="\d+" stroke="#e3e8ee"/>', svg)
    assert len(ticks) == len(quarter_starts(date(2016, 2, 10), date(2026, 2, 10) + timedelta(days=45)))


def test_a_long_series_labels_whole_multiples_of_3_months():
    texts = [t for _x, _a, t in labels(bcr_abl1_chart(series(date(2016, 2, 10), 120), started_on=None))]
    assert {months_apart(a, b) % 3 for a, b in pairwise(texts)} == {0}


def test_the_domain_is_kept_when_it_holds_two_quarters():
    assert quarter_domain(date(2025, 3, 10), date(2025, 12, 1)) == (date(2025, 3, 10), date(2025, 12, 1))


def test_a_short_domain_widens_to_the_quarters_around_it():
    assert quarter_domain(date(2026, 1, 20), date(2026, 3, 20)) == (date(2026, 1, 1), date(2026, 4, 1))


def test_a_point_on_a_quarter_start_widens_to_the_next_quarter():
    assert quarter_domain(date(2026, 4, 1), date(2026, 4, 1)) == (date(2026, 4, 1), date(2026, 7, 1))


# --- insights -----------------------------------------------------------------------------------


def weeks_from(monday: date, count: int) -> list[date]:
    return [monday + timedelta(weeks=n) for n in range(count)]


def test_a_year_of_insights_is_labelled_every_3_months():
    weeks = weeks_from(date(2025, 12, 8), 52)
    svg = insights_charts.week_lines(
        key="k", title="t", desc="d", weeks=weeks, series=insights_charts.with_colours([("Median", [1.0] * 52)])
    )
    texts = [t for _x, _a, t in labels(svg)]
    assert texts == ["Jan 2026", "Apr 2026", "Jul 2026", "Oct 2026"]


def test_a_quarter_of_insights_names_weeks_in_the_console_format():
    weeks = weeks_from(date(2026, 9, 7), 12)
    svg = insights_charts.stacked_week_bars(
        key="k", title="t", desc="d", weeks=weeks, series=insights_charts.with_colours([("Web", [1] * 12)])
    )
    assert [t for _x, _a, t in labels(svg)][:2] == ["7 Sep", "21 Sep"]


def test_insights_week_titles_use_the_console_date_format():
    weeks = weeks_from(date(2026, 9, 7), 4)
    svg = insights_charts.stacked_week_bars(
        key="k", title="t", desc="d", weeks=weeks, series=insights_charts.with_colours([("Web", [1] * 4)])
    )
    assert "Week of 7 Sep 2026, Web: 1" in svg
