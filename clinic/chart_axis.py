"""Time axes of the console's server-rendered charts: a tick every 3 months, on calendar quarters.

Ticks fall on 1 Jan, 1 Apr, 1 Jul and 1 Oct and read "Jan 2026", "Apr 2026" … whatever the span, so
every chart in the console reads the same way (patients/charts.py, insights/charts.py). A short span is
widened to the quarters around it, so even two months of results get two labels. On a long span the
ticks stay every 3 months but only every 2nd, 4th … is labelled, so labels never overlap.
"""

from collections.abc import Callable
from datetime import date
from itertools import pairwise

from django.utils import formats
from django.utils.html import escape

from clinic.months import add_months

STEP_MONTHS = 3
FONT_SIZE = 11
# Average advance of a character of the console's sans-serif at 11 px (digits and lower case), a little
# generous so the estimate errs on the side of more space between labels.
CHAR_WIDTH = 0.62 * FONT_SIZE
LABEL_GAP = 10  # px of clear space wanted between two labels


def quarter_floor(day: date) -> date:
    """The first day of the calendar quarter holding `day`."""
    return date(day.year, (day.month - 1) // STEP_MONTHS * STEP_MONTHS + 1, 1)


def quarter_ceil(day: date) -> date:
    """The first quarter start on or after `day`."""
    floor = quarter_floor(day)
    return floor if floor == day else add_months(floor, STEP_MONTHS)


def quarter_starts(first: date, last: date) -> list[date]:
    """Every quarter start in [first, last], oldest first."""
    ticks, tick = [], quarter_ceil(first)
    while tick <= last:
        ticks.append(tick)
        tick = add_months(tick, STEP_MONTHS)
    return ticks


def quarter_domain(first: date, last: date) -> tuple[date, date]:
    """[first, last], widened to the quarters around it when it holds fewer than two quarter starts."""
    if len(quarter_starts(first, last)) >= 2:
        return first, last
    start = quarter_floor(first)
    return start, max(quarter_ceil(last), add_months(start, STEP_MONTHS))


def tick_label(day: date) -> str:
    """ "Jan 2026" (YEAR_MONTH_FORMAT, config/formats/)."""
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def label_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def labelled_every(ticks: list[date], x: Callable[[date], float]) -> int:
    """Label every 1st, 2nd, 4th … tick: the smallest step at which neighbouring labels do not touch."""
    if len(ticks) < 2:
        return 1
    spacing = min(x(b) - x(a) for a, b in pairwise(ticks))
    widest = max(label_width(tick_label(tick)) for tick in ticks)
    every = 1
    while spacing * every < widest + LABEL_GAP and every < len(ticks):
        every *= 2
    return every


def quarter_axis(
    ticks: list[date], *, x: Callable[[date], float], top: float, bottom: float, width: float, grey: str
) -> list[str]:
    """SVG for the ticks: a faint line up the plot at each, and the labels below the plot.

    A label that would spill past either edge of the picture (0 to `width`) is anchored at that side
    instead of centred; any label that would then touch the one before it is left out.
    """
    every = labelled_every(ticks, x)
    parts: list[str] = []
    previous_end = float("-inf")
    for index, tick in enumerate(ticks):
        at = x(tick)
        parts.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{top}" y2="{bottom + 4}" stroke="#e3e8ee"/>')
        if index % every:
            continue
        text = tick_label(tick)
        size = label_width(text)
        anchor, start = "middle", at - size / 2
        if start < 0:
            anchor, start = "start", at
        elif start + size > width:
            anchor, start = "end", at - size
        if start < previous_end + LABEL_GAP:
            continue
        previous_end = start + size
        parts.append(
            f'<text class="x-label" x="{at:.1f}" y="{bottom + 16}" text-anchor="{anchor}" '
            f'font-size="{FONT_SIZE}" fill="{grey}">{escape(text)}</text>'
        )
    return parts
