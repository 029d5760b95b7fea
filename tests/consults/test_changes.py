"""Reschedule, cancel, attendance confirmation and outcomes."""

import pytest
import time_machine

from consults import signals
from consults.errors import ConsultNotChangeable, SlotTaken
from consults.models import Consult, ConsultStatus, Topic
from consults.services import (
    consult_book_for_public,
    consult_cancel,
    consult_confirm_attendance,
    consult_mark_completed,
    consult_mark_no_show,
    consult_reschedule,
)
from tests.consults.helpers import DEC_2, ist
from tests.consults.helpers import details as intake
from tests.factories.consults import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consult(frozen):
    return consult_book_for_public(
        details=intake(), expert=ExpertFactory(), start=ist(DEC_2, 10), topic=Topic.SIDE_EFFECTS
    )


@pytest.fixture
def events():
    """Collect every consult event sent (on commit) during the test."""
    seen = []

    def record(signal_name):
        def receiver(sender, consult, **kwargs):
            seen.append((signal_name, consult.reference, kwargs.get("previous")))

        return receiver

    receivers = {name: record(name) for name in ("booked", "rescheduled", "cancelled", "completed", "no_show", "att")}
    pairs = [
        (signals.consult_booked, receivers["booked"]),
        (signals.consult_rescheduled, receivers["rescheduled"]),
        (signals.consult_cancelled, receivers["cancelled"]),
        (signals.consult_completed, receivers["completed"]),
        (signals.consult_no_show, receivers["no_show"]),
        (signals.consult_attendance_confirmed, receivers["att"]),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver)
    yield seen
    for signal, receiver in pairs:
        signal.disconnect(receiver)


def test_reschedule_frees_the_old_time_and_keeps_reference_and_link(
    consult, django_capture_on_commit_callbacks, events
):
    reference, token = consult.reference, consult.manage_token
    with django_capture_on_commit_callbacks(execute=True):
        new = consult_reschedule(consult=consult, new_start=ist(DEC_2, 14))
    old = Consult.objects.get(pk=consult.pk)
    assert (new.reference, new.manage_token) == (reference, token)
    assert new.start == ist(DEC_2, 14)
    assert new.status == ConsultStatus.CONFIRMED
    assert new.rescheduled_from == old
    assert new.calendar_uid == old.calendar_uid
    assert new.calendar_sequence == 1
    assert old.status == ConsultStatus.CANCELLED
    assert old.reference == f"{reference}-1"
    assert old.manage_token != token
    assert events == [("rescheduled", reference, old)]
    # The old time is bookable again.
    consult_book_for_public(
        details=intake("+919876500002"), expert=new.expert, start=ist(DEC_2, 10), topic=Topic.SIDE_EFFECTS
    )


def test_reschedule_into_a_taken_slot_changes_nothing(consult):
    consult_book_for_public(
        details=intake("+919876500002"), expert=consult.expert, start=ist(DEC_2, 11), topic=Topic.SIDE_EFFECTS
    )
    with pytest.raises(SlotTaken):
        consult_reschedule(consult=consult, new_start=ist(DEC_2, 11))
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.CONFIRMED
    assert consult.start == ist(DEC_2, 10)


def test_reschedule_may_move_by_half_an_hour_over_its_own_buffer(consult):
    new = consult_reschedule(consult=consult, new_start=ist(DEC_2, 10, 30))
    assert new.start == ist(DEC_2, 10, 30)


def test_a_rescheduled_consult_can_be_rescheduled_again(consult):
    second = consult_reschedule(consult=consult, new_start=ist(DEC_2, 11))
    third = consult_reschedule(consult=second, new_start=ist(DEC_2, 12))
    assert third.reference == consult.reference
    assert third.calendar_sequence == 2
    assert Consult.objects.filter(reference__startswith=consult.reference).count() == 3


def test_cancel_frees_the_time_records_the_reason_and_is_idempotent(
    consult, django_capture_on_commit_callbacks, events
):
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = consult_cancel(consult=consult, reason="Feeling better", source="sms")
        again = consult_cancel(consult=consult, reason="twice", source="sms")
    assert cancelled.status == ConsultStatus.CANCELLED
    assert cancelled.cancellation_reason == "Feeling better"
    assert cancelled.cancelled_source == "sms"
    assert again.cancellation_reason == "Feeling better"
    assert events == [("cancelled", consult.reference, None)]
    with pytest.raises(ConsultNotChangeable):
        consult_reschedule(consult=consult, new_start=ist(DEC_2, 11))


def test_a_consult_that_has_started_cannot_be_cancelled_or_moved(consult):
    with time_machine.travel(ist(DEC_2, 10, 5), tick=False):
        with pytest.raises(ConsultNotChangeable):
            consult_cancel(consult=consult, reason="late")
        with pytest.raises(ConsultNotChangeable):
            consult_reschedule(consult=consult, new_start=ist(DEC_2, 15))


def test_patient_replying_c_confirms_attendance_once(consult, django_capture_on_commit_callbacks, events):
    with django_capture_on_commit_callbacks(execute=True):
        first = consult_confirm_attendance(consult=consult, source="sms")
        second = consult_confirm_attendance(consult=consult, source="sms")
    assert first.attendance_confirmed_at is not None
    assert second.attendance_confirmed_at == first.attendance_confirmed_at
    assert events == [("att", consult.reference, None)]


def test_attendance_cannot_be_confirmed_for_a_cancelled_consult(consult):
    consult_cancel(consult=consult, reason="x")
    with pytest.raises(ConsultNotChangeable):
        consult_confirm_attendance(consult=consult)


def test_outcomes_can_be_recorded_only_once_the_consult_has_started(consult, erin):
    consult.expert.user = erin  # erin's consult: she may record its outcome
    consult.expert.save(update_fields=["user"])
    with pytest.raises(ConsultNotChangeable, match="not started"):
        consult_mark_completed(consult=consult, by=erin)
    with time_machine.travel(ist(DEC_2, 10, 25), tick=False):
        done = consult_mark_completed(consult=consult, by=erin)
        assert done.status == ConsultStatus.COMPLETED
        assert done.status_changed_by == erin
        assert consult_mark_completed(consult=consult, by=erin).status == ConsultStatus.COMPLETED
        with pytest.raises(ConsultNotChangeable, match="completed"):
            consult_mark_no_show(consult=consult, by=erin)


def test_no_show_is_recorded_and_announced(consult, django_capture_on_commit_callbacks, events):
    with time_machine.travel(ist(DEC_2, 10, 25), tick=False), django_capture_on_commit_callbacks(execute=True):
        consult_mark_no_show(consult=consult)
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.NO_SHOW
    assert events == [("no_show", consult.reference, None)]
