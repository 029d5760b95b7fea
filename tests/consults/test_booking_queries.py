"""Booking's thin path: a fixed number of statements for a booking and for a taken slot.

Inside a test the service's transaction is a savepoint (pytest-django wraps each test in one), so
the counts include SAVEPOINT/RELEASE pairs that production's BEGIN/COMMIT replace one for one.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consults.errors import SlotTaken
from consults.models import Consult, ConsultSource, Topic
from consults.services import consult_book
from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db
# PostgreSQL locks the patient's row for the upcoming-consults count; SQLite runs one writer at a time.
PATIENT_LOCK = 1 if connection.vendor == "postgresql" else 0


def book(patient, expert, hour: int) -> Consult:
    return consult_book(
        patient=patient, expert=expert, start=ist(DEC_2, hour), topic=Topic.SIDE_EFFECTS, source=ConsultSource.WEB
    )


def consult_statements(captured: CaptureQueriesContext) -> list[str]:
    """The statements outside the confirmation message's own (messaging.services.message_send)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if "messaging_" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    ]


def test_a_booking_locks_and_checks_in_one_read_of_the_expert_then_inserts(frozen):
    expert, patient = ExpertFactory(), PatientFactory()
    with CaptureQueriesContext(connection) as captured:
        book(patient, expert, 10)
    statements = consult_statements(captured)
    # [patient lock], expert locked with the checks, weekly hours, the insert.
    assert len(statements) == 3 + PATIENT_LOCK
    assert sum(sql.startswith("INSERT") and 'INTO "consults_consult"' in sql for sql in statements) == 1


def test_a_booking_needs_the_same_statements_however_full_the_calendar(frozen):
    expert, patient = ExpertFactory(), PatientFactory()
    with CaptureQueriesContext(connection) as first:
        book(patient, expert, 10)
    for hour in (11, 12, 13, 14):
        ConsultFactory(expert=expert, start=ist(DEC_2, hour))
    other = PatientFactory()
    with CaptureQueriesContext(connection) as later:
        book(other, expert, 15)
    assert len(later) == len(first)


def test_a_taken_slot_is_refused_before_any_insert_with_a_fixed_number_of_statements(frozen):
    expert = ExpertFactory()
    ConsultFactory(expert=expert, start=ist(DEC_2, 10))
    patient = PatientFactory()
    with CaptureQueriesContext(connection) as captured, pytest.raises(SlotTaken) as taken:
        book(patient, expert, 10)
    statements = consult_statements(captured)
    assert taken.value.next_slots
    assert not any("INSERT" in sql for sql in statements)
    # The next free times are read after the transaction ended, not under the expert's lock.
    sql = [query["sql"] for query in captured.captured_queries]
    ended = max(i for i, text in enumerate(sql) if "ROLLBACK" in text)
    after = [text for text in sql[ended + 1 :] if "SAVEPOINT" not in text]
    assert len(after) == 3  # weekly hours, time off, busy times of the next week
    # [patient lock], expert locked with the checks, weekly hours, then the next free times
    # (one week: experts' hours, time off, busy times).
    assert len(statements) == 5 + PATIENT_LOCK
