"""The insights page's reports: each one a table (header + rows) and the chart drawn from it.

The HTML table and the CSV download read the same `Report.header` and `Report.rows`, so the
numbers behind a chart, on the page and in the file can never disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.utils.safestring import SafeString

from consults.models import ConsultSource, Topic
from followups.models import DoseStatus
from insights import charts, selectors
from insights.selectors import Period
from messaging.models import Status
from patients.models.labs import ElnAssessment

Cell = str | int | float | date | None

ELN_COLOURS = ("#1b7a3a", "#b26a00", "#b00020", "#5a6776")


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    summary: str
    header: list[str]
    rows: list[list[Cell]]
    chart: SafeString
    legend: list[charts.Series]


def _rate(part: int, whole: int) -> float | None:
    """A percentage to one decimal; None (shown as a dash) when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def _week_cell(week: date) -> date:
    """Kept a date: the page formats it for people, the CSV writes it as ISO 8601."""
    return week


def _counts_report(
    *,
    key: str,
    title: str,
    summary: str,
    weeks: list[date],
    counts: dict,
    choices: list[tuple[str, str]],
    colours: tuple[str, ...] = charts.PALETTE,
) -> Report:
    """Weeks as rows, one column per choice plus a total, drawn as stacked bars."""
    columns = [[(counts.get(week) or {}).get(value, 0) for week in weeks] for value, _ in choices]
    series = charts.with_colours(
        [(label, column) for (_, label), column in zip(choices, columns, strict=True)], colours
    )
    rows: list[list[Cell]] = [
        [_week_cell(week), *(column[i] for column in columns), sum(c[i] for c in columns)]
        for i, week in enumerate(weeks)
    ]
    chart = charts.stacked_week_bars(key=key, title=title, desc=summary, weeks=weeks, series=series)
    return Report(
        key, title, summary, ["Week starting", *(label for _, label in choices), "Total"], rows, chart, series
    )


def bookings_by_topic(user: AbstractBaseUser, period: Period) -> Report:
    counts = selectors.bookings_by_week(user=user, period=period)["topic"]
    return _counts_report(
        key="bookings-topic",
        title="Bookings per week by topic",
        weeks=period.week_starts,
        summary="Consults booked each week (by booking date, cancelled ones included), "
        "stacked by the topic the patient chose.",
        counts=counts,
        choices=list(Topic.choices),
    )


def bookings_by_source(user: AbstractBaseUser, period: Period) -> Report:
    counts = selectors.bookings_by_week(user=user, period=period)["source"]
    return _counts_report(
        key="bookings-source",
        title="Bookings per week by source",
        weeks=period.week_starts,
        summary="Consults booked each week (by booking date), stacked by where the booking came from.",
        counts=counts,
        choices=list(ConsultSource.choices),
    )


def consult_outcomes(user: AbstractBaseUser, period: Period) -> Report:
    weeks = period.week_starts
    outcomes = selectors.consult_outcomes_by_week(user=user, period=period)
    empty = {"scheduled": 0, "completed": 0, "no_show": 0, "cancelled": 0}
    rows: list[list[Cell]] = []
    for week in weeks:
        o = outcomes.get(week, empty)
        rows.append(
            [
                _week_cell(week),
                o["scheduled"],
                o["completed"],
                o["no_show"],
                o["cancelled"],
                _rate(o["no_show"], o["completed"] + o["no_show"]),
                _rate(o["cancelled"], o["scheduled"]),
            ]
        )
    series = charts.with_colours(
        [("No-show rate", [r[5] for r in rows]), ("Cancellation rate", [r[6] for r in rows])],
        (charts.PALETTE[3], charts.PALETTE[2]),
    )
    summary = (
        "Per week of the consult's time: no-shows as a share of consults that were due to take place "
        "(completed or no-show), and cancellations as a share of all consults scheduled that week."
    )
    chart = charts.week_lines(
        key="outcomes",
        title="No-show and cancellation rates",
        desc=summary,
        weeks=weeks,
        series=series,
        unit=" %",
        top_value=100,
    )
    header = [
        "Week starting",
        "Consults scheduled",
        "Completed",
        "No-shows",
        "Cancelled",
        "No-show rate %",
        "Cancellation rate %",
    ]
    return Report("outcomes", "No-show and cancellation rates", summary, header, rows, chart, series)


def first_reply(user: AbstractBaseUser, period: Period) -> Report:
    weeks = period.week_starts
    waits = selectors.first_reply_waits(user=user, period=period)
    rows: list[list[Cell]] = []
    for week in weeks:
        answered = [m for m in waits.get(week, []) if m is not None]
        median, p90 = selectors.percentile(answered, 0.5), selectors.percentile(answered, 0.9)
        rows.append(
            [
                _week_cell(week),
                len(waits.get(week, [])),
                len(answered),
                None if median is None else round(median, 1),
                None if p90 is None else round(p90, 1),
            ]
        )
    series = charts.with_colours([("Median", [r[3] for r in rows]), ("90th percentile", [r[4] for r in rows])])
    summary = (
        "Minutes from a patient's message to the first reply a staff member sent in that conversation, "
        "per week the patient wrote: median and 90th percentile (nearest rank). Automatic messages do "
        "not count as replies; waits not yet answered are counted but have no time."
    )
    chart = charts.week_lines(
        key="first-reply", title="Time to first staff reply", desc=summary, weeks=weeks, series=series, unit=" min"
    )
    header = [
        "Week starting",
        "Patient messages waiting for a reply",
        "Answered",
        "Median minutes",
        "90th percentile minutes",
    ]
    return Report("first-reply", "Time to first staff reply", summary, header, rows, chart, series)


def message_problems(user: AbstractBaseUser, period: Period) -> Report:
    problems = selectors.message_problems(user=user, period=period)
    statuses = dict(Status.choices)
    rows: list[list[Cell]] = [
        [statuses.get(p["status"], p["status"]), p["error_code"], p["status_reason"], p["messages"]] for p in problems
    ]
    labels = [f"{row[0]}{f' ({row[1]})' if row[1] else ''}: {row[2] or 'no reason recorded'}" for row in rows]
    summary = (
        "Messages to patients created in the period that were not sent (blocked), failed or were not "
        "delivered, by the reason stored on the message; most frequent first."
    )
    chart = charts.horizontal_bars(
        key="problems",
        title="Messages failed or blocked, by reason",
        desc=summary,
        labels=labels,
        values=[int(row[3] or 0) for row in rows],
    )
    return Report(
        "problems",
        "Messages failed or blocked, by reason",
        summary,
        ["Status", "Error code", "Reason", "Messages"],
        rows,
        chart,
        [],
    )


def dose_adherence(user: AbstractBaseUser, period: Period) -> Report:
    weeks = period.week_starts
    doses = selectors.dose_adherence_by_week(user=user, period=period)
    choices = [
        (DoseStatus.TAKEN.value, DoseStatus.TAKEN.label),
        (DoseStatus.MISSED.value, DoseStatus.MISSED.label),
        (DoseStatus.NOT_CONFIRMED.value, DoseStatus.NOT_CONFIRMED.label),
        (DoseStatus.PENDING.value, DoseStatus.PENDING.label),
    ]
    report = _counts_report(
        key="adherence",
        title="Dose adherence",
        weeks=weeks,
        counts=doses,
        choices=choices,
        colours=(charts.PALETTE[4], charts.PALETTE[3], charts.PALETTE[1], charts.PALETTE[5]),
        summary="Daily dose reminders per week of the dose date, stacked by the patient's answer. Adherence is "
        "doses taken as a share of doses answered or past their confirmation time (waiting ones left out).",
    )
    rows = [
        [*row, _rate(int(row[1] or 0), int(row[1] or 0) + int(row[2] or 0) + int(row[3] or 0))] for row in report.rows
    ]
    return Report(
        report.key, report.title, report.summary, [*report.header, "Adherence %"], rows, report.chart, report.legend
    )


def eln_assessments(user: AbstractBaseUser, period: Period) -> Report:
    counts = selectors.eln_assessments_by_week(user=user, period=period)
    return _counts_report(
        key="eln",
        title="ELN 2020 assessments over time",
        weeks=period.week_starts,
        summary="Resulted BCR::ABL1 qPCR tests per week of the sample date, stacked by their "
        "ELN 2020 milestone assessment.",
        counts=counts,
        choices=list(ElnAssessment.choices),
        colours=ELN_COLOURS,
    )


REPORTS: dict[str, Callable[[AbstractBaseUser, Period], Report]] = {
    "bookings-topic": bookings_by_topic,
    "bookings-source": bookings_by_source,
    "outcomes": consult_outcomes,
    "first-reply": first_reply,
    "problems": message_problems,
    "adherence": dose_adherence,
    "eln": eln_assessments,
}
