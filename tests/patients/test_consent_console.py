"""The consent history panel on the care record and the staff phone form (issue 16)."""

import pytest

from clinic.panels import record_panels
from patients.consent_console import history_context
from patients.models import AuditEntry, ConsentEvent, Patient
from patients.services.consent import consent_record
from tests.factories.consent import consent_by_phone
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def form(**overrides) -> dict:
    return {
        "consent-purpose": "messaging",
        "consent-channel": "whatsapp",
        "consent-given": "0",
        "consent-reason": "Patient phoned: no WhatsApp please",
        **overrides,
    }


def test_coordinator_records_a_withdrawal_on_the_phone(client, alice):
    patient = PatientFactory(coordinator=alice, consent_whatsapp=True)
    client.force_login(alice)
    response = client.post(f"/admin/patients/patient/{patient.pk}/consent/", form())
    assert response.status_code == 302
    event = ConsentEvent.objects.get(patient=patient)
    assert (event.how, event.given, event.by, event.reason) == (
        "staff_phone",
        False,
        alice,
        "Patient phoned: no WhatsApp please",
    )
    assert Patient.objects.get(pk=patient.pk).consent_whatsapp is False


def test_phone_consent_is_audited_as_staff(client, alice):
    patient = PatientFactory(coordinator=alice, consent_whatsapp=True)
    client.force_login(alice)
    client.post(f"/admin/patients/patient/{patient.pk}/consent/", form())
    assert AuditEntry.objects.get(action="consent", patient=patient).via == "staff"


def test_phone_consent_without_a_reason_is_refused_with_a_message(client, alice):
    patient = PatientFactory(coordinator=alice)
    client.force_login(alice)
    response = client.post(
        f"/admin/patients/patient/{patient.pk}/consent/", form(**{"consent-reason": ""}), follow=True
    )
    assert "Consent was not recorded" in response.content.decode()
    assert ConsentEvent.objects.filter(patient=patient).count() == 0


def test_expert_cannot_record_consent(client, alice, erin):
    patient = PatientFactory(coordinator=alice)
    client.force_login(erin)
    assert client.post(f"/admin/patients/patient/{patient.pk}/consent/", form()).status_code == 404


def test_coordinator_cannot_record_consent_for_another_coordinators_patient(client, alice, bob):
    patient = PatientFactory(coordinator=bob)
    client.force_login(alice)
    assert client.post(f"/admin/patients/patient/{patient.pk}/consent/", form()).status_code == 404


def test_get_is_not_allowed(client, alice):
    patient = PatientFactory(coordinator=alice)
    client.force_login(alice)
    assert client.get(f"/admin/patients/patient/{patient.pk}/consent/").status_code == 405


def test_care_record_shows_the_consent_history(client, alice):
    patient = PatientFactory(coordinator=alice)
    consent_record(
        patient=patient, purpose="data_sharing", channel="web", given=True, how="web_form", notice_version="2026-02"
    )
    client.force_login(alice)
    body = client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    section = body.split('id="panel-consent"')[1].split("</section>")[0]
    assert "Sharing data with other providers" in section
    assert "2026-02" in section


def test_expert_sees_history_without_the_form(rf, alice, erin):
    patient = PatientFactory(coordinator=alice)
    request = rf.get("/")
    request.user = erin
    panels = dict((panel.key, context) for panel, context in record_panels(request, patient))
    assert panels["consent"]["form"] is None


def test_history_panel_context_uses_a_fixed_number_of_queries(rf, ada, alice, django_assert_num_queries):
    patient = PatientFactory(coordinator=alice)
    for given in (True, False, True, False):
        consent_by_phone(patient, by=alice, channel="sms", given=given, reason="phone")
    request = rf.get("/")
    request.user = ada
    # Two: the rows (with who recorded them) and the may-this-user-edit check.
    with django_assert_num_queries(2):
        context = history_context(request, patient)
    assert len(context["events"]) == 4
