"""BCR::ABL1 molecular response and ELN 2020 milestone assessment, as pure functions of the tables.

Everything here reads `patients.protocols`; the services store what these functions return.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from clinic.months import add_months
from patients import protocols

AT_MMR_OR_DEEPER = frozenset({"mmr", "mr4", "mr45", "mr5"})
DAYS_PER_MONTH = Decimal("30.4375")


def months_between(start: date, end: date) -> Decimal:
    return (Decimal((end - start).days) / DAYS_PER_MONTH).quantize(Decimal("0.1"))


def molecular_response(*, detected: bool, is_percent: Decimal | None, control_copies: int) -> str:
    """The response level from IS % (detected) or from the control gene copies (undetectable).

    An undetectable result counts as MR4 / MR4.5 / MR5 only with at least 10,000 / 32,000 / 100,000
    ABL1 copies; with fewer it is not graded (the sample was not sensitive enough to say).
    """
    if not detected:
        for code, _label, _threshold, copies_needed in protocols.MOLECULAR_RESPONSE_LEVELS:
            if copies_needed is not None and control_copies >= copies_needed:
                return code
        return "not_evaluable"
    if is_percent is None:
        raise ValueError("A detected BCR::ABL1 result needs its IS %.")
    for code, _label, threshold, _copies in protocols.MOLECULAR_RESPONSE_LEVELS:
        if is_percent <= threshold:
            return code
    return "above_mmr"


@dataclass(frozen=True)
class PriorResult:
    """An earlier BCR::ABL1 qPCR result of the same patient."""

    sample_on: date
    detected: bool
    is_percent: Decimal | None
    molecular_response: str


@dataclass(frozen=True)
class Assessment:
    molecular_response: str
    milestone: str  # "" (no start date), "before", "3m", "6m", "12m", "after"
    assessment: str  # optimal | warning | failure | not_assessed
    rule: str
    needs_confirmation: bool = False
    lost_mmr: bool = False
    months_on_treatment: Decimal | None = None


def milestone_for(*, started_on: date, sample_on: date, early_days: int) -> protocols.Milestone | None:
    """The ELN row a sample is judged by: the latest milestone reached, counting a few days early."""
    early = timedelta(days=early_days)
    by_key = {m.key: m for m in protocols.ELN_MILESTONES}
    if sample_on > add_months(started_on, 12) + early:
        return by_key["after"]
    for key in ("12m", "6m", "3m"):
        if sample_on >= add_months(started_on, by_key[key].months) - early:
            return by_key[key]
    return None


def _format_percent(value: Decimal) -> str:
    return f"{value.normalize():f} %"


def _confirms_failure_at_3_months(
    current_on: date, prior: Sequence[PriorResult], *, started_on: date, early_days: int
) -> bool:
    """A second > 10 % result 1 to 3 months after an earlier > 10 % result at the 3-month milestone."""
    low, high = protocols.ELN_CONFIRMATION_MONTHS
    threshold = protocols.ELN_MILESTONES[0].failure_above
    for earlier in prior:
        if not (earlier.detected and earlier.is_percent is not None and earlier.is_percent > threshold):
            continue
        at_3_months = milestone_for(started_on=started_on, sample_on=earlier.sample_on, early_days=early_days)
        if at_3_months is None or at_3_months.key != "3m":
            continue
        if add_months(earlier.sample_on, low) <= current_on <= add_months(earlier.sample_on, high):
            return True
    return False


def eln_assess(
    *,
    detected: bool,
    is_percent: Decimal | None,
    control_copies: int,
    sample_on: date,
    started_on: date | None,
    prior: Sequence[PriorResult] = (),
    early_days: int | None = None,
) -> Assessment:
    """Assess one BCR::ABL1 IS result against the ELN 2020 milestone for its time since starting the TKI."""
    if early_days is None:
        early_days = protocols.CONFIGURABLE["milestone_early_days"].value
    level = molecular_response(detected=detected, is_percent=is_percent, control_copies=control_copies)
    earlier = [p for p in prior if p.sample_on < sample_on]
    had_mmr = any(p.molecular_response in AT_MMR_OR_DEEPER for p in earlier)
    lost_mmr = had_mmr and level == "above_mmr"
    loss_text = " Loss of MMR: the patient had MMR before." if lost_mmr else ""

    if started_on is None:
        return Assessment(
            level,
            "",
            "not_assessed",
            "No imatinib start date on the care record, so no ELN milestone applies." + loss_text,
            lost_mmr=lost_mmr,
        )
    months = months_between(started_on, sample_on)
    if sample_on < started_on:
        return Assessment(
            level,
            "",
            "not_assessed",
            "Sample taken before imatinib was started (baseline).",
            months_on_treatment=months,
        )
    if level == "not_evaluable":
        return Assessment(
            level,
            "",
            "not_assessed",
            "Undetectable with fewer than 10,000 ABL1 control copies: the sample is not sensitive "
            "enough to grade. Repeat the test.",
            lost_mmr=False,
            months_on_treatment=months,
        )

    milestone = milestone_for(started_on=started_on, sample_on=sample_on, early_days=early_days)
    if milestone is None:
        return Assessment(
            level,
            "before",
            "not_assessed",
            f"Before the 3-month milestone: {protocols.ELN_SOURCE} sets none earlier." + loss_text,
            lost_mmr=lost_mmr,
            months_on_treatment=months,
        )

    value = is_percent if detected else Decimal(0)
    shown = _format_percent(value) if detected else "undetectable"
    prefix = f"{protocols.ELN_SOURCE}, {milestone.label}: result {shown};"
    if value <= milestone.optimal_max:
        return Assessment(
            level,
            milestone.key,
            "optimal",
            f"{prefix} {milestone.optimal_text} is optimal." + loss_text,
            lost_mmr=lost_mmr,
            months_on_treatment=months,
        )
    if value > milestone.failure_above:
        if not milestone.failure_needs_confirmation:
            return Assessment(
                level,
                milestone.key,
                "failure",
                f"{prefix} {milestone.failure_text} is failure." + loss_text,
                lost_mmr=lost_mmr,
                months_on_treatment=months,
            )
        if _confirms_failure_at_3_months(sample_on, earlier, started_on=started_on, early_days=early_days):
            return Assessment(
                level,
                milestone.key,
                "failure",
                f"{prefix} {milestone.failure_text}: an earlier > 10 % result 1–3 months before confirms failure.",
                lost_mmr=lost_mmr,
                months_on_treatment=months,
            )
        return Assessment(
            level,
            milestone.key,
            "warning",
            f"{prefix} {milestone.warning_text} is warning. Repeat within 1–3 months: a second "
            "> 10 % confirms failure.",
            needs_confirmation=True,
            lost_mmr=lost_mmr,
            months_on_treatment=months,
        )
    return Assessment(
        level,
        milestone.key,
        "warning",
        f"{prefix} {milestone.warning_text} is warning." + loss_text,
        lost_mmr=lost_mmr,
        months_on_treatment=months,
    )


def mmr_confirmed(results: Sequence[PriorResult], *, needed: int) -> bool:
    """The latest `needed` results (by sample date) are all at MMR or deeper."""
    ordered = sorted(results, key=lambda r: r.sample_on)
    latest = ordered[-needed:] if needed else ordered
    return len(latest) >= needed and all(r.molecular_response in AT_MMR_OR_DEEPER for r in latest)
