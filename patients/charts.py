"""Server-rendered SVG: BCR::ABL1 IS % over time on a log scale, with the ELN 2020 milestone lines.

No JavaScript and no chart library; the page also shows the same numbers as a table. The time axis is
labelled every 3 months (clinic/chart_axis.py).
"""

import math
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from clinic.chart_axis import quarter_axis, quarter_domain, quarter_starts
from clinic.months import add_months
from clinic.timezones import format_date
from patients import protocols

WIDTH, HEIGHT = 680, 300
# RIGHT leaves room for half a "Sep 2026" centred on a tick at the plot's right edge.
LEFT, RIGHT, TOP, BOTTOM = 64, 32, 16, 44
LOG_MIN, LOG_MAX = -3.0, 2.0  # 0.001 % to 100 %
UNDETECTABLE_Y = LOG_MIN - 0.5
COLOURS = {"optimal": "#1b7a3a", "warning": "#b26a00", "failure": "#b00020"}
GREY = "#5a6776"


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(log_value: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (top - log_value) / (top - (UNDETECTABLE_Y - 0.2))


def _label(value: Decimal) -> str:
    return f"{value.normalize():f} %"


def bcr_abl1_chart(results: Sequence, *, started_on: date | None) -> SafeString:
    """An SVG of resulted qPCR tests (needs .sample_on, .is_percent, .bcr_abl1_detected, .eln_assessment)."""
    points = [r for r in results if r.sample_on]
    if not points:
        return mark_safe("")
    days = [r.sample_on for r in points] + ([started_on, add_months(started_on, 15)] if started_on else [])
    first, last = quarter_domain(min(days), max(days) + timedelta(days=45))
    values = [float(r.is_percent) for r in points if r.bcr_abl1_detected and r.is_percent]
    top = max(LOG_MAX, math.ceil(math.log10(max(values)))) if values else LOG_MAX
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="bcr-chart" aria-labelledby="bcr-chart-title"><title id="bcr-chart-title">BCR::ABL1 IS % over '
        f"time, log scale, with ELN 2020 milestone lines</title>"
    ]
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}" '
        'fill="#fff" stroke="#d7dee5"/>'
    )
    for power in range(int(LOG_MIN), int(top) + 1):
        y = _y(power, top)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eef1f4"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{GREY}">'
            f"{_label(Decimal(10) ** power)}</text>"
        )
    parts.append(
        f'<text x="{LEFT - 6}" y="{_y(UNDETECTABLE_Y, top) + 4:.1f}" text-anchor="end" font-size="11" '
        f'fill="{GREY}">undet.</text>'
    )
    parts += quarter_axis(
        quarter_starts(first, last),
        x=lambda day: _x(day, first, last),
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        width=WIDTH,
        grey=GREY,
    )
    if started_on:
        parts += _milestone_lines(started_on, first, last, top)
    parts += _series(points, first, last, top)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped or numeric


def _milestone_lines(started_on: date, first: date, last: date, top: float) -> list[str]:
    """The optimal boundary as a step: <= 10 % from 3 months, <= 1 % from 6, <= 0.1 % (MMR) from 12."""
    parts = []
    rows = [m for m in protocols.ELN_MILESTONES if m.key != "after"]
    for index, milestone in enumerate(rows):
        start = add_months(started_on, milestone.months)
        end = add_months(started_on, rows[index + 1].months) if index + 1 < len(rows) else last
        if start > last:
            continue
        x1, x2 = _x(max(start, first), first, last), _x(min(end, last), first, last)
        y = _y(math.log10(milestone.optimal_max), top)
        parts.append(
            f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#1b7a3a" '
            'stroke-dasharray="6 4" stroke-width="1.5"/>'
        )
        parts.append(
            f'<line x1="{x1:.1f}" x2="{x1:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#9aa7b4" '
            'stroke-dasharray="2 3"/>'
        )
        parts.append(
            f'<text x="{x1 + 3:.1f}" y="{y - 4:.1f}" font-size="11" fill="#1b7a3a">'
            f"{escape(milestone.label)}: {escape(milestone.optimal_text)}</text>"
        )
    mmr = _y(math.log10(protocols.MOLECULAR_RESPONSE_LEVELS[-1][2]), top)
    parts.append(
        f'<text x="{WIDTH - RIGHT - 4}" y="{mmr + 12:.1f}" font-size="10" text-anchor="end" fill="{GREY}">MMR</text>'
    )
    return parts


def _series(points: Sequence, first: date, last: date, top: float) -> list[str]:
    coords = []
    marks = []
    for result in sorted(points, key=lambda r: r.sample_on):
        x = _x(result.sample_on, first, last)
        detected = bool(result.bcr_abl1_detected) and result.is_percent is not None and result.is_percent > 0
        y = _y(math.log10(float(result.is_percent)), top) if detected else _y(UNDETECTABLE_Y, top)
        coords.append(f"{x:.1f},{y:.1f}")
        colour = COLOURS.get(result.eln_assessment, GREY)
        shown = _label(result.is_percent) if detected else "undetectable"
        rating = result.get_eln_assessment_display() or "not assessed"
        title = escape(f"{format_date(result.sample_on)}: {shown} ({rating})")
        if detected:
            marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"><title>{title}</title></circle>')
        else:
            marks.append(
                f'<path d="M{x - 5:.1f},{y + 4:.1f} L{x + 5:.1f},{y + 4:.1f} L{x:.1f},{y - 5:.1f} Z" '
                f'fill="#fff" stroke="{colour}" stroke-width="2"><title>{title}</title></path>'
            )
    line = f'<polyline points="{" ".join(coords)}" fill="none" stroke="#0b6e69" stroke-width="1.5"/>'
    return [line, *marks]
