"""bench/floor.py's guide rows: the cached guide pages are reported as ratios of the floor's GET /read/,
and a run whose timed guide requests were not all cache hits is refused rather than reported."""

import pytest

from bench import _report, floor

HIT_KEYS = {b":1:guide:page:7:4:en:2026-11-30", b":1:guide:page:7:3:en:2026-11-30"}


def test_a_run_where_every_timed_request_hit_the_cache_passes():
    assert floor.guide_cache_verdict(set(), HIT_KEYS, HIT_KEYS) == ""


def test_a_run_whose_warm_up_did_not_store_the_pages_is_refused():
    assert floor.guide_cache_verdict(set(), set(), set()) == "the warm-up stored 0 guide pages in the cache, not 2"


def test_a_run_that_rendered_pages_while_timed_is_refused():
    rendered_again = {*HIT_KEYS, b":1:guide:page:8:4:en:2026-11-30"}
    assert floor.guide_cache_verdict(set(), HIT_KEYS, rendered_again) == (
        "1 guide pages were rendered again while timed (cache misses)"
    )


def test_keys_left_by_an_earlier_run_do_not_count_as_warmed():
    assert floor.guide_cache_verdict(HIT_KEYS, HIT_KEYS, HIT_KEYS) != ""


def test_a_process_local_cache_is_not_inspected():
    assert floor.guide_cache_verdict(None, None, None) == ""


@pytest.fixture
def summary(monkeypatch) -> dict[str, tuple[str, ...]]:
    monkeypatch.setattr(_report, "ROWS", [])
    results = {
        "floor GET /read/": 800.0,
        "floor POST /write/": 250.0,
        "booking POST (201)": 25.0,
        "booking POST taken slot (409)": 20.0,
        "inbound webhook (signed)": 70.0,
        floor.guide_label("/"): 80.0,
        floor.guide_label("/how-to-take-imatinib/"): 40.0,
    }
    floor._summarize(results, {"double_bookings": 0, "consults_without_one_confirmation": 0}, "postgres", True)
    return {row[0]: row for row in _report.ROWS}


def test_the_summary_gives_the_floors_read_rate(summary):
    assert summary["floor GET /read/ (postgres, Redis, median of 3)"][1] == "800 req/s"


def test_the_summary_gives_the_landing_page_as_a_ratio_of_read(summary):
    assert summary["guide GET / (cached)"][1] == "80 req/s = 0.10 x /read/"


def test_the_summary_gives_a_guide_page_as_a_ratio_of_read(summary):
    assert summary["guide GET /how-to-take-imatinib/ (cached)"][1] == "40 req/s = 0.05 x /read/"


def test_the_summary_table_prints_the_guide_rows(summary):
    assert "guide GET /how-to-take-imatinib/ (cached)" in _report.table()
