"""bench/floor.py's BENCH_FLOOR_CASES: a partial run times the cases asked for and the floor row each ratio
is taken against, so both sides of every ratio still come from one run; an empty choice times everything."""

from bench import floor


def chosen(monkeypatch, words: list[str]) -> list[str]:
    monkeypatch.setattr(floor, "CASES", words)
    return [label for label in floor.ALL_LABELS if floor.selected(label)]


def test_booking_and_webhook_bring_the_write_floor_and_nothing_else(monkeypatch):
    assert chosen(monkeypatch, ["booking", "webhook"]) == [
        "floor POST /write/",
        "booking POST (201)",
        "booking POST taken slot (409)",
        "inbound webhook (signed)",
    ]


def test_a_guide_page_brings_the_read_floor(monkeypatch):
    pages = [floor.guide_label(path) for path in floor.GUIDE_PATHS]
    assert chosen(monkeypatch, ["guide"]) == ["floor GET /read/", *pages]


def test_no_choice_times_every_case(monkeypatch):
    assert chosen(monkeypatch, []) == list(floor.ALL_LABELS)
