"""Reading a patient's answers to the weekly symptom check-in sent over SMS/WhatsApp.

Patients answer in many ways: "2 0 1 0 0 3", "2,0,1,0,0,3", "201003", "1-2 2-0 3-1",
one number per message, Devanagari digits. The parser accepts those and refuses everything
else: a reply it cannot read with certainty gets a clarifying message, never a guessed grade.
"""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_GRADE = 3

# Numbered answers such as "1-2", "3: 0", "4=1", "2)3", "q5 2" (question, then grade).
_PAIR = re.compile(r"q?\s*(\d+)\s*[-:=).]\s*(\d+)|q(\d+)\s+(\d+)", re.IGNORECASE | re.ASCII)
_SEPARATORS = re.compile(r"[\s,;/|]+")


@dataclass(frozen=True)
class ParsedAnswers:
    """Grades keyed by 1-based question number, or an error to explain to the patient."""

    grades: dict[int, int] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.grades)


def normalize_digits(text: str) -> str:
    """Turn any Unicode decimal digit (e.g. Devanagari ३) into ASCII, keeping other characters."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _grade(token: str) -> int | None:
    if not (token.isascii() and token.isdigit()):
        return None
    value = int(token)
    return value if value <= MAX_GRADE else None


def _parse_numbered(text: str, question_count: int) -> ParsedAnswers | None:
    pairs = list(_PAIR.finditer(text))
    if not pairs:
        return None
    leftover = _PAIR.sub(" ", text).strip(" ,;/|")
    if leftover:
        return ParsedAnswers(error="mixed")
    grades: dict[int, int] = {}
    for match in pairs:
        question = int(match.group(1) or match.group(3))
        grade = _grade(match.group(2) or match.group(4))
        if not 1 <= question <= question_count or grade is None or question in grades:
            return ParsedAnswers(error="range")
        grades[question] = grade
    return ParsedAnswers(grades=grades)


def parse_checkin_reply(text: str, *, question_count: int, next_question: int = 1) -> ParsedAnswers:
    """Parse answers for questions next_question..question_count (grades 0 to 3)."""
    text = normalize_digits(text).strip()
    if not text:
        return ParsedAnswers(error="empty")
    numbered = _parse_numbered(text, question_count)
    if numbered is not None:
        return numbered
    tokens = [token for token in _SEPARATORS.split(text) if token]
    remaining = question_count - next_question + 1
    if len(tokens) == 1 and tokens[0].isascii() and tokens[0].isdigit() and len(tokens[0]) == remaining > 1:
        tokens = list(tokens[0])  # "201003": one digit per question
    if not tokens or len(tokens) > remaining:
        return ParsedAnswers(error="count")
    grades = [grade for grade in map(_grade, tokens) if grade is not None]
    if len(grades) < len(tokens):
        return ParsedAnswers(error="range" if all(t.isascii() and t.isdigit() for t in tokens) else "unreadable")
    return ParsedAnswers(grades={next_question + offset: grade for offset, grade in enumerate(grades)})
