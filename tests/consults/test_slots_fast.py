"""The slot hot path: busy times read as epoch seconds with a lower bound on `start`, one page built."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consults.models import MAX_CONSULT_MINUTES, Consult
from consults.selectors import EpochSeconds, active_consults_near, slots_for_days
from tests.factories.consults import ConsultFactory, ExpertFactory

KOLKATA = ZoneInfo("Asia/Kolkata")
DEC_2 = date(2026, 12, 2)
pytestmark = pytest.mark.django_db


def ist(day: date, hour: int, minute: int = 0, second: int = 0, microsecond: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second, microsecond), tzinfo=KOLKATA)


def starts(slots) -> list[str]:
    return [s.start.astimezone(KOLKATA).strftime("%H:%M") for s in slots]


def test_busy_read_bounds_start_from_below_by_the_longest_consult_and_the_buffer():
    window_start = ist(DEC_2, 0)
    query = active_consults_near(
        [1], window_start=window_start, window_end=ist(DEC_2, 23), margin=timedelta(minutes=10)
    )
    bounds = {
        (child.lhs.target.name, child.lookup_name): child.rhs
        for child in query.query.where.children
        if hasattr(child, "lookup_name")
    }
    assert bounds[("start", "gt")] == window_start - timedelta(minutes=10 + MAX_CONSULT_MINUTES)


def test_busy_read_leaves_out_a_consult_that_ended_before_the_window(frozen):
    expert = ExpertFactory()
    ConsultFactory(expert=expert, start=ist(DEC_2, 9) - timedelta(days=20))
    near = ConsultFactory(expert=expert, start=ist(DEC_2, 9))
    found = active_consults_near([expert.pk], window_start=ist(DEC_2, 0), window_end=ist(DEC_2, 23), margin=timedelta())
    assert list(found) == [near]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan is stable enough to assert")
def test_busy_read_seeks_the_expert_start_index_on_both_ends(frozen):
    expert = ExpertFactory()
    query = active_consults_near([expert.pk], window_start=ist(DEC_2, 0), window_end=ist(DEC_2, 23), margin=timedelta())
    sql, params = query.values_list("start").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "start>? AND start<?" in plan


def test_epoch_seconds_round_a_fractional_end_up_and_a_start_down(frozen):
    expert = ExpertFactory()
    ConsultFactory(expert=expert, start=ist(DEC_2, 10, 0, 0, 500_000))
    start_s, end_s = (
        Consult.objects.annotate(s=EpochSeconds("start"), e=EpochSeconds("end", ceil=True)).values_list("s", "e").get()
    )
    assert start_s == int(ist(DEC_2, 10).timestamp())
    assert end_s == int(ist(DEC_2, 10, expert.consult_minutes).timestamp()) + 1


def test_a_consult_ending_a_fraction_of_a_second_late_still_blocks_the_slot_after_its_buffer(frozen):
    expert = ExpertFactory(hours=[(2, time(9), time(12))], consult_minutes=20, buffer_minutes=10)
    # 10:00:00.5–10:20:00.5, plus 10 minutes of buffer, reaches just past 10:30.
    ConsultFactory(expert=expert, start=ist(DEC_2, 10, 0, 0, 500_000))
    slots = slots_for_days([expert], day_from=DEC_2, day_to=DEC_2, tz=KOLKATA)
    assert starts(slots) == ["09:00", "09:30", "11:00", "11:30"]


def test_a_slice_of_the_slot_list_is_the_same_as_slicing_every_slot(frozen):
    experts = [ExpertFactory(hours=[(weekday, time(9), time(17)) for weekday in range(7)]) for _ in range(3)]
    ConsultFactory(expert=experts[1], start=ist(DEC_2, 9))
    slots = slots_for_days(experts, day_from=DEC_2, day_to=date(2026, 12, 8), tz=KOLKATA)
    every = list(slots)
    assert slots[40:60] == every[40:60]
    assert slots[-1] == every[-1]
    assert len(slots) == len(every)


def test_slots_come_earliest_first_with_ties_in_the_experts_order(frozen):
    first, second = ExpertFactory(hours=[(2, time(9), time(10))]), ExpertFactory(hours=[(2, time(9), time(10))])
    slots = slots_for_days([second, first], day_from=DEC_2, day_to=DEC_2, tz=KOLKATA)
    assert [(s.expert_id, s.start.astimezone(KOLKATA).strftime("%H:%M")) for s in slots] == [
        (second.pk, "09:00"),
        (first.pk, "09:00"),
        (second.pk, "09:30"),
        (first.pk, "09:30"),
    ]


def test_first_available_api_uses_the_same_queries_for_a_day_or_a_month_of_many_bookings(frozen, client):
    experts = [ExpertFactory() for _ in range(4)]
    for expert in experts:
        for day in range(2, 20):
            ConsultFactory(expert=expert, start=ist(date(2026, 12, day), 10))
    url = "/api/v1/slots/?topic=side_effects&tz=Asia/Kolkata&from=2026-12-02&to="
    with CaptureQueriesContext(connection) as one_day:
        assert client.get(url + "2026-12-02").status_code == 200
    with CaptureQueriesContext(connection) as one_month:
        response = client.get(url + "2026-12-31")
    assert response.status_code == 200
    assert len(one_month) == len(one_day)
    assert len(one_day) == 4  # experts, availability, time off, busy times
