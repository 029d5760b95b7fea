"""Who may do what with a patient's rights, for the whole cast, through the console and the API.

alice coordinates the patient; bob coordinates others (the patient is invisible to him); erin is an expert;
ada is an admin; charlie is signed in with no clinic role. Allowed calls change something; refused ones
change nothing.
"""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rights.models import CorrectionRequest, DataPackageLink, ErasureRequest, RetentionPolicy
from tests.api.conftest import api_credentials
from tests.factories.consults import ConsultFactory, ExpertFactory

pytestmark = pytest.mark.django_db

CAST = ["alice", "bob", "erin", "ada", "charlie"]
# Console: allowed → the action's own answer; invisible patient → 404; no role → sent to sign in (302 to login).
CONSOLE_ACT = {"alice": 302, "bob": 404, "erin": 404, "ada": 302, "charlie": "login"}
CONSOLE_PAGE = {"alice": 200, "bob": 404, "erin": 404, "ada": 200, "charlie": "login"}
API_CREATE = {"alice": 201, "bob": 404, "erin": 403, "ada": 201, "charlie": 403}
API_CREATE_BODY = {"alice": 201, "bob": 400, "erin": 403, "ada": 201, "charlie": 403}
API_READ = {"alice": 200, "bob": 404, "erin": 403, "ada": 200, "charlie": 403}
ALLOWED = {"alice", "ada"}
TODAY = timezone.localdate


def console(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> Client:
    return Client(headers=api_credentials(user))


def outcome(response) -> int | str:
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return "login"
    return response.status_code


@pytest.fixture
def cast(alice, bob, erin, ada, charlie) -> dict:
    return {"alice": alice, "bob": bob, "erin": erin, "ada": ada, "charlie": charlie}


def changed_only_if_allowed(request: CorrectionRequest | ErasureRequest, status: str, who: str) -> None:
    """An allowed caller moved the request to `status`; a refused one left it as it was."""
    request.refresh_from_db()
    assert (request.status == status) == (who in ALLOWED)


# --- Send the data package link ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_console_send_package(cast, patient, who):
    response = console(cast[who]).post(
        f"/admin/patients/patient/{patient.pk}/rights/package/",
        {"package-channel": "", "package-include_message_bodies": "on"},
    )
    assert outcome(response) == CONSOLE_ACT[who]
    assert DataPackageLink.objects.exists() == (who in ALLOWED)


@pytest.mark.parametrize("who", CAST)
def test_api_send_package(cast, patient, who):
    response = api(cast[who]).post(
        f"/api/v1/patients/{patient.pk}/data-package-links/", {}, content_type="application/json"
    )
    assert response.status_code == API_CREATE[who]
    assert DataPackageLink.objects.exists() == (who in ALLOWED)


# --- Correction requests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_console_correction_form(cast, patient, who):
    response = console(cast[who]).get(f"/admin/patients/patient/{patient.pk}/rights/corrections/new/")
    assert outcome(response) == CONSOLE_PAGE[who]


@pytest.mark.parametrize("who", CAST)
def test_console_record_correction(cast, patient, who):
    response = console(cast[who]).post(
        f"/admin/patients/patient/{patient.pk}/rights/corrections/new/",
        {
            "area": "details",
            "requested_change": "Date of birth is 9 March",
            "received_via": "phone",
            "received_on": TODAY().isoformat(),
        },
    )
    assert outcome(response) == CONSOLE_ACT[who]
    assert CorrectionRequest.objects.exists() == (who in ALLOWED)


@pytest.mark.parametrize("who", CAST)
def test_api_record_correction(cast, patient, who):
    response = api(cast[who]).post(
        "/api/v1/correction-requests/",
        {
            "patient": patient.pk,
            "area": "details",
            "requested_change": "Date of birth is 9 March",
            "received_via": "phone",
            "received_on": TODAY().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == API_CREATE_BODY[who]
    assert CorrectionRequest.objects.exists() == (who in ALLOWED)


@pytest.mark.parametrize("who", CAST)
def test_console_decide_correction(cast, patient, correction, who):
    response = console(cast[who]).post(
        f"/admin/patients/patient/{patient.pk}/rights/corrections/{correction.pk}/",
        {"status": "accepted", "outcome": "Date of birth corrected"},
    )
    assert outcome(response) == CONSOLE_ACT[who]
    changed_only_if_allowed(correction, "accepted", who)


@pytest.mark.parametrize("who", CAST)
def test_api_decide_correction(cast, patient, correction, who):
    response = api(cast[who]).patch(
        f"/api/v1/correction-requests/{correction.pk}/",
        {"status": "declined", "outcome": "The record was right"},
        content_type="application/json",
    )
    assert response.status_code == API_READ[who]
    changed_only_if_allowed(correction, "declined", who)


@pytest.mark.parametrize("who", CAST)
def test_api_read_correction(cast, correction, who):
    assert api(cast[who]).get(f"/api/v1/correction-requests/{correction.pk}/").status_code == API_READ[who]


# --- Erasure ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_console_record_erasure(cast, patient, who):
    response = console(cast[who]).post(
        f"/admin/patients/patient/{patient.pk}/rights/erasure/",
        {"erasure-received_via": "phone", "erasure-received_on": TODAY().isoformat()},
    )
    assert outcome(response) == CONSOLE_ACT[who]
    assert ErasureRequest.objects.exists() == (who in ALLOWED)


@pytest.mark.parametrize("who", CAST)
def test_api_record_erasure(cast, patient, who):
    response = api(cast[who]).post(
        "/api/v1/erasure-requests/",
        {"patient": patient.pk, "received_via": "phone", "received_on": TODAY().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == API_CREATE_BODY[who]
    assert ErasureRequest.objects.exists() == (who in ALLOWED)


@pytest.mark.parametrize("who", CAST)
def test_console_erasure_page(cast, patient, erasure, who):
    response = console(cast[who]).get(f"/admin/patients/patient/{patient.pk}/rights/erasure/{erasure.pk}/")
    assert outcome(response) == CONSOLE_PAGE[who]


@pytest.mark.parametrize("who", CAST)
def test_console_carry_out_erasure(cast, patient, erasure, who):
    response = console(cast[who]).post(
        f"/admin/patients/patient/{patient.pk}/rights/erasure/{erasure.pk}/", {"confirm_reference": patient.reference}
    )
    assert outcome(response) == CONSOLE_ACT[who]
    changed_only_if_allowed(erasure, "completed", who)


@pytest.mark.parametrize("who", CAST)
def test_api_carry_out_erasure(cast, patient, erasure, who):
    response = api(cast[who]).post(
        f"/api/v1/erasure-requests/{erasure.pk}/complete/",
        {"confirm_reference": patient.reference},
        content_type="application/json",
    )
    assert response.status_code == API_READ[who]
    changed_only_if_allowed(erasure, "completed", who)


@pytest.mark.parametrize("who", CAST)
def test_api_read_erasure(cast, erasure, who):
    assert api(cast[who]).get(f"/api/v1/erasure-requests/{erasure.pk}/").status_code == API_READ[who]


# --- Retention periods (admins only) ----------------------------------------------------------------------------

RETENTION = {"alice": 403, "bob": 403, "erin": 403, "ada": 200, "charlie": "login"}


@pytest.mark.parametrize("who", CAST)
def test_console_retention_page(cast, who):
    assert outcome(console(cast[who]).get("/admin/rights/retention/")) == RETENTION[who]


@pytest.mark.parametrize("who", CAST)
def test_console_set_retention(cast, who):
    response = console(cast[who]).post(
        "/admin/rights/retention/",
        {"clinical_record_years": "8", "message_log_days": "90", "audit_log_years": "6", "basis": "Advice of 2026"},
    )
    assert outcome(response) == {"ada": 302}.get(who, RETENTION[who])
    assert RetentionPolicy.objects.exists() == (who == "ada")


# --- An expert who may see the record still may not act on it ---------------------------------------------------


def test_an_expert_in_a_care_relationship_sees_the_record_but_gets_403_on_rights(erin, patient):
    start = datetime.combine(TODAY() + timedelta(days=2), time(10), tzinfo=timezone.get_current_timezone())
    ConsultFactory(patient=patient, expert=ExpertFactory(user=erin), start=start)
    response = console(erin).post(f"/admin/patients/patient/{patient.pk}/rights/package/", {})
    assert response.status_code == 403


def test_an_expert_does_not_see_the_rights_panel(erin, patient):
    start = datetime.combine(TODAY() + timedelta(days=2), time(10), tzinfo=timezone.get_current_timezone())
    ConsultFactory(patient=patient, expert=ExpertFactory(user=erin), start=start)
    body = console(erin).get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    assert 'id="panel-rights"' not in body


def test_a_coordinator_sees_the_rights_panel(alice, patient):
    body = console(alice).get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    assert 'id="panel-rights"' in body
