"""The console side: the care record's "Patient rights" section and the pages it leads to."""

import html

import pytest
from django.test import Client
from django.utils import timezone

from clinic.panels import record_panels
from patients.models import AuditEntry
from rights.models import CorrectionRequest, ErasureRequest
from rights.panel import rights_context
from rights.services import data_package_link_create
from tests.factories.rights import correction_request
from tests.rights.conftest import NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def rights_section(client: Client, patient) -> str:
    body = client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    return body.split('id="panel-rights"')[1].split("</section>")[0]


def test_the_section_shows_the_patient_reference(console, patient):
    assert patient.reference in rights_section(console, patient)


def test_the_section_lists_a_sent_link_with_its_state(console, alice, patient):
    data_package_link_create(actor=alice, patient=patient)
    assert "Waiting for the patient" in rights_section(console, patient)


def test_sending_from_the_console_says_when_the_link_expires(console, patient):
    response = console.post(
        f"/admin/patients/patient/{patient.pk}/rights/package/",
        {"package-channel": "", "package-include_message_bodies": "on"},
        follow=True,
    )
    assert "it works once, until" in response.content.decode()


def test_a_link_that_cannot_be_sent_says_why(console, patient):
    patient.consent_sms = False
    patient.save()
    response = console.post(
        f"/admin/patients/patient/{patient.pk}/rights/package/", {"package-channel": ""}, follow=True
    )
    assert "The link was not sent" in response.content.decode()


def test_a_correction_without_text_is_shown_again_with_the_error(console, patient):
    response = console.post(
        f"/admin/patients/patient/{patient.pk}/rights/corrections/new/",
        {
            "area": "details",
            "requested_change": "",
            "received_via": "phone",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_recorded_correction_appears_in_the_section(console, patient):
    console.post(
        f"/admin/patients/patient/{patient.pk}/rights/corrections/new/",
        {
            "area": "diagnosis",
            "requested_change": "The diagnosis date is wrong",
            "received_via": "letter",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert "Diagnosis" in rights_section(console, patient)
    assert CorrectionRequest.objects.get().recorded_by.username == "alice"


def test_the_outcome_page_shows_what_the_patient_asked(console, alice, patient):
    correction = correction_request(patient, actor=alice, requested_change="Spell my surname Varma")
    body = console.get(f"/admin/patients/patient/{patient.pk}/rights/corrections/{correction.pk}/").content.decode()
    assert "Spell my surname Varma" in body


def test_opening_a_correction_is_audited(console, patient, correction):
    console.get(f"/admin/patients/patient/{patient.pk}/rights/corrections/{correction.pk}/")
    assert AuditEntry.objects.filter(action="view", object_type="rights.CorrectionRequest").count() == 1


def test_a_decision_without_an_outcome_is_refused_on_the_page(console, patient, correction):
    response = console.post(
        f"/admin/patients/patient/{patient.pk}/rights/corrections/{correction.pk}/",
        {"status": "declined", "outcome": ""},
    )
    assert response.status_code == 400


def test_recording_an_erasure_request_leads_to_the_confirmation_step(console, patient):
    response = console.post(
        f"/admin/patients/patient/{patient.pk}/rights/erasure/",
        {"erasure-received_via": "phone", "erasure-received_on": timezone.localdate().isoformat()},
    )
    erasure = ErasureRequest.objects.get()
    assert response["Location"] == f"/admin/patients/patient/{patient.pk}/rights/erasure/{erasure.pk}/"


def test_the_confirmation_step_names_the_consequences(console, patient, erasure):
    body = console.get(f"/admin/patients/patient/{patient.pk}/rights/erasure/{erasure.pk}/").content.decode()
    assert "This cannot be undone" in body
    assert "Nothing can be sent to this patient again" in body


def test_the_wrong_reference_keeps_the_page_with_the_error(console, patient, erasure):
    response = console.post(
        f"/admin/patients/patient/{patient.pk}/rights/erasure/{erasure.pk}/", {"confirm_reference": "P-9999"}
    )
    assert response.status_code == 400
    assert f"Type the patient's reference, {patient.reference}" in html.unescape(response.content.decode())


def test_carrying_out_shows_the_confirmation(console, patient, erasure):
    response = console.post(
        f"/admin/patients/patient/{patient.pk}/rights/erasure/{erasure.pk}/",
        {"confirm_reference": patient.reference},
        follow=True,
    )
    body = response.content.decode()
    assert "Kept, and why" in body
    assert NAME not in body


@pytest.fixture
def erased_on_the_page(console, patient, erasure) -> None:
    """alice carries out the erasure request on its confirmation step, typing the patient's reference."""
    console.post(
        f"/admin/patients/patient/{patient.pk}/rights/erasure/{erasure.pk}/", {"confirm_reference": patient.reference}
    )


@pytest.mark.usefixtures("erased_on_the_page")
def test_an_erased_record_shows_the_banner_and_no_send_form(console, patient):
    section = rights_section(console, patient)
    assert "Personal data erased on" in section
    assert "Send data package link" not in section


@pytest.mark.usefixtures("erased_on_the_page")
def test_an_erased_record_cannot_get_its_name_back_in_the_admin_form(console, patient):
    body = console.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    assert 'name="full_name"' not in body


def test_the_section_runs_a_fixed_number_of_queries(rf, alice, patient, django_assert_max_num_queries):
    for _ in range(3):
        data_package_link_create(actor=alice, patient=patient)
        correction_request(patient, actor=alice)
    request = rf.get("/")
    request.user = alice
    # The user's roles (once per request), two visibility checks, then links with their message, corrections
    # and erasures: six at most, however many rows.
    with django_assert_max_num_queries(6):
        context = rights_context(request, patient)
    assert len(context["links"]) == 3


def test_an_expert_never_gets_the_section(rf, erin, patient):
    request = rf.get("/")
    request.user = erin
    assert "rights" not in [panel.key for panel, _ in record_panels(request, patient)]
