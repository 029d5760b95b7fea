"""Booking's thin path: a fixed number of statements for a booking and for a taken slot.

Inside a test the service's transaction is a savepoint (pytest-django wraps each test in one), so
the counts include SAVEPOINT/RELEASE pairs that production's BEGIN/COMMIT replace one for one.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consults.errors import SlotTaken
from consults.models import Consult, ConsultSource, Topic
from consults.services import consult_book, consult_book_for_public
from messaging.models import Message
from patients.models import Patient
from tests.consults.helpers import DEC_2, details, ist
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


def book_public(expert, hour: int, phone: str = "+919876500001") -> Consult:
    return consult_book_for_public(
        details=details(phone),
        expert=expert,
        start=ist(DEC_2, hour),
        topic=Topic.SIDE_EFFECTS,
        source=ConsultSource.API,
    )


def test_a_public_booking_for_a_new_phone_is_nine_statements_in_one_transaction_without_savepoints(frozen):
    """The precheck, the patient by upsert (no lock: nobody else sees the new row), the expert locked with
    the checks, the weekly hours, the consult, and the confirmation: its template, the conversation read
    and insert (carrying the message's time and channel, so no update) and the message."""
    expert = ExpertFactory()
    with CaptureQueriesContext(connection) as captured:
        consult = book_public(expert, 10)
    sql = [query["sql"] for query in captured.captured_queries]
    # The one transaction (a savepoint inside the test's own): no savepoint around any insert.
    assert sum(text.startswith("SAVEPOINT") for text in sql) == 1
    statements = [text for text in sql if "SAVEPOINT" not in text]
    assert len(statements) == 9
    inserts = [text for text in statements if text.startswith("INSERT")]
    assert [
        table
        for table in ("patients_patient", "consults_consult", "messaging_conversation", "messaging_message")
        if any(f'INTO "{table}"' in text for text in inserts)
    ] == ["patients_patient", "consults_consult", "messaging_conversation", "messaging_message"]
    assert not any(text.startswith("UPDATE") for text in statements)
    assert Message.objects.get(kind="consult_confirmation").idempotency_key == f"consult:{consult.pk}:confirmation"


def test_a_taken_slot_is_refused_from_reads_alone_before_any_transaction(frozen):
    """Check first: one EXISTS on the expert's consults, then the next free times (weekly hours, time off,
    busy times): no patient intake, no lock, no transaction, nothing written."""
    expert = ExpertFactory()
    ConsultFactory(expert=expert, start=ist(DEC_2, 10))
    patients = Patient.objects.count()
    with CaptureQueriesContext(connection) as captured, pytest.raises(SlotTaken) as taken:
        book_public(expert, 10, phone="+919876500002")
    sql = [query["sql"] for query in captured.captured_queries]
    assert taken.value.next_slots
    assert len(sql) == 4
    assert all(text.startswith("SELECT") for text in sql)
    assert Patient.objects.count() == patients


def test_a_replayed_idempotent_booking_is_answered_before_the_taken_check(frozen):
    expert = ExpertFactory()
    first = consult_book_for_public(
        details=details(),
        expert=expert,
        start=ist(DEC_2, 10),
        topic=Topic.SIDE_EFFECTS,
        source=ConsultSource.API,
        idempotency_key="replay-key-1",
        request_fingerprint="f1",
    )
    again = consult_book_for_public(
        details=details(),
        expert=expert,
        start=ist(DEC_2, 10),
        topic=Topic.SIDE_EFFECTS,
        source=ConsultSource.API,
        idempotency_key="replay-key-1",
        request_fingerprint="f1",
    )
    assert again == first
