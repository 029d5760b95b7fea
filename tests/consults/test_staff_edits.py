"""Staff edits through consults.staff_edits and expert_profile_save: capability, rules, one audit entry in the
same transaction as the change (a failure after auditing leaves neither)."""

import pytest
from django.core.exceptions import PermissionDenied

from clinic.errors import DomainError
from consults import staff_edits
from consults.errors import ConsultNotChangeable
from consults.expert_profiles import expert_profile_save
from consults.models import Consult, ConsultStatus, Expert
from patients.models import AuditEntry
from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


class OutboxDown(Exception):
    pass


def broken(**kwargs) -> None:
    raise OutboxDown


@pytest.fixture
def booked(alice, frozen):
    expert = ExpertFactory(display_name="Dr Erin")
    return ConsultFactory(expert=expert, patient=PatientFactory(coordinator=alice), start=ist(DEC_2, 10))


def edit(consult: Consult, **changes) -> dict:
    values = {"expert": consult.expert, "start": consult.start, "mode": consult.mode, "topic": consult.topic}
    return {**values, "note": consult.note, **changes}


def test_a_new_note_is_saved_and_audited_once_with_that_field(alice, booked):
    staff_edits.consult_update_by_staff(consult=booked, **edit(booked, note="Bring the blood report"), by=alice)
    booked.refresh_from_db()
    assert booked.note == "Bring the blood report"
    assert list(AuditEntry.objects.filter(actor=alice).values_list("changed_fields", flat=True)) == [["note"]]


def test_a_new_time_and_mode_move_the_consult_with_one_audit_entry(alice, booked):
    moved = staff_edits.consult_update_by_staff(
        consult=booked, **edit(booked, start=ist(DEC_2, 15), mode="video"), by=alice
    )
    assert moved.pk != booked.pk
    assert moved.mode == "video"
    entry = AuditEntry.objects.get(actor=alice)
    assert entry.changed_fields == ["mode", "start"]
    assert entry.object_id == str(moved.pk)


def test_a_change_that_fails_after_auditing_leaves_no_entry_and_no_move(alice, booked, monkeypatch):
    monkeypatch.setattr("consults.services.consult_notify_rescheduled", broken)
    with pytest.raises(OutboxDown):
        staff_edits.consult_update_by_staff(consult=booked, **edit(booked, start=ist(DEC_2, 15)), by=alice)
    assert AuditEntry.objects.count() == 0
    assert Consult.objects.get().status == ConsultStatus.CONFIRMED


def test_the_mode_of_a_cancelled_consult_is_history(alice, booked):
    Consult.objects.filter(pk=booked.pk).update(status=ConsultStatus.CANCELLED)
    with pytest.raises(ConsultNotChangeable):
        staff_edits.consult_update_by_staff(consult=booked, **edit(booked, mode="video"), by=alice)


def test_the_note_of_a_cancelled_consult_may_still_change(alice, booked):
    Consult.objects.filter(pk=booked.pk).update(status=ConsultStatus.CANCELLED)
    staff_edits.consult_update_by_staff(consult=booked, **edit(booked, note="Called back"), by=alice)
    assert Consult.objects.get().note == "Called back"


def test_an_expert_cannot_change_consult_details(erin, booked):
    with pytest.raises(PermissionDenied):
        staff_edits.consult_update_by_staff(consult=booked, **edit(booked, note="Mine"), by=erin)


def test_an_unknown_mode_is_refused_on_its_field(alice, booked):
    with pytest.raises(DomainError) as refusal:
        staff_edits.consult_update_by_staff(consult=booked, **edit(booked, mode="fax"), by=alice)
    assert refusal.value.field == "mode"


def test_a_staff_booking_audits_the_fields_filled_in(alice, booked):
    consult = staff_edits.consult_book_by_staff(
        patient=booked.patient,
        expert=booked.expert,
        start=ist(DEC_2, 19, 5),
        topic="side_effects",
        mode="phone",  # the default: not something staff changed
        note="",
        by=alice,
    )
    entry = AuditEntry.objects.get(action="create")
    assert entry.changed_fields == ["expert", "patient", "start", "topic"]
    assert entry.object_id == str(consult.pk)


def test_a_booking_that_fails_after_auditing_leaves_no_entry(alice, booked, monkeypatch):
    monkeypatch.setattr(staff_edits, "audit_record", broken)
    with pytest.raises(OutboxDown):
        staff_edits.consult_book_by_staff(
            patient=booked.patient,
            expert=booked.expert,
            start=ist(DEC_2, 19, 5),
            topic="side_effects",
            mode="phone",
            note="",
            by=alice,
        )
    assert Consult.objects.count() == 1


def test_saving_a_profile_without_a_new_login_writes_no_audit_entry(alice, erin):
    expert = ExpertFactory(user=erin)
    expert.bio = "Oncology nurse"
    expert_profile_save(expert=expert, by=alice)
    assert Expert.objects.get().bio == "Oncology nurse"
    assert AuditEntry.objects.count() == 0


def test_a_coordinator_cannot_point_a_profile_at_a_login(alice, erin):
    expert = ExpertFactory(user=None)
    expert.user = erin
    with pytest.raises(PermissionDenied):
        expert_profile_save(expert=expert, by=alice)
    assert Expert.objects.get().user is None


def test_an_admin_pointing_a_profile_at_a_login_is_audited(ada, erin):
    expert = ExpertFactory(user=None)
    expert.user = erin
    expert_profile_save(expert=expert, by=ada)
    assert Expert.objects.get().user == erin
    assert AuditEntry.objects.get().changed_fields == ["user"]


def test_an_outsider_cannot_save_a_profile(charlie):
    with pytest.raises(PermissionDenied):
        expert_profile_save(expert=ExpertFactory.build(), by=charlie)
