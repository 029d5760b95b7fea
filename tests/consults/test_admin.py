"""The consults console: permissions per role, no overlapping consults, actions, audit, queue cards."""

import re
from unittest import mock

import pytest
import time_machine

from consults.models import Consult, ConsultStatus, WeeklyAvailability
from consults.queue_cards import consult_cards
from patients.models import AuditEntry
from tests.consults.helpers import DEC_2, expert_form, ist
from tests.factories.consults import ConsultFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/consults/consult/"
ADD = "/admin/consults/consult/add/"


def add_form(patient, expert, day="2026-12-02", at="10:10:00") -> dict:
    return {
        "patient": patient.pk,
        "expert": expert.pk,
        "start_0": day,
        "start_1": at,
        "mode": "phone",
        "topic": "side_effects",
        "note": "Booked by phone",
    }


def test_coordinator_sees_the_consults_list(client, alice, booked):
    client.force_login(alice)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert booked.reference in response.content.decode()


def test_expert_gets_their_own_upcoming_schedule(client, erin, booked, expert):
    other = ConsultFactory(start=ist(DEC_2, 11))
    client.force_login(erin)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].endswith("?when=upcoming")
    page = client.get(response["Location"]).content.decode()
    assert "My schedule" in page
    assert booked.reference in page
    assert other.reference not in page
    assert client.get(f"{CHANGELIST}{other.pk}/change/").status_code == 404  # not theirs: not found
    assert client.get(ADD).status_code == 403


def test_outsider_cannot_open_the_console(client, charlie, booked):
    client.force_login(charlie)
    assert client.get(CHANGELIST).status_code == 302  # not staff: sent to the login page
    charlie.is_staff = True
    charlie.save()
    assert client.get(CHANGELIST).status_code == 403


def test_admin_creates_a_consult_through_the_booking_service(client, alice, expert):
    client.force_login(alice)
    patient = PatientFactory(coordinator=alice)
    response = client.post(ADD, add_form(patient, expert, at="19:05:00"))  # staff may book off the grid
    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.content.decode(), re.S)
    consult = Consult.objects.get()
    assert consult.source == "staff"
    assert consult.start == ist(DEC_2, 19, 5)
    assert consult.end == ist(DEC_2, 19, 25)
    assert consult.reference.startswith("CT-")
    assert AuditEntry.objects.filter(action="create", patient=patient, actor=alice).exists()


def test_admin_cannot_create_an_overlapping_consult(client, alice, booked, expert):
    client.force_login(alice)
    response = client.post(ADD, add_form(PatientFactory(), expert, at="10:10:00"))
    assert response.status_code == 200
    assert "Dr Erin already has a consult at that time" in response.content.decode()
    assert Consult.objects.count() == 1


def test_when_the_database_refuses_at_save_time_the_admin_shows_a_readable_error(client, alice, booked, expert):
    """Skip both application checks: the exclusion constraint (PostgreSQL) or trigger (SQLite) speaks."""
    client.force_login(alice)
    with (
        mock.patch("consults.admin.consult_check_staff_time"),
        mock.patch("consults.services.consult_check_staff_time"),
    ):
        response = client.post(ADD, add_form(PatientFactory(), expert, at="10:10:00"))
    assert response.status_code == 200
    assert "just taken by someone else" in response.content.decode()
    assert Consult.objects.count() == 1


def test_changing_the_time_in_the_admin_reschedules(client, alice, booked):
    client.force_login(alice)
    form = add_form(booked.patient, booked.expert, at="15:00:00")
    form.pop("patient")
    response = client.post(f"{CHANGELIST}{booked.pk}/change/", form)
    assert response.status_code == 302
    current = Consult.objects.get(reference=booked.reference)
    assert current.pk != booked.pk
    assert current.start == ist(DEC_2, 15)
    assert current.note == "Booked by phone"
    assert Consult.objects.get(pk=booked.pk).status == ConsultStatus.CANCELLED


def test_changing_the_time_onto_another_consult_is_refused(client, alice, booked):
    ConsultFactory(expert=booked.expert, start=ist(DEC_2, 15))
    client.force_login(alice)
    form = add_form(booked.patient, booked.expert, at="15:05:00")
    form.pop("patient")
    response = client.post(f"{CHANGELIST}{booked.pk}/change/", form)
    assert response.status_code == 200
    assert "already has a consult" in response.content.decode()


def test_viewing_a_consult_is_audited(client, alice, booked):
    client.force_login(alice)
    assert client.get(f"{CHANGELIST}{booked.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(action="view", patient=booked.patient, actor=alice).exists()


def test_mark_completed_action_after_the_consult(client, erin, booked):
    with time_machine.travel(ist(DEC_2, 10, 30)):
        client.force_login(erin)
        response = client.post(f"{CHANGELIST}?when=past", {"action": "mark_completed", "_selected_action": [booked.pk]})
    assert response.status_code == 302
    assert Consult.objects.get(pk=booked.pk).status == ConsultStatus.COMPLETED
    assert AuditEntry.objects.filter(action="change", actor=erin).exists()


def test_cancel_action_asks_for_a_reason_then_cancels(client, alice, booked):
    client.force_login(alice)
    ask = client.post(CHANGELIST, {"action": "cancel_selected", "_selected_action": [booked.pk]})
    assert ask.status_code == 200
    assert "Reason" in ask.content.decode()
    done = client.post(
        CHANGELIST,
        {"action": "cancel_selected", "_selected_action": [booked.pk], "apply": "1", "reason": "Expert unwell"},
    )
    assert done.status_code == 302
    consult = Consult.objects.get(pk=booked.pk)
    assert consult.status == ConsultStatus.CANCELLED
    assert consult.cancellation_reason == "Expert unwell"
    assert consult.cancelled_source == "staff"


def test_consults_are_never_deleted_from_the_console(client, ada, booked):
    client.force_login(ada)
    assert client.get(f"{CHANGELIST}{booked.pk}/delete/").status_code == 403


def test_changelist_query_count_is_fixed(client, alice, expert, django_assert_max_num_queries):
    client.force_login(alice)
    ConsultFactory(expert=expert, patient=PatientFactory(coordinator=alice), start=ist(DEC_2, 9))
    with django_assert_max_num_queries(16):
        client.get(CHANGELIST)
    for hour in range(10, 17):
        ConsultFactory(expert=expert, patient=PatientFactory(coordinator=alice), start=ist(DEC_2, hour))
    with django_assert_max_num_queries(16):
        assert client.get(CHANGELIST).status_code == 200


def test_expert_setup_is_for_coordinators_and_admins(client, alice, erin, expert):
    client.force_login(alice)
    assert client.get(f"/admin/consults/expert/{expert.pk}/change/").status_code == 200
    client.force_login(erin)
    assert client.get("/admin/consults/expert/").status_code == 403


def test_queue_cards_count_todays_consults_and_ones_to_close(alice, expert, django_assert_num_queries):
    patient = PatientFactory(coordinator=alice)
    ConsultFactory(expert=expert, patient=patient, start=ist(DEC_2, 9))
    with time_machine.travel(ist(DEC_2, 12), tick=False):
        ConsultFactory(expert=expert, patient=patient, start=ist(DEC_2, 14))
        with django_assert_num_queries(2):  # the user's roles, then one aggregate
            cards = {card.key: card.count for card in consult_cards(alice, True)}
    assert cards == {"consults_today": 2, "consults_to_close": 1}


def test_search_finds_a_consult_by_phone_as_people_type_it(client, alice, booked):
    booked.patient.phone = "+919876543210"
    booked.patient.save()
    client.force_login(alice)
    page = client.get(CHANGELIST, {"q": "98765 43210"}).content.decode()
    assert booked.reference in page
    assert booked.reference in client.get(CHANGELIST, {"q": booked.reference}).content.decode()


def test_expert_form_offers_language_and_topic_checkboxes_and_refuses_overlapping_blocks(client, alice, expert):
    client.force_login(alice)
    url = f"/admin/consults/expert/{expert.pk}/change/"
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="languages" value="ta"' in page
    form = expert_form(
        expert,
        languages=["en", "ta"],
        **{
            "availability-TOTAL_FORMS": 2,
            "availability-0-weekday": 0,
            "availability-0-start_time": "09:00",
            "availability-0-end_time": "12:00",
            "availability-1-weekday": 0,
            "availability-1-start_time": "11:00",
            "availability-1-end_time": "13:00",
        },
    )
    WeeklyAvailability.objects.filter(expert=expert).delete()
    response = client.post(url, form)
    assert response.status_code == 200
    assert "overlaps another block" in response.content.decode()
    form["availability-1-start_time"] = "14:00"
    form["availability-1-end_time"] = "17:00"
    assert client.post(url, form).status_code == 302
    expert.refresh_from_db()
    assert expert.languages == ["en", "ta"]
    assert expert.availability.count() == 2


def test_changing_the_note_in_the_admin_is_audited_once_with_the_request(client, alice, booked):
    client.force_login(alice)
    form = add_form(booked.patient, booked.expert, at="10:00:00")
    form.pop("patient")
    form.update(mode=booked.mode, topic=booked.topic, note="Bring the blood report")
    response = client.post(f"{CHANGELIST}{booked.pk}/change/", form)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="change", actor=alice)
    assert entry.changed_fields == ["note"]
    assert entry.ip_address == "127.0.0.1"
    assert Consult.objects.get(pk=booked.pk).note == "Bring the blood report"
