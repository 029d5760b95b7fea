"""The console's work queue by role (issue 14): triage of unassigned patients, the header's patient
search, the model index behind Settings for admins, and the expert's "My day"."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consults.models import ConsultStatus
from patients.models import AuditEntry, Patient, RecordState
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def web_booking() -> Patient:
    """What the public booking page leaves behind: a patient nobody coordinates, a consult later today."""
    patient = PatientFactory(full_name="Kavya Unassigned", phone="+919812345678")
    ConsultFactory(patient=patient, start=NOW + timedelta(hours=3))
    return patient


def card_count(body: str, key: str) -> int:
    card = body.split(f'data-card="{key}"')[1].split("</li>")[0]
    return int(card.split('class="ct-count">')[1].split("<")[0])


def test_unassigned_new_booking_counts_in_the_triage_card_under_mine(client, alice, web_booking):
    client.force_login(alice)
    body = client.get("/admin/?scope=mine").content.decode()
    assert card_count(body, "triage_unassigned") == 1


def test_triage_list_names_the_new_booking(client, alice, web_booking):
    client.force_login(alice)
    body = client.get("/admin/work/triage/").content.decode()
    assert "Kavya Unassigned" in body
    assert "New booking" in body


def test_triage_list_leaves_out_assigned_patients(client, alice, bob, web_booking):
    PatientFactory(full_name="Bobs Own", coordinator=bob)
    client.force_login(alice)
    body = client.get("/admin/work/triage/").content.decode()
    assert "Bobs Own" not in body


def test_assign_to_me_makes_the_coordinator(client, alice, web_booking):
    client.force_login(alice)
    response = client.post(f"/admin/work/triage/{web_booking.pk}/take/")
    assert response.status_code == 302
    web_booking.refresh_from_db()
    assert web_booking.coordinator == alice


def test_assign_to_me_writes_an_audit_entry(client, alice, web_booking):
    client.force_login(alice)
    client.post(f"/admin/work/triage/{web_booking.pk}/take/")
    assert (
        AuditEntry.objects.filter(
            actor=alice, action="change", patient=web_booking, changed_fields=["coordinator"]
        ).count()
        == 1
    )


def test_assign_to_me_never_takes_a_patient_someone_already_took(client, alice, bob, web_booking):
    Patient.objects.filter(pk=web_booking.pk).update(coordinator=bob)
    client.force_login(alice)
    response = client.post(f"/admin/work/triage/{web_booking.pk}/take/")
    assert response.status_code == 404  # no longer one alice may see
    web_booking.refresh_from_db()
    assert web_booking.coordinator == bob


def test_experts_cannot_take_patients(client, erin, web_booking):
    client.force_login(erin)
    assert client.get("/admin/work/triage/").status_code == 403


def test_triage_list_query_count_does_not_grow_with_rows(client, alice, web_booking):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as one:
        client.get("/admin/work/triage/")
    for n in range(4):
        patient = PatientFactory(is_lead=True)
        ConsultFactory(patient=patient, start=NOW + timedelta(days=1, hours=n))
    PatientFactory(record_state=RecordState.INTAKE, intake_of=web_booking, phone=web_booking.phone)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/admin/work/triage/").content.decode()
    assert body.count("data-patient=") == 6
    assert len(many) == len(one)


@pytest.mark.parametrize("typed", ["+91 98123 45678", "098123-45678", "9812345678", "0091 98123 45678"])
def test_search_finds_a_patient_by_phone_in_any_notation(client, alice, web_booking, typed):
    client.force_login(alice)
    body = client.get("/admin/work/search/", {"q": typed}).content.decode()
    assert f'data-patient="{web_booking.pk}"' in body


def test_search_finds_a_patient_by_consult_reference(client, alice, web_booking):
    reference = web_booking.consults.get().reference
    client.force_login(alice)
    body = client.get("/admin/work/search/", {"q": reference.lower()}).content.decode()
    assert f'data-patient="{web_booking.pk}"' in body


def test_search_never_shows_a_patient_the_user_may_not_see(client, alice, bob):
    bobs = PatientFactory(full_name="Bobs Patient", phone="+919800011122", coordinator=bob)
    client.force_login(alice)
    body = client.get("/admin/work/search/", {"q": "098000 11122"}).content.decode()
    assert f'data-patient="{bobs.pk}"' not in body


def test_search_by_name_for_an_expert_finds_only_their_consult_patients(client, erin, alice):
    theirs = PatientFactory(full_name="Meena Shared", coordinator=alice)
    ConsultFactory(patient=theirs, expert=ExpertFactory(user=erin), start=NOW + timedelta(hours=2))
    others = PatientFactory(full_name="Meena Other", coordinator=alice)
    client.force_login(erin)
    body = client.get("/admin/work/search/", {"q": "meena"}).content.decode()
    assert f'data-patient="{theirs.pk}"' in body
    assert f'data-patient="{others.pk}"' not in body


def test_search_form_is_in_the_header_of_console_pages(client, alice):
    client.force_login(alice)
    body = client.get("/admin/patients/patient/").content.decode()
    assert 'id="ct-search-q"' in body


def test_coordinators_see_no_model_index(client, alice):
    client.force_login(alice)
    body = client.get("/admin/").content.decode()
    assert 'class="app-patients' not in body
    assert 'data-link="settings"' not in body


def test_admins_reach_the_model_index_behind_settings(client, ada):
    client.force_login(ada)
    assert 'class="app-patients' not in client.get("/admin/").content.decode()
    assert 'class="app-patients' in client.get("/admin/?view=settings").content.decode()


@pytest.fixture
def erins_day(erin, alice):
    expert = ExpertFactory(user=erin)
    patient = PatientFactory(full_name="Ravi Today", phone="+919811122233", coordinator=alice)
    today = ConsultFactory(
        patient=patient,
        expert=expert,
        start=NOW - timedelta(hours=1),
        mode="video",
        note="Asks about food with imatinib",
    )
    ConsultFactory(
        patient=PatientFactory(full_name="Cancelled Today", coordinator=alice),
        expert=expert,
        start=NOW + timedelta(hours=4),
        status=ConsultStatus.CANCELLED,
    )
    ConsultFactory(
        patient=PatientFactory(full_name="Tomorrow Patient", coordinator=alice),
        expert=expert,
        start=NOW + timedelta(days=1),
    )
    return today


def test_my_day_lists_todays_consult_with_phone_and_note(client, erin, erins_day):
    client.force_login(erin)
    body = client.get("/admin/").content.decode()
    assert 'href="tel:+919811122233"' in body
    assert "Asks about food with imatinib" in body


def test_my_day_leaves_out_cancelled_and_other_days(client, erin, erins_day):
    client.force_login(erin)
    body = client.get("/admin/").content.decode()
    assert "Cancelled Today" not in body
    assert "Tomorrow Patient" not in body


def test_experts_see_no_coordinator_cards(client, erin, erins_day):
    client.force_login(erin)
    body = client.get("/admin/").content.decode()
    assert "data-card=" not in body


def test_coordinators_see_no_my_day(client, alice, erins_day):
    client.force_login(alice)
    body = client.get("/admin/").content.decode()
    assert 'data-section="my-day"' not in body


def test_completed_from_my_day_returns_to_the_dashboard(client, erin, erins_day):
    client.force_login(erin)
    response = client.post(
        f"/admin/consults/consult/{erins_day.pk}/outcome/", {"outcome": "completed", "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    erins_day.refresh_from_db()
    assert erins_day.status == ConsultStatus.COMPLETED


def test_outcome_never_redirects_off_site(client, erin, erins_day):
    client.force_login(erin)
    response = client.post(
        f"/admin/consults/consult/{erins_day.pk}/outcome/", {"outcome": "completed", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/admin/consults/consult/{erins_day.pk}/change/"


def test_my_day_query_count_does_not_grow_with_consults(client, erin, erins_day, alice):
    client.force_login(erin)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    for hours in (5, 6, 7):
        ConsultFactory(
            patient=PatientFactory(coordinator=alice), expert=erins_day.expert, start=NOW + timedelta(hours=hours)
        )
    with CaptureQueriesContext(connection) as more:
        body = client.get("/admin/").content.decode()
    assert body.count("data-consult=") == 4
    assert len(more) == len(few)


def test_dashboard_query_count_for_coordinators_does_not_grow_with_unassigned(client, alice, web_booking):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    for _ in range(5):
        PatientFactory(is_lead=True)
    with CaptureQueriesContext(connection) as more:
        client.get("/admin/")
    assert len(more) == len(few)
