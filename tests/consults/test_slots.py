"""Slot rules: grid, buffers, notice, horizon, time off, DST, first available, fixed query counts."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from consults.models import ConsultStatus, ExpertRole, TimeOff, Topic
from consults.selectors import experts_matching, slots_for_days
from consults.slots import Block, ExpertCalendar, SlotList, SlotRules, StartProblem, free_starts, start_problem
from tests.factories.consults import ConsultFactory, ExpertFactory

KOLKATA = ZoneInfo("Asia/Kolkata")
LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def ist(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=KOLKATA)


def starts(slots, tz=KOLKATA) -> list[str]:
    return [s.start.astimezone(tz).strftime("%Y-%m-%d %H:%M") for s in slots]


DEC_2 = date(2026, 12, 2)


def test_slots_step_by_length_plus_buffer_and_end_inside_the_block(frozen):
    expert = ExpertFactory(hours=[(2, time(9), time(10, 15))])  # Wednesday
    slots = slots_for_days([expert], day_from=DEC_2, day_to=DEC_2, tz=KOLKATA)
    # 09:00, 09:30 and 10:00 would end 10:20 > 10:15, so only two.
    assert starts(slots) == ["2026-12-02 09:00", "2026-12-02 09:30"]
    assert all(s.end - s.start == timedelta(minutes=20) for s in slots)


def test_several_blocks_on_one_day_all_count(frozen):
    expert = ExpertFactory(hours=[(2, time(9), time(9, 30)), (2, time(14), time(14, 30))])
    slots = slots_for_days([expert], day_from=DEC_2, day_to=DEC_2, tz=KOLKATA)
    assert starts(slots) == ["2026-12-02 09:00", "2026-12-02 14:00"]


def test_a_booked_consult_and_its_buffers_block_neighbouring_slots(frozen):
    expert = ExpertFactory(hours=[(2, time(9), time(12))], consult_minutes=20, buffer_minutes=10)
    # An off-grid staff booking 09:45–10:05 blocks 09:30 (ends 09:50, buffer clash) and 10:00 (overlap);
    # 10:30 starts 25 min after it ends (>= 10 min buffer), so it stays free.
    ConsultFactory(expert=expert, start=ist(DEC_2, 9, 45))
    slots = slots_for_days([expert], day_from=DEC_2, day_to=DEC_2, tz=KOLKATA)
    assert starts(slots)[:3] == ["2026-12-02 09:00", "2026-12-02 10:30", "2026-12-02 11:00"]


def test_buffer_applies_before_a_consult_too(frozen):
    expert = ExpertFactory(hours=[(2, time(9), time(11))], consult_minutes=20, buffer_minutes=10)
    ConsultFactory(expert=expert, start=ist(DEC_2, 9, 25))  # 5 min after the 09:00 slot would end
    assert "2026-12-02 09:00" not in starts(slots_for_days([expert], day_from=DEC_2, day_to=DEC_2, tz=KOLKATA))


def test_cancelled_consults_free_their_slot(frozen):
    expert = ExpertFactory(hours=[(2, time(9), time(10))])
    ConsultFactory(expert=expert, start=ist(DEC_2, 9), status=ConsultStatus.CANCELLED)
    assert starts(slots_for_days([expert], day_from=DEC_2, day_to=DEC_2, tz=KOLKATA))[0] == "2026-12-02 09:00"


def test_minimum_notice_hides_slots_starting_too_soon(frozen, settings):
    settings.CONSULT_MIN_NOTICE_MINUTES = 120
    expert = ExpertFactory(hours=[(1, time(9), time(17))])  # today, Tuesday; now is 09:30 IST
    today = date(2026, 12, 1)
    first = starts(slots_for_days([expert], day_from=today, day_to=today, tz=KOLKATA))[0]
    assert first == "2026-12-01 11:30"  # 09:30 + 2 h, on the grid


def test_horizon_hides_slots_too_far_ahead(frozen, settings):
    settings.CONSULT_HORIZON_DAYS = 3
    expert = ExpertFactory()
    slots = slots_for_days([expert], day_from=date(2026, 12, 1), day_to=date(2026, 12, 10), tz=KOLKATA)
    assert max(s.start for s in slots) <= datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
    assert starts(slots)[-1] == "2026-12-04 09:30"


def test_time_off_removes_every_slot_it_touches(frozen):
    expert = ExpertFactory(hours=[(2, time(9), time(12))])
    TimeOff.objects.create(expert=expert, start=ist(DEC_2, 9, 15), end=ist(DEC_2, 10, 5), reason="Tumour board")
    assert starts(slots_for_days([expert], day_from=DEC_2, day_to=DEC_2, tz=KOLKATA)) == [
        "2026-12-02 10:30",
        "2026-12-02 11:00",
        "2026-12-02 11:30",
    ]


def test_slots_follow_the_experts_wall_clock_across_the_uk_clock_change():
    """09:00 London is 14:30 in Kolkata in winter (GMT) and 13:30 after the clocks go forward (BST)."""
    with time_machine.travel(datetime(2027, 3, 20, 6, 0, tzinfo=UTC), tick=False):
        expert = ExpertFactory(time_zone="Europe/London", hours=[(4, time(9), time(10)), (0, time(9), time(10))])
        before = slots_for_days([expert], day_from=date(2027, 3, 26), day_to=date(2027, 3, 26), tz=KOLKATA)
        after = slots_for_days([expert], day_from=date(2027, 3, 29), day_to=date(2027, 3, 29), tz=KOLKATA)
    assert starts(before) == ["2027-03-26 14:30", "2027-03-26 15:00"]
    assert starts(after) == ["2027-03-29 13:30", "2027-03-29 14:00"]
    assert starts(after, LONDON) == ["2027-03-29 09:00", "2027-03-29 09:30"]


def test_a_patients_day_is_their_own_local_day():
    """A New York expert's 20:00 slot on Monday is Tuesday morning in Kolkata."""
    with time_machine.travel(datetime(2026, 11, 20, 0, 0, tzinfo=UTC), tick=False):
        expert = ExpertFactory(time_zone="America/New_York", hours=[(0, time(20), time(20, 30))])
        tuesday = slots_for_days([expert], day_from=date(2026, 11, 24), day_to=date(2026, 11, 24), tz=KOLKATA)
        monday = slots_for_days([expert], day_from=date(2026, 11, 23), day_to=date(2026, 11, 23), tz=KOLKATA)
    assert starts(tuesday) == ["2026-11-24 06:30"]
    assert monday == []


def test_first_available_matches_topic_and_language_and_names_each_expert(frozen):
    hemato = ExpertFactory(role=ExpertRole.HEMATO_ONCOLOGIST, languages=["en"], hours=[(2, time(10), time(11))])
    diet = ExpertFactory(role=ExpertRole.NUTRITIONIST, languages=["en", "ta"], hours=[(2, time(9), time(10))])
    ExpertFactory(role=ExpertRole.NUTRITIONIST, languages=["en"], active=False)
    experts = experts_matching(topic=Topic.SIDE_EFFECTS, language="en")
    assert {e.pk for e in experts} == {hemato.pk, diet.pk}
    slots = slots_for_days(experts, day_from=DEC_2, day_to=DEC_2, tz=KOLKATA)
    assert [(s.expert_id, s.start.astimezone(KOLKATA).hour) for s in slots][:2] == [(diet.pk, 9), (diet.pk, 9)]
    assert slots == sorted(slots, key=lambda s: s.start)
    assert [e.pk for e in experts_matching(topic=Topic.DIET, language="ta")] == [diet.pk]


def test_slot_queries_do_not_grow_with_days_or_experts(frozen, django_assert_num_queries):
    few = [ExpertFactory() for _ in range(2)]
    with django_assert_num_queries(3):
        slots_for_days(few, day_from=date(2026, 12, 1), day_to=date(2026, 12, 2), tz=KOLKATA)
    many = few + [ExpertFactory() for _ in range(8)]
    for expert in many:
        ConsultFactory(expert=expert, start=ist(DEC_2, 9))
    with django_assert_num_queries(3):
        slots = slots_for_days(many, day_from=date(2026, 12, 1), day_to=date(2026, 12, 30), tz=KOLKATA)
    assert len({s.expert_id for s in slots}) == 10


def test_start_problem_explains_why_a_time_cannot_be_booked():
    rules = SlotRules(
        now=datetime(2026, 12, 1, 4, 0, tzinfo=UTC), min_notice=timedelta(hours=2), horizon=timedelta(days=30)
    )
    calendar = ExpertCalendar(
        expert_id=1,
        time_zone="Asia/Kolkata",
        length=timedelta(minutes=20),
        buffer=timedelta(minutes=10),
        blocks=[Block(weekday, time(9), time(17)) for weekday in range(7)],
        time_off=[],
        busy=[(ist(DEC_2, 10), ist(DEC_2, 10, 20))],
    )
    assert start_problem(calendar, ist(date(2026, 12, 1), 9), rules) is StartProblem.PAST
    assert start_problem(calendar, ist(date(2026, 12, 1), 10, 30), rules) is StartProblem.TOO_SOON
    assert start_problem(calendar, ist(date(2027, 1, 5), 10), rules) is StartProblem.BEYOND_HORIZON
    assert start_problem(calendar, ist(DEC_2, 10, 5), rules) is StartProblem.NOT_OFFERED
    assert start_problem(calendar, ist(DEC_2, 10), rules) is StartProblem.TAKEN
    assert start_problem(calendar, ist(DEC_2, 10, 30), rules) is None
    starts = free_starts(calendar, window_start=ist(DEC_2, 0), window_end=ist(DEC_2, 11), rules=rules)
    assert SlotList([calendar], [starts])[-1].start == ist(DEC_2, 10, 30)
