"""ELN 2020 milestones and molecular response levels, at every boundary of the brief's tables."""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from clinic.months import add_months
from patients import protocols
from patients.molecular import Assessment, PriorResult, eln_assess, milestone_for, mmr_confirmed, molecular_response

START = date(2025, 1, 15)
MILESTONE_SAMPLE_DAY = {
    "3m": add_months(START, 3),
    "6m": add_months(START, 6),
    "12m": add_months(START, 12),
    "after": add_months(START, 18),
}


def assess_detected(is_percent: str, *, sample_on: date, prior: Sequence[PriorResult] = ()) -> Assessment:
    """A detected BCR::ABL1 result of `is_percent` % IS (50,000 control copies) for a patient on a TKI since START."""
    return eln_assess(
        detected=True,
        is_percent=D(is_percent),
        control_copies=50_000,
        sample_on=sample_on,
        started_on=START,
        prior=prior,
    )


def test_table_holds_the_briefs_thresholds():
    rows = {m.key: (m.optimal_max, m.failure_above) for m in protocols.ELN_MILESTONES}
    assert rows == {
        "3m": (D("10"), D("10")),
        "6m": (D("1"), D("10")),
        "12m": (D("0.1"), D("1")),
        "after": (D("0.1"), D("1")),
    }
    levels = {code: (threshold, copies) for code, _label, threshold, copies in protocols.MOLECULAR_RESPONSE_LEVELS}
    assert levels == {
        "mmr": (D("0.1"), None),
        "mr4": (D("0.01"), 10_000),
        "mr45": (D("0.0032"), 32_000),
        "mr5": (D("0.001"), 100_000),
    }


@pytest.mark.parametrize(
    ("milestone", "is_percent", "expected"),
    [
        # 3 months: <= 10 % optimal; a single > 10 % is a warning awaiting confirmation.
        ("3m", "9.99", "optimal"),
        ("3m", "10", "optimal"),
        ("3m", "10.01", "warning"),
        ("3m", "85", "warning"),
        # 6 months: <= 1 % optimal, > 1-10 % warning, > 10 % failure.
        ("6m", "0.99", "optimal"),
        ("6m", "1", "optimal"),
        ("6m", "1.01", "warning"),
        ("6m", "9.99", "warning"),
        ("6m", "10", "warning"),
        ("6m", "10.01", "failure"),
        # 12 months: <= 0.1 % optimal, > 0.1-1 % warning, > 1 % failure.
        ("12m", "0.099", "optimal"),
        ("12m", "0.1", "optimal"),
        ("12m", "0.101", "warning"),
        ("12m", "0.99", "warning"),
        ("12m", "1", "warning"),
        ("12m", "1.01", "failure"),
        # Any time after 12 months: same thresholds.
        ("after", "0.099", "optimal"),
        ("after", "0.1", "optimal"),
        ("after", "0.101", "warning"),
        ("after", "0.99", "warning"),
        ("after", "1", "warning"),
        ("after", "1.01", "failure"),
    ],
)
def test_eln_assessment_at_each_threshold(milestone, is_percent, expected):
    result = assess_detected(is_percent, sample_on=MILESTONE_SAMPLE_DAY[milestone])
    assert (result.milestone, result.assessment) == (milestone, expected)
    assert "ELN 2020" in result.rule


def test_single_result_over_10_percent_at_3_months_is_a_warning_that_needs_confirmation():
    result = assess_detected("15", sample_on=MILESTONE_SAMPLE_DAY["3m"])
    assert result.assessment == "warning"
    assert result.needs_confirmation
    assert "confirms failure" in result.rule


def _high(on: date) -> PriorResult:
    return PriorResult(on, True, D("15"), "above_mmr")


@pytest.mark.parametrize(
    ("gap_days", "expected"),
    [(-1, "warning"), (0, "failure"), (15, "failure")],
    ids=["just under 1 month", "exactly 1 month", "6 weeks"],
)
def test_second_result_over_10_percent_one_to_three_months_later_confirms_failure(gap_days, expected):
    first = add_months(START, 3) - timedelta(days=10)
    second = add_months(first, 1) + timedelta(days=gap_days)
    result = assess_detected("12", sample_on=second, prior=[_high(first)])
    assert (result.milestone, result.assessment) == ("3m", expected)


def test_confirmation_window_ends_at_three_months():
    first = add_months(START, 3) - timedelta(days=15)
    second = add_months(first, 3) + timedelta(days=1)
    # Past the window the earlier result no longer confirms; the 6-month row (> 10 % failure) applies instead.
    result = assess_detected("12", sample_on=second, prior=[_high(first)])
    assert result.milestone == "6m"
    assert result.assessment == "failure"
    assert "confirms" not in result.rule


def test_high_result_before_the_3_month_milestone_does_not_confirm_failure():
    early = add_months(START, 1)
    result = assess_detected("30", sample_on=add_months(START, 3), prior=[_high(early)])
    assert result.assessment == "warning"
    assert result.needs_confirmation


@pytest.mark.parametrize(
    ("sample_on", "expected"),
    [
        (add_months(START, 3) - timedelta(days=16), None),
        (add_months(START, 3) - timedelta(days=15), "3m"),
        (add_months(START, 6) - timedelta(days=16), "3m"),
        (add_months(START, 6) - timedelta(days=15), "6m"),
        (add_months(START, 12) - timedelta(days=15), "12m"),
        (add_months(START, 12) + timedelta(days=15), "12m"),
        (add_months(START, 12) + timedelta(days=16), "after"),
    ],
)
def test_result_is_judged_by_the_milestone_for_its_time_on_treatment(sample_on, expected):
    milestone = milestone_for(started_on=START, sample_on=sample_on, early_days=15)
    assert (milestone.key if milestone else None) == expected


def test_result_before_3_months_gets_no_assessment():
    result = assess_detected("40", sample_on=add_months(START, 1))
    assert (result.milestone, result.assessment) == ("before", "not_assessed")


def test_loss_of_mmr_is_flagged_any_time_after_as_a_warning():
    prior = [PriorResult(add_months(START, 12), True, D("0.05"), "mmr")]
    result = assess_detected("0.2", sample_on=add_months(START, 18), prior=prior)
    assert result.lost_mmr
    assert result.assessment == "warning"
    assert "Loss of MMR" in result.rule


def test_loss_of_mmr_is_flagged_even_when_the_milestone_rating_is_optimal():
    prior = [PriorResult(add_months(START, 3), True, D("0.08"), "mmr")]
    result = assess_detected("0.5", sample_on=add_months(START, 6), prior=prior)
    assert result.assessment == "optimal"
    assert result.lost_mmr


def test_staying_in_mmr_is_not_a_loss():
    prior = [PriorResult(add_months(START, 12), True, D("0.05"), "mmr")]
    result = assess_detected("0.1", sample_on=add_months(START, 18), prior=prior)
    assert not result.lost_mmr


def test_no_start_date_means_no_milestone():
    result = eln_assess(detected=True, is_percent=D("5"), control_copies=50_000, sample_on=START, started_on=None)
    assert result.assessment == "not_assessed"
    assert "start date" in result.rule


@pytest.mark.parametrize(
    ("is_percent", "level"),
    [
        ("0.1001", "above_mmr"),
        ("0.1", "mmr"),
        ("0.0101", "mmr"),
        ("0.01", "mr4"),
        ("0.0033", "mr4"),
        ("0.0032", "mr45"),
        ("0.0011", "mr45"),
        ("0.001", "mr5"),
        ("0.0009", "mr5"),
    ],
)
def test_detected_level_follows_is_percent(is_percent, level):
    assert molecular_response(detected=True, is_percent=D(is_percent), control_copies=5_000) == level


@pytest.mark.parametrize(
    ("copies", "level"),
    [(9_999, "not_evaluable"), (10_000, "mr4"), (31_999, "mr4"), (32_000, "mr45"), (99_999, "mr45"), (100_000, "mr5")],
)
def test_undetectable_level_needs_enough_control_gene_copies(copies, level):
    assert molecular_response(detected=False, is_percent=None, control_copies=copies) == level


def test_undetectable_with_too_few_copies_is_not_assessed_and_asks_for_a_repeat():
    result = eln_assess(
        detected=False, is_percent=None, control_copies=4_000, sample_on=add_months(START, 12), started_on=START
    )
    assert result.assessment == "not_assessed"
    assert "Repeat" in result.rule


def test_undetectable_with_enough_copies_is_optimal_at_12_months():
    result = eln_assess(
        detected=False, is_percent=None, control_copies=40_000, sample_on=add_months(START, 12), started_on=START
    )
    assert (result.molecular_response, result.assessment) == ("mr45", "optimal")


def test_mmr_is_confirmed_by_consecutive_results():
    results = [
        PriorResult(date(2025, 4, 1), True, D("0.5"), "above_mmr"),
        PriorResult(date(2025, 7, 1), True, D("0.08"), "mmr"),
    ]
    assert not mmr_confirmed(results, needed=2)
    results.append(PriorResult(date(2025, 10, 1), True, D("0.02"), "mmr"))
    assert mmr_confirmed(results, needed=2)
