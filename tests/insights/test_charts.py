"""The server-drawn SVG charts: named for assistive technology, escaped, and honest about gaps."""

from datetime import date

from insights import charts

WEEKS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]


def test_chart_is_an_image_named_by_its_title_and_description():
    svg = charts.stacked_week_bars(
        key="k", title="Bookings", desc="Per week", weeks=WEEKS, series=charts.with_colours([("Web", [1, 2, 0])])
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="k-title"' in svg
    assert '<title id="k-title">Bookings</title>' in svg
    assert '<desc id="k-desc">Per week</desc>' in svg


def test_stacked_bars_draw_one_rect_per_non_zero_value():
    svg = charts.stacked_week_bars(
        key="k", title="t", desc="d", weeks=WEEKS, series=charts.with_colours([("Web", [1, 2, 0]), ("SMS", [0, 1, 0])])
    )
    assert svg.count("<rect") == 3


def test_count_gridlines_are_whole_numbers():
    svg = charts.stacked_week_bars(
        key="k", title="t", desc="d", weeks=WEEKS, series=charts.with_colours([("Web", [1, 3, 0])])
    )
    assert ">1.25<" not in svg
    assert ">4<" in svg


def test_a_week_without_a_value_breaks_the_line():
    svg = charts.week_lines(
        key="k",
        title="t",
        desc="d",
        weeks=[*WEEKS, date(2026, 11, 23)],
        series=charts.with_colours([("Median", [10.0, 20.0, None, 5.0])]),
    )
    assert svg.count("<polyline") == 1
    assert svg.count("<circle") == 3


def test_reason_text_is_escaped():
    svg = charts.horizontal_bars(key="k", title="t", desc="d", labels=["<script>alert(1)</script>"], values=[2])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
