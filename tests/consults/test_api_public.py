"""Public API: experts, slots, booking (201/400/409/422/429), manage by token."""

from datetime import timedelta

import pytest
import time_machine
from rest_framework.settings import api_settings

from consults.models import Consult, ConsultStatus, Expert
from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory

pytestmark = pytest.mark.django_db


def booking_body(expert_obj: Expert, **overrides) -> dict:
    body = {
        "expert": expert_obj.pk,
        "start": "2026-12-02T10:00:00+05:30",
        "topic": "side_effects",
        "mode": "phone",
        "name": "Meena Test",
        "phone": "+91 98765 00001",
        "email": "",
        "channel": "whatsapp",
        "consent_sms": False,
        "consent_whatsapp": True,
        "note": "Ankle swelling",
    }
    body.update(overrides)
    return body


def post_booking(client, body, **headers):
    return client.post("/api/v1/consults/", body, content_type="application/json", headers=headers)


@pytest.fixture
def rates(settings):
    """Set throttle rates for one test (DRF reads them when a throttle is made)."""

    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }
        assert (
            api_settings.DEFAULT_THROTTLE_RATES["booking_ip"]
            == settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["booking_ip"]
        )

    return set_rates


# --- experts and slots --------------------------------------------------------------------------


def test_expert_list_shows_public_fields_only_with_fixed_queries(client, django_assert_max_num_queries, erin):
    ExpertFactory(user=erin, bio="Blood cancers.")
    ExpertFactory(active=False)
    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/experts/").json()
    assert body["count"] == 1
    expert = body["results"][0]
    assert set(expert) == {
        "id",
        "name",
        "role",
        "role_label",
        "languages",
        "topics",
        "bio",
        "consult_minutes",
        "time_zone",
    }
    for _ in range(10):
        ExpertFactory()
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/experts/").json()["count"] == 11


def test_expert_slots_are_given_in_the_requested_zone(client, frozen):
    expert = ExpertFactory()
    response = client.get(f"/api/v1/experts/{expert.pk}/slots/?from=2026-12-02&to=2026-12-02&tz=Europe/London")
    assert response.status_code == 200
    body = response.json()
    assert body["tz"] == "Europe/London"
    first = body["results"][0]
    # 09:00 in Kolkata is 03:30 in London in December.
    assert first == {
        "start": "2026-12-02T03:30:00+00:00",
        "end": "2026-12-02T03:50:00+00:00",
        "expert": expert.pk,
        "expert_name": expert.display_name,
    }
    assert body["count"] == 16


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("tz=Mars/Olympus", "tz"),
        ("from=2026-12-05&to=2026-12-02", "to"),
        ("from=2026-12-01&to=2027-02-01", "to"),
        ("from=yesterday", "from"),
    ],
)
def test_bad_slot_queries_get_400_naming_the_field(client, frozen, query, field):
    expert = ExpertFactory()
    response = client.get(f"/api/v1/experts/{expert.pk}/slots/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_slots_of_an_unknown_or_inactive_expert_are_404(client, frozen):
    assert client.get("/api/v1/experts/999/slots/").status_code == 404
    inactive = ExpertFactory(active=False)
    assert client.get(f"/api/v1/experts/{inactive.pk}/slots/").status_code == 404


def test_first_available_slots_name_each_expert_and_filter_topic_and_language(client, frozen):
    hindi = ExpertFactory(languages=["hi"])
    ExpertFactory(languages=["en"])
    ExpertFactory(role="financial_counsellor", languages=["hi"])
    body = client.get("/api/v1/slots/?topic=side_effects&language=hi&from=2026-12-02&to=2026-12-02").json()
    assert body["count"] == 16
    assert {slot["expert"] for slot in body["results"]} == {hindi.pk}
    assert body["results"][0]["start"] == "2026-12-02T09:00:00+05:30"


def test_first_available_rejects_unknown_topics(client):
    response = client.get("/api/v1/slots/?topic=astrology")
    assert response.status_code == 400
    assert "topic" in response.json()


def test_first_available_query_count_is_fixed(client, frozen, django_assert_max_num_queries):
    for _ in range(3):
        ExpertFactory()
    with django_assert_max_num_queries(4):
        client.get("/api/v1/slots/?from=2026-12-01&to=2026-12-30")
    for _ in range(12):
        ConsultFactory(expert=ExpertFactory(), start=ist(DEC_2, 9))
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/slots/?from=2026-12-01&to=2026-12-30").json()
    assert body["count"] > 200
    assert body["next"]


# --- booking ------------------------------------------------------------------------------------


def test_booking_answers_201_with_the_contract_fields(client, frozen):
    expert = ExpertFactory()
    response = post_booking(client, booking_body(expert))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"reference", "manage_token", "start", "end", "status", "expert"} <= set(body)
    assert body["status"] == "confirmed"
    assert body["expert"] == expert.pk
    assert body["start"] == "2026-12-02T10:00:00+05:30"
    assert body["end"] == "2026-12-02T10:20:00+05:30"
    assert body["manage_url"] == f"https://clinic.example.org/c/{body['manage_token']}/"
    consult = Consult.objects.get(reference=body["reference"])
    assert consult.source == "api"
    assert consult.note == "Ankle swelling"
    assert consult.patient.consent_whatsapp
    assert not consult.patient.consent_sms
    assert consult.patient.preferred_channel == "whatsapp"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "mobile number from India"),
        ({"start": "2026-12-02T10:00:00"}, "start", "offset"),
        ({"start": "next tuesday"}, "start", "ISO 8601"),
        ({"start": "2026-12-02T10:05:00+05:30"}, "start", "not one of the expert's consult times"),
        ({"start": "2026-11-30T10:00:00+05:30"}, "start", "already passed"),
        ({"start": "2027-01-20T10:00:00+05:30"}, "start", "days ahead"),
        ({"topic": "astrology"}, "topic", "valid choice"),
        ({"mode": "pigeon"}, "mode", "valid choice"),
        ({"channel": "fax"}, "channel", "valid choice"),
        ({"name": ""}, "name", "blank"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"expert": 99999}, "expert", "No expert has this id"),
    ],
)
def test_bad_bookings_get_400_naming_the_field(client, frozen, overrides, field, message):
    response = post_booking(client, booking_body(ExpertFactory(), **overrides))
    assert response.status_code == 400
    body = response.json()
    assert field in body, body
    assert message in " ".join(body[field])
    assert not Consult.objects.exists()


def test_second_booking_of_same_slot_gets_409_with_next_free_slots(client, frozen):
    expert = ExpertFactory()
    assert post_booking(client, booking_body(expert)).status_code == 201
    response = post_booking(client, booking_body(expert, phone="+919876500002", tz="Europe/London"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken"
    assert "just taken" in body["detail"]
    assert body["next_slots"][0] == {
        "start": "2026-12-02T05:00:00+00:00",  # 10:30 in Kolkata, shown in London time as asked
        "end": "2026-12-02T05:20:00+00:00",
        "expert": expert.pk,
        "expert_name": expert.display_name,
    }


def test_upcoming_limit_gets_409_naming_the_phone(client, frozen, settings):
    settings.CONSULT_MAX_UPCOMING_PER_PATIENT = 1
    expert = ExpertFactory()
    post_booking(client, booking_body(expert))
    response = post_booking(client, booking_body(expert, start="2026-12-02T11:00:00+05:30"))
    assert response.status_code == 409
    assert response.json()["code"] == "upcoming_limit"
    assert "phone" in response.json()


def test_same_idempotency_key_and_body_returns_the_same_consult(client, frozen):
    expert = ExpertFactory()
    first = post_booking(client, booking_body(expert), **{"Idempotency-Key": "6b0e6f9e-retry-1"})
    again = post_booking(client, booking_body(expert), **{"Idempotency-Key": "6b0e6f9e-retry-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Consult.objects.count() == 1


def test_same_idempotency_key_with_a_different_body_gets_422(client, frozen):
    expert = ExpertFactory()
    post_booking(client, booking_body(expert), **{"Idempotency-Key": "6b0e6f9e-retry-2"})
    response = post_booking(
        client, booking_body(expert, start="2026-12-02T11:00:00+05:30"), **{"Idempotency-Key": "6b0e6f9e-retry-2"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


def test_malformed_idempotency_key_gets_400(client, frozen):
    response = post_booking(client, booking_body(ExpertFactory()), **{"Idempotency-Key": "a b"})
    assert response.status_code == 400
    assert "idempotency_key" in response.json()


def test_booking_is_throttled_per_address_with_minutes_to_wait(client, frozen, rates):
    rates(booking_ip="2/hour", booking_phone="100/hour")
    expert = ExpertFactory()
    for index, hour in enumerate((10, 11)):
        body = booking_body(expert, phone=f"+9198765000{index + 10}", start=f"2026-12-02T{hour}:00:00+05:30")
        assert post_booking(client, body).status_code == 201
    response = post_booking(client, booking_body(expert, phone="+919876500099", start="2026-12-02T12:00:00+05:30"))
    assert response.status_code == 429
    assert "try again in 60 minutes" in response.json()["detail"]
    assert response["Retry-After"] == "3600"


def test_booking_is_throttled_per_phone_across_addresses(client, frozen, rates):
    rates(booking_ip="100/hour", booking_phone="1/hour")
    expert = ExpertFactory()
    assert post_booking(client, booking_body(expert), REMOTE_ADDR="10.0.0.1").status_code == 201
    again = client.post(
        "/api/v1/consults/",
        booking_body(expert, phone="09876500001", start="2026-12-02T11:00:00+05:30"),
        content_type="application/json",
        REMOTE_ADDR="10.0.0.2",
    )
    assert again.status_code == 429
    assert "minutes" in again.json()["detail"]


# --- manage by token ----------------------------------------------------------------------------


@pytest.fixture
def booked(client, frozen):
    return post_booking(client, booking_body(ExpertFactory())).json()


def test_manage_shows_the_booking_in_the_patients_zone(client, booked):
    body = client.get(f"/api/v1/consults/manage/{booked['manage_token']}/").json()
    assert body["reference"] == booked["reference"]
    assert body["start"] == "2026-12-02T10:00:00+05:30"
    london = client.get(f"/api/v1/consults/manage/{booked['manage_token']}/?tz=Europe/London").json()
    assert london["start"] == "2026-12-02T04:30:00+00:00"


def test_manage_with_an_unknown_token_is_404(client):
    response = client.get("/api/v1/consults/manage/not-a-real-token-at-all-1234/")
    assert response.status_code == 404
    assert "not valid" in response.json()["detail"]


def test_manage_link_expires_some_time_after_the_consult(client, booked, settings):
    with time_machine.travel(ist(DEC_2, 10) + timedelta(days=settings.CONSULT_MANAGE_LINK_DAYS + 1)):
        response = client.get(f"/api/v1/consults/manage/{booked['manage_token']}/")
    assert response.status_code == 410
    assert response.json()["code"] == "expired"


def test_reschedule_by_token_moves_the_consult(client, booked):
    url = f"/api/v1/consults/manage/{booked['manage_token']}/reschedule/"
    response = client.post(url, {"start": "2026-12-02T15:00:00+05:30"}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["start"] == "2026-12-02T15:00:00+05:30"
    assert response.json()["reference"] == booked["reference"]
    assert Consult.objects.get(reference=booked["reference"]).start == ist(DEC_2, 15)


def test_reschedule_by_token_into_a_taken_slot_is_409(client, booked):
    other = booking_body(Expert.objects.get(), phone="+919876500002", start="2026-12-02T15:00:00+05:30")
    post_booking(client, other)
    url = f"/api/v1/consults/manage/{booked['manage_token']}/reschedule/"
    response = client.post(url, {"start": "2026-12-02T15:00:00+05:30"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["next_slots"]


def test_reschedule_without_a_start_is_400(client, booked):
    url = f"/api/v1/consults/manage/{booked['manage_token']}/reschedule/"
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400
    assert "start" in response.json()


def test_cancel_by_token_then_changes_are_refused(client, booked):
    base = f"/api/v1/consults/manage/{booked['manage_token']}/"
    response = client.post(base + "cancel/", {"reason": "Feeling better"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Consult.objects.get(reference=booked["reference"]).status == ConsultStatus.CANCELLED
    again = client.post(base + "reschedule/", {"start": "2026-12-02T15:00:00+05:30"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "not_changeable"


def test_cancel_after_the_consult_started_is_409(client, booked):
    with time_machine.travel(ist(DEC_2, 10, 5)):
        response = client.post(
            f"/api/v1/consults/manage/{booked['manage_token']}/cancel/", {}, content_type="application/json"
        )
    assert response.status_code == 409


def test_api_schema_documents_the_consult_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/experts/",
        "/api/v1/experts/{expert_id}/slots/",
        "/api/v1/slots/",
        "/api/v1/consults/",
        "/api/v1/consults/manage/{token}/reschedule/",
        "/api/v1/staff/consults/",
    ):
        assert path in schema["paths"], path


def test_a_database_lock_timeout_answers_503_busy_not_500(client, frozen, monkeypatch):
    from django.db import OperationalError

    from consults import services

    def locked(**kwargs):
        raise OperationalError("database is locked")

    # A new phone's booking waits for one lock: the expert's row, read with the booking's checks.
    monkeypatch.setattr(services, "expert_locked_for_booking", locked)
    response = post_booking(client, booking_body(ExpertFactory()))
    assert response.status_code == 503
    assert response.json()["code"] == "busy"


def test_replaying_a_booking_after_it_was_moved_answers_with_the_current_booking(client, frozen):
    expert = ExpertFactory()
    first = post_booking(client, booking_body(expert), **{"Idempotency-Key": "6b0e6f9e-retry-3"}).json()
    client.post(
        f"/api/v1/consults/manage/{first['manage_token']}/reschedule/",
        {"start": "2026-12-02T15:00:00+05:30"},
        content_type="application/json",
    )
    replay = post_booking(client, booking_body(expert), **{"Idempotency-Key": "6b0e6f9e-retry-3"})
    assert replay.status_code == 201
    assert replay.json()["start"] == "2026-12-02T15:00:00+05:30"
    assert replay.json()["manage_token"] == first["manage_token"]
