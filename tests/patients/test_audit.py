import pytest

from patients.models import AuditEntry, Patient
from patients.selectors import patients_visible_to
from tests.factories.people import PatientFactory


@pytest.fixture
def alices_patient(alice):
    return PatientFactory(coordinator=alice)


def test_coordinator_sees_own_and_unassigned_patients_only(alice, bob, alices_patient):
    unassigned = PatientFactory()
    bobs = PatientFactory(coordinator=bob)
    visible = set(patients_visible_to(alice))
    assert alices_patient in visible
    assert unassigned in visible
    assert bobs not in visible


def test_admin_sees_every_patient_and_outsider_none(ada, charlie, alices_patient):
    assert list(patients_visible_to(ada)) == [alices_patient]
    assert list(patients_visible_to(charlie)) == []


def test_opening_a_patient_in_the_console_is_audited(client, alice, alices_patient):
    client.force_login(alice)
    response = client.get(f"/admin/patients/patient/{alices_patient.pk}/change/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.patient, entry.ip_address) == (alice, "view", alices_patient, "10.1.2.3")


def test_coordinator_cannot_open_another_coordinators_patient_by_url(client, bob, alices_patient):
    client.force_login(bob)
    response = client.get(f"/admin/patients/patient/{alices_patient.pk}/change/")
    assert response.status_code == 404  # outside one's patients: the same answer as a record that does not exist
    assert not AuditEntry.objects.exists()


def test_changing_a_patient_records_the_changed_fields(client, alice, alices_patient):
    client.force_login(alice)
    data = {
        "full_name": "Renamed",
        "phone": str(alices_patient.phone),
        "email": "",
        "language": "en",
        "time_zone": "Asia/Kolkata",
        "preferred_channel": "sms",
        "consent_sms": "on",
        "consent_text_version": "2026-01",
        "coordinator": alice.pk,
        "source": "web",
    }
    for inline in ("care_record", "medications", "concomitant_medications", "insurance_policies"):
        data.update({f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"})
    response = client.post(f"/admin/patients/patient/{alices_patient.pk}/change/", data)
    assert response.status_code == 302, response.content
    entry = AuditEntry.objects.get(action="change")
    assert entry.changed_fields == ["full_name"]
    assert Patient.objects.get().full_name == "Renamed"


def test_audit_log_is_read_only_even_for_admins(client, ada, alice, alices_patient):
    client.force_login(alice)
    client.get(f"/admin/patients/patient/{alices_patient.pk}/change/")
    entry = AuditEntry.objects.get()
    client.force_login(ada)
    assert client.get("/admin/patients/auditentry/").status_code == 200
    assert client.post(f"/admin/patients/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_coordinator_cannot_see_the_audit_log(client, alice):
    client.force_login(alice)
    assert client.get("/admin/patients/auditentry/").status_code == 403
