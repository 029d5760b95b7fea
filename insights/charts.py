"""Server-rendered SVG charts for the insights page, in the manner of patients/charts.py.

No JavaScript and no chart library. Each SVG is role="img" with a <title> and a <desc> (named by
aria-labelledby / aria-describedby); the page shows the same numbers in a table beside it and
the legend as HTML, so nothing is only in the picture. Periods longer than six months get the console's
time axis, a tick every 3 months (clinic/chart_axis.py); shorter ones name every few weeks.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from clinic.chart_axis import quarter_axis, quarter_starts
from clinic.timezones import format_date

WIDTH, HEIGHT = 680, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 12, 36
GREY = "#5a6776"
GRID = "#e3e8ee"
# Distinguishable on white and from each other (all at least 3:1 against white).
PALETTE = ("#0b6e69", "#b26a00", "#4b3fa6", "#b00020", "#1b7a3a", "#5a6776", "#8a3d8f")
MAX_X_LABELS = 7
QUARTER_AXIS_FROM_WEEKS = 27  # longer than six months: "Jan 2026", "Apr 2026" … instead of week dates


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str


def with_colours(
    labelled: Sequence[tuple[str, Sequence[float | None]]], colours: Sequence[str] = PALETTE
) -> list[Series]:
    return [Series(label, values, colours[index % len(colours)]) for index, (label, values) in enumerate(labelled)]


def _nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^n at or above `value`, so gridlines fall on round numbers."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _count_max(value: float) -> int:
    """For counts: four gridline steps of 1, 2 or 5 x 10^n, so no gridline reads "1.25 bookings"."""
    step = 1
    while step * 4 < value:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return step * 4


def _number(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value:,.0f}"


def _open(key: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="ins-chart" '
        f'aria-labelledby="{key}-title" aria-describedby="{key}-desc">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(desc)}</desc>'
    ]


def _y_axis(top_value: float, unit: str) -> list[str]:
    parts = []
    for step in range(5):
        value = top_value * step / 4
        y = TOP + (HEIGHT - TOP - BOTTOM) * (1 - step / 4)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{GREY}">'
            f"{_number(value)}{escape(unit)}</text>"
        )
    return parts


def _x_labels(weeks: Sequence[date], centre_of: list[float]) -> list[str]:
    if len(weeks) >= QUARTER_AXIS_FROM_WEEKS:
        slot = (WIDTH - LEFT - RIGHT) / len(weeks)
        first = weeks[0]
        return quarter_axis(
            quarter_starts(first, weeks[-1] + timedelta(days=6)),
            x=lambda day: LEFT + slot * (day - first).days / 7,
            top=TOP,
            bottom=HEIGHT - BOTTOM,
            width=WIDTH,
            grey=GREY,
        )
    every = max(math.ceil(len(weeks) / MAX_X_LABELS), 1)
    return [
        f'<text class="x-label" x="{centre_of[index]:.1f}" y="{HEIGHT - 12}" text-anchor="middle" '
        f'font-size="11" fill="{GREY}">{escape(formats.date_format(week, "MONTH_DAY_FORMAT"))}</text>'
        for index, week in enumerate(weeks)
        if index % every == 0
    ]


def _slots(count: int) -> tuple[list[float], float]:
    width = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return [LEFT + width * (index + 0.5) for index in range(count)], width


def _y(value: float, top_value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top_value)


def stacked_week_bars(
    *, key: str, title: str, desc: str, weeks: Sequence[date], series: Sequence[Series]
) -> SafeString:
    """One bar per week, stacked by series (counts)."""
    totals = [sum(s.values[index] or 0 for s in series) for index in range(len(weeks))]
    top_value = _count_max(max(totals, default=0))
    centres, slot = _slots(len(weeks))
    bar = max(slot * 0.7, 1.0)
    parts = _open(key, title, desc) + _y_axis(top_value, "")
    for index, week in enumerate(weeks):
        base = 0.0
        for s in series:
            value = s.values[index] or 0
            if not value:
                continue
            y_top, y_bottom = _y(base + value, top_value), _y(base, top_value)
            parts.append(
                f'<rect x="{centres[index] - bar / 2:.1f}" y="{y_top:.1f}" width="{bar:.1f}" '
                f'height="{y_bottom - y_top:.1f}" fill="{s.colour}"><title>'
                f"{escape(f'Week of {format_date(week)}, {s.label}: {_number(value)}')}</title></rect>"
            )
            base += value
    parts += _x_labels(weeks, centres)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped or numeric


def week_lines(
    *,
    key: str,
    title: str,
    desc: str,
    weeks: Sequence[date],
    series: Sequence[Series],
    unit: str = "",
    top_value: float | None = None,
) -> SafeString:
    """One line per series across the weeks; a week without a value breaks the line."""
    values = [v for s in series for v in s.values if v is not None]
    top_value = top_value or _nice_max(max(values, default=0))
    centres, _ = _slots(len(weeks))
    parts = _open(key, title, desc) + _y_axis(top_value, unit)
    for s in series:
        runs: list[list[str]] = [[]]
        for index, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x, y = centres[index], _y(value, top_value)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            label = f"Week of {format_date(weeks[index])}, {s.label}: {_number(round(value, 1))}{unit}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{s.colour}"><title>{escape(label)}</title></circle>'
            )
        parts += [
            f'<polyline points="{" ".join(run)}" fill="none" stroke="{s.colour}" stroke-width="2"/>'
            for run in runs
            if len(run) > 1
        ]
    parts += _x_labels(weeks, centres)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped or numeric


def horizontal_bars(
    *, key: str, title: str, desc: str, labels: Sequence[str], values: Sequence[int], colour: str = PALETTE[3]
) -> SafeString:
    """One bar per label (e.g. a failure reason), longest first as given; labels sit above their bars."""
    row = 40
    height = TOP + row * max(len(labels), 1) + 8
    top_value = _nice_max(max(values, default=0))
    span = WIDTH - 16 - RIGHT - 48
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" class="ins-chart" '
        f'aria-labelledby="{key}-title" aria-describedby="{key}-desc">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(desc)}</desc>'
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + row * index
        shown = label if len(label) <= 90 else f"{label[:89]}…"
        length = span * value / top_value
        parts.append(
            f'<text x="16" y="{y + 12}" font-size="12" fill="#1f2933">{escape(shown)}</text>'
            f'<rect x="16" y="{y + 17}" width="{max(length, 1):.1f}" height="14" fill="{colour}"/>'
            f'<text x="{16 + length + 6:.1f}" y="{y + 29}" font-size="12" fill="{GREY}">{value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped or numeric
