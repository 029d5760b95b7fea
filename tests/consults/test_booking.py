"""Booking rules in consults.services, on whichever database the suite runs."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction

from clinic.errors import DomainError
from consults import signals
from consults.errors import SlotTaken, UpcomingLimitReached
from consults.models import Consult, ConsultSource, ConsultStatus, Topic
from consults.services import (
    consult_book,
    consult_book_for_public,
    consult_ics_url,
    consult_manage_link_revoke,
    consult_manage_url,
)
from patients.models import Patient
from tests.consults.helpers import DEC_2, ist
from tests.consults.helpers import details as intake
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def book(expert, start, phone="+919876500001", **kwargs):
    return consult_book_for_public(
        details=intake(phone), expert=expert, start=start, topic=Topic.SIDE_EFFECTS, **kwargs
    )


def test_booking_creates_the_patient_and_a_confirmed_consult(frozen):
    expert = ExpertFactory()
    consult = book(expert, ist(DEC_2, 10))
    assert consult.status == ConsultStatus.CONFIRMED
    assert consult.end - consult.start == timedelta(minutes=20)
    assert consult.reference.startswith("CT-")
    assert len(consult.reference) == 8
    assert len(consult.manage_token) >= 32
    assert consult.patient.full_name == "Meena Test"
    assert str(consult.patient.phone) == "+919876500001"


def test_second_booking_of_same_slot_is_refused_with_next_free_slots(frozen):
    expert = ExpertFactory()
    book(expert, ist(DEC_2, 10))
    with pytest.raises(SlotTaken) as taken:
        book(expert, ist(DEC_2, 10), phone="+919876500002")
    assert taken.value.status == 409
    assert [s.start for s in taken.value.next_slots][:2] == [ist(DEC_2, 10, 30), ist(DEC_2, 11)]
    assert Consult.objects.count() == 1
    # Nothing of the refused booking is stored, not even the new patient.
    assert not Patient.objects.filter(phone="+919876500002").exists()


def test_slot_taken_offers_other_experts_for_the_topic_when_this_one_is_full(frozen, settings):
    settings.CONSULT_HORIZON_DAYS = 1
    busy = ExpertFactory(hours=[(2, ist(DEC_2, 9).time(), ist(DEC_2, 9, 20).time())])
    other = ExpertFactory(display_name="Dr Other")
    book(busy, ist(DEC_2, 9))
    with pytest.raises(SlotTaken) as taken:
        book(busy, ist(DEC_2, 9), phone="+919876500002")
    assert taken.value.next_slots
    assert {s.expert_id for s in taken.value.next_slots} == {other.pk}
    assert taken.value.expert_names[other.pk] == "Dr Other"


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (ist(DEC_2, 10, 5), "not one of the expert's consult times"),
        (ist(DEC_2, 7), "not one of the expert's consult times"),
        (ist(DEC_2, 0, 0) - timedelta(days=2), "already passed"),
        (ist(DEC_2, 0, 0) - timedelta(hours=13), "at least 2 hours"),  # 11:00 today, 1.5 h away
        (ist(DEC_2, 10) + timedelta(days=31), "up to 30 days ahead"),
    ],
)
def test_times_that_are_not_free_slots_are_refused_on_the_start_field(frozen, start, message):
    expert = ExpertFactory()
    with pytest.raises(DomainError) as error:
        book(expert, start)
    assert error.value.field == "start"
    assert error.value.status == 400
    assert message in error.value.message


def test_an_inactive_expert_or_an_unsupported_topic_is_refused(frozen):
    inactive = ExpertFactory(active=False)
    with pytest.raises(DomainError) as error:
        book(inactive, ist(DEC_2, 10))
    assert error.value.field == "expert"
    finance = ExpertFactory(role="financial_counsellor")
    with pytest.raises(DomainError) as error:
        book(finance, ist(DEC_2, 10))  # side effects is not a financial counsellor's topic
    assert error.value.field == "topic"


def test_a_patient_may_hold_only_the_configured_number_of_upcoming_consults(frozen, settings):
    settings.CONSULT_MAX_UPCOMING_PER_PATIENT = 2
    expert = ExpertFactory()
    book(expert, ist(DEC_2, 10))
    book(expert, ist(DEC_2, 11))
    with pytest.raises(UpcomingLimitReached) as error:
        book(expert, ist(DEC_2, 12))
    assert error.value.status == 409
    # Another phone is unaffected.
    book(expert, ist(DEC_2, 12), phone="+919876500009")


def test_staff_may_book_outside_published_slots_but_never_over_another_consult(frozen):
    expert = ExpertFactory(hours=[])
    patient = PatientFactory()
    consult = consult_book(
        patient=patient, expert=expert, start=ist(DEC_2, 19, 5), topic=Topic.DIET, source=ConsultSource.STAFF
    )
    assert consult.start == ist(DEC_2, 19, 5)
    with pytest.raises(SlotTaken):
        consult_book(
            patient=PatientFactory(), expert=expert, start=ist(DEC_2, 19, 15), topic=Topic.DIET, source="staff"
        )


def test_a_slot_lost_to_the_database_is_refused_by_the_database(frozen):
    """With the service's own check out of the way, the no-overlap rule of the database refuses the second
    consult. SQLite's trigger raises, and the SlotTaken keeps that refusal as its cause (its traceback says
    why); PostgreSQL's insert does nothing on the exclusion conflict (no savepoint needed), so there is no
    exception to keep and the SlotTaken stands alone."""
    expert = ExpertFactory(hours=[])
    consult_book(patient=PatientFactory(), expert=expert, start=ist(DEC_2, 19), topic=Topic.DIET, source="staff")
    with mock.patch("consults.services.consult_check_staff_time"), pytest.raises(SlotTaken) as taken:
        consult_book(
            patient=PatientFactory(), expert=expert, start=ist(DEC_2, 19, 10), topic=Topic.DIET, source="staff"
        )
    assert Consult.objects.filter(expert=expert).count() == 1
    if connection.vendor == "sqlite":
        assert isinstance(taken.value.__cause__, IntegrityError)
    else:
        assert taken.value.__cause__ is None


def test_the_database_itself_refuses_overlapping_active_consults():
    """No code path can overlap: a raw insert or update that skips the services fails too."""
    expert = ExpertFactory()
    ConsultFactory(expert=expert, start=ist(DEC_2, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultFactory(expert=expert, start=ist(DEC_2, 10, 10))
    other = ConsultFactory(expert=expert, start=ist(DEC_2, 11))
    with pytest.raises(IntegrityError), transaction.atomic():
        Consult.objects.filter(pk=other.pk).update(start=ist(DEC_2, 10, 5), end=ist(DEC_2, 10, 25))
    # Back to back is fine, so is another expert at the same time, so is a cancelled one.
    ConsultFactory(expert=expert, start=ist(DEC_2, 10, 20))
    ConsultFactory(start=ist(DEC_2, 10))
    ConsultFactory(expert=expert, start=ist(DEC_2, 10), status=ConsultStatus.CANCELLED)


def test_booked_event_fires_after_commit_with_the_consult(frozen, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, consult, **kwargs):
        received.append(consult.reference)

    signals.consult_booked.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            consult = book(ExpertFactory(), ist(DEC_2, 10))
            assert received == []  # nothing before commit
    finally:
        signals.consult_booked.disconnect(receiver)
    assert received == [consult.reference]


def test_a_failing_receiver_is_logged_and_never_fails_the_booking(frozen, django_capture_on_commit_callbacks, caplog):
    def broken(sender, consult, **kwargs):
        raise RuntimeError(f"gateway down for {consult.patient.phone}")

    signals.consult_booked.connect(broken)
    try:
        with caplog.at_level(logging.INFO, logger="consults.events"), django_capture_on_commit_callbacks(execute=True):
            consult = book(ExpertFactory(), ist(DEC_2, 10))
    finally:
        signals.consult_booked.disconnect(broken)
    assert Consult.objects.filter(pk=consult.pk, status=ConsultStatus.CONFIRMED).exists()
    messages = [record.getMessage() for record in caplog.records]
    assert f"consult.booked reference={consult.reference} source=web" in messages
    assert any("receiver" in m and "failed" in m and "RuntimeError" in m for m in messages)
    # Log lines name the reference only: no phone, no name, no token.
    assert not any("9876500001" in m or "Meena" in m or consult.manage_token in m for m in messages)


def test_links_for_messages_are_absolute_and_use_the_manage_token(frozen, settings):
    consult = book(ExpertFactory(), ist(DEC_2, 10))
    assert consult_manage_url(consult) == f"https://clinic.example.org/c/{consult.manage_token}/"
    assert consult_ics_url(consult) == f"https://clinic.example.org/c/{consult.manage_token}/calendar.ics"


def test_revoking_a_manage_link_replaces_the_token(frozen):
    consult = book(ExpertFactory(), ist(DEC_2, 10))
    old = consult.manage_token
    revoked = consult_manage_link_revoke(consult=consult)
    assert revoked.manage_token != old
    assert not Consult.objects.filter(manage_token=old).exists()
