"""The patient-rights endpoints: in the OpenAPI schema, bad input answered as 4xx JSON naming the field, fixed
query counts for lists, and the erasure confirmation readable after the fact."""

from datetime import timedelta
from typing import cast

import pytest
from django.test import Client
from django.utils import timezone

from patients.models import Patient
from rights.models import DataPackageLink
from tests.api.conftest import api_credentials
from tests.factories.people import PatientFactory
from tests.factories.rights import correction_request, erasure_request

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/patients/{id}/data-package-links/",
    "/api/v1/data-package-links/{id}/revoke/",
    "/api/v1/correction-requests/",
    "/api/v1/correction-requests/{id}/",
    "/api/v1/erasure-requests/",
    "/api/v1/erasure-requests/{id}/",
    "/api/v1/erasure-requests/{id}/complete/",
]


@pytest.fixture
def as_alice(alice) -> Client:
    return Client(headers=api_credentials(alice))


def post(client: Client, path: str, data: dict):
    return client.post(path, data, content_type="application/json")


def test_every_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    assert [path for path in PATHS if path not in schema["paths"]] == []


def test_a_link_the_patient_cannot_receive_is_a_409_naming_the_channel(as_alice, patient):
    patient.consent_sms = False
    patient.save()
    response = post(as_alice, f"/api/v1/patients/{patient.pk}/data-package-links/", {})
    assert response.status_code == 409
    assert response.json()["field"] == "channel"


def test_an_unknown_channel_is_a_400_naming_it(as_alice, patient):
    response = post(as_alice, f"/api/v1/patients/{patient.pk}/data-package-links/", {"channel": "pigeon"})
    assert response.status_code == 400
    assert "channel" in response.json()


def test_the_created_link_says_its_state_and_message(as_alice, patient):
    body = post(as_alice, f"/api/v1/patients/{patient.pk}/data-package-links/", {}).json()
    assert (body["state"], body["message_status"]) == ("active", "queued")


def test_the_api_never_shows_the_token(as_alice, patient):
    body = post(as_alice, f"/api/v1/patients/{patient.pk}/data-package-links/", {}).json()
    assert "token" not in " ".join(body)


def test_revoking_through_the_api(as_alice, alice, patient):
    link_id = post(as_alice, f"/api/v1/patients/{patient.pk}/data-package-links/", {}).json()["id"]
    body = as_alice.post(f"/api/v1/data-package-links/{link_id}/revoke/").json()
    assert body["state"] == "revoked"
    assert DataPackageLink.objects.get(pk=link_id).revoked_by == alice


def record_correction(client: Client, patient, **changes):
    """Post a correction request of the patient's details, received by phone today, with `changes`."""
    values = {
        "patient": patient.pk,
        "area": "details",
        "requested_change": "Name",
        "received_via": "phone",
        "received_on": timezone.localdate().isoformat(),
    }
    return post(client, "/api/v1/correction-requests/", {**values, **changes})


def test_a_correction_without_its_text_is_a_400_naming_the_field(as_alice, patient):
    response = record_correction(as_alice, patient, requested_change="  ")
    assert response.status_code == 400
    assert "requested_change" in response.json()


def test_a_correction_dated_tomorrow_is_a_400_naming_the_field(as_alice, patient):
    response = record_correction(as_alice, patient, received_on=(timezone.localdate() + timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert response.json()["field"] == "received_on"


def test_deciding_twice_is_a_409(as_alice, correction):
    path = f"/api/v1/correction-requests/{correction.pk}/"
    as_alice.patch(path, {"status": "accepted", "outcome": "Fixed"}, content_type="application/json")
    response = as_alice.patch(path, {"status": "declined", "outcome": "No"}, content_type="application/json")
    assert response.status_code == 409


def test_an_outcome_is_required_naming_the_field(as_alice, correction):
    response = as_alice.patch(
        f"/api/v1/correction-requests/{correction.pk}/", {"status": "accepted"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "outcome" in response.json()


def test_the_wrong_reference_is_a_400_naming_the_field(as_alice, patient, erasure):
    response = post(as_alice, f"/api/v1/erasure-requests/{erasure.pk}/complete/", {"confirm_reference": "P-1"})
    assert response.status_code == 400
    assert response.json()["field"] == "confirm_reference"


def test_the_confirmation_can_be_read_back(as_alice, patient, erasure):
    post(as_alice, f"/api/v1/erasure-requests/{erasure.pk}/complete/", {"confirm_reference": patient.reference})
    body = as_alice.get(f"/api/v1/erasure-requests/{erasure.pk}/").json()
    assert "Name, phone number, e-mail and date of birth" in [line["item"] for line in body["confirmation"]["erased"]]


def test_an_open_request_has_no_confirmation_yet(as_alice, erasure):
    assert as_alice.get(f"/api/v1/erasure-requests/{erasure.pk}/").json()["confirmation"] is None


def test_a_bad_patient_filter_is_a_400_naming_it(as_alice):
    response = as_alice.get("/api/v1/correction-requests/", {"patient": "abc"})
    assert response.status_code == 400
    assert "patient" in response.json()


def test_reading_a_correction_is_audited(as_alice, patient, correction):
    as_alice.get(f"/api/v1/correction-requests/{correction.pk}/")
    assert patient.audit_entries.filter(action="view", via="api").count() == 1


@pytest.fixture
def rows_listed(as_alice, django_assert_max_num_queries):
    """`rows_listed(path)`: how many rows alice's list at `path` shows; more than ten queries fail the test."""

    def count(path: str) -> int:
        with django_assert_max_num_queries(10):
            return len(as_alice.get(path).json()["results"])

    return count


@pytest.mark.parametrize("rows", [1, 12])
def test_the_correction_list_runs_a_fixed_number_of_queries(alice, rows, rows_listed):
    for _ in range(rows):
        correction_request(cast(Patient, PatientFactory(coordinator=alice)), actor=alice)
    assert rows_listed("/api/v1/correction-requests/") == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_the_erasure_list_runs_a_fixed_number_of_queries(alice, rows, rows_listed):
    for _ in range(rows):
        erasure_request(cast(Patient, PatientFactory(coordinator=alice)), actor=alice)
    assert rows_listed("/api/v1/erasure-requests/") == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_the_link_list_runs_a_fixed_number_of_queries(as_alice, patient, rows, rows_listed):
    for _ in range(rows):
        post(as_alice, f"/api/v1/patients/{patient.pk}/data-package-links/", {})
    assert rows_listed(f"/api/v1/patients/{patient.pk}/data-package-links/") == rows
