import pytest
from hypothesis import given
from hypothesis import strategies as st

from followups.checkin_replies import parse_checkin_reply

SIX = {"question_count": 6}


@pytest.mark.parametrize(
    "reply",
    [
        "2 0 1 0 0 3",
        "2,0,1,0,0,3",
        "2, 0, 1, 0, 0, 3",
        "201003",
        " 2;0;1;0;0;3 ",
        "२ ० १ ० ० ३",
        "1-2 2-0 3-1 4-0 5-0 6-3",
        "1:2, 2:0, 3:1, 4:0, 5:0, 6:3",
        "q1 2 q2 0 q3 1 q4 0 q5 0 q6 3",
    ],
)
def test_full_reply_in_common_formats_gives_the_same_grades(reply):
    parsed = parse_checkin_reply(reply, **SIX)
    assert parsed.ok
    assert parsed.grades == {1: 2, 2: 0, 3: 1, 4: 0, 5: 0, 6: 3}


def test_one_answer_per_message_fills_the_next_question():
    assert parse_checkin_reply("3", question_count=6, next_question=4).grades == {4: 3}


def test_partial_numbered_reply_names_its_questions():
    assert parse_checkin_reply("5-2", **SIX).grades == {5: 2}


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ("", "empty"),
        ("2 0 4 0 0 3", "range"),
        ("2 0 1 0 0 3 1", "count"),
        ("feeling ok", "unreadable"),
        ("7-1", "range"),
        ("1-2 1-3", "range"),
        ("1-2 and more", "mixed"),
        ("22", "range"),
    ],
)
def test_unclear_replies_are_refused_not_guessed(reply, error):
    parsed = parse_checkin_reply(reply, **SIX)
    assert not parsed.ok
    assert parsed.error == error


@given(st.text(max_size=60))
def test_any_text_never_crashes_and_never_gives_a_grade_outside_0_to_3(text):
    parsed = parse_checkin_reply(text, **SIX)
    assert all(0 <= grade <= 3 for grade in parsed.grades.values())
    assert all(1 <= question <= 6 for question in parsed.grades)


@given(
    st.lists(st.integers(0, 3), min_size=6, max_size=6),
    st.sampled_from([" ", ",", ", ", ";", "  ", "\n"]),
)
def test_separated_answers_are_read_back_exactly(grades, separator):
    parsed = parse_checkin_reply(separator.join(map(str, grades)), **SIX)
    assert parsed.grades == dict(enumerate(grades, start=1))


@given(st.dictionaries(st.integers(1, 6), st.integers(0, 3), min_size=1), st.sampled_from(["-", ":", "=", ")"]))
def test_numbered_answers_are_read_back_exactly(answers, joiner):
    reply = " ".join(f"{question}{joiner}{grade}" for question, grade in answers.items())
    assert parse_checkin_reply(reply, **SIX).grades == answers
