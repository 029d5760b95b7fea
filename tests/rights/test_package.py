"""The data package link: sent by message inside the creating transaction, opened by the patient, downloaded once."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.errors import DomainError
from messaging.models import Message, Status
from messaging.texts import sensitive_term
from patients.models import AuditEntry, Patient
from rights.models import DataPackageLink
from rights.services import data_package_link_create, data_package_link_revoke
from tests.factories.care import cml_patient, qpcr
from tests.rights.conftest import NAME, token_from

pytestmark = pytest.mark.django_db


def send(alice, patient, **kwargs) -> DataPackageLink:
    return data_package_link_create(actor=alice, patient=patient, **kwargs)


def test_creating_a_link_queues_a_message_to_the_patient(alice, patient):
    link = send(alice, patient)
    assert link.message.status == Status.QUEUED


def test_the_link_message_names_nothing_clinical(alice):
    patient = cml_patient(started_on=timezone.localdate() - timedelta(days=200), coordinator=alice)
    link = send(alice, patient)
    assert sensitive_term(link.message.body) is None


def test_the_link_message_points_at_the_public_page(alice, patient):
    link = send(alice, patient)
    assert f"https://clinic.example.org/r/{token_from(link.message)}/" in link.message.body


def test_only_the_sha256_of_the_token_is_stored(alice, patient):
    link = send(alice, patient)
    token = token_from(link.message)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_a_hindi_speaking_patient_gets_the_hindi_page_link(alice, patient):
    patient.language = "hi"
    patient.save()
    link = send(alice, patient)
    assert "/hi/r/" in link.message.body


def test_link_and_message_and_audit_entry_are_written_together(alice, patient, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("rights.services.package.audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        send(alice, patient)
    assert DataPackageLink.objects.count() == 0
    assert Message.objects.count() == 0


def test_sending_is_audited(alice, patient):
    link = send(alice, patient)
    entry = AuditEntry.objects.get(action="send", object_type="rights.DataPackageLink")
    assert (entry.actor, entry.patient_ref, entry.object_id) == (alice, patient.pk, str(link.pk))


def test_a_patient_without_consent_gets_no_link_at_all(alice, patient):
    patient.consent_sms = False
    patient.save()
    with pytest.raises(DomainError, match="The link was not sent"):
        send(alice, patient)
    assert DataPackageLink.objects.count() == 0


def test_the_page_shows_the_record_to_whoever_holds_the_link(client, alice, patient):
    token = token_from(send(alice, patient).message)
    response = client.get(f"/r/{token}/")
    assert response.status_code == 200
    assert NAME in response.content.decode()


def test_the_page_is_never_cached(client, alice, patient):
    token = token_from(send(alice, patient).message)
    assert "no-store" in client.get(f"/r/{token}/")["Cache-Control"]


def test_the_page_asks_search_engines_not_to_index_it(client, alice, patient):
    token = token_from(send(alice, patient).message)
    assert client.get(f"/r/{token}/")["X-Robots-Tag"] == "noindex, nofollow"


def test_opening_the_page_is_audited_as_the_patients_own_view(client, alice, patient):
    token = token_from(send(alice, patient).message)
    client.get(f"/r/{token}/")
    entry = AuditEntry.objects.get(action="view", via="link")
    assert (entry.actor, entry.patient_ref) == (None, patient.pk)


def test_the_page_is_in_hindi_under_hi(client, alice, patient):
    token = token_from(send(alice, patient).message)
    body = client.get(f"/hi/r/{token}/").content.decode()
    assert "आपका रिकॉर्ड" in body


def test_the_summary_lists_results(client, alice):
    patient = cml_patient(started_on=timezone.localdate() - timedelta(days=200), coordinator=alice)
    qpcr(patient, timezone.localdate() - timedelta(days=10), "0.08")
    token = token_from(send(alice, patient).message)
    assert "0.08 % IS" in client.get(f"/r/{token}/").content.decode()


def test_download_gives_the_fhir_bundle(client, alice, patient):
    token = token_from(send(alice, patient).message)
    response = client.post(f"/r/{token}/download/")
    assert response.status_code == 200
    bundle = json.loads(response.content)
    assert bundle["entry"][0]["resource"]["name"] == [{"text": NAME}]


def test_download_is_an_attachment_in_fhir_json(client, alice, patient):
    token = token_from(send(alice, patient).message)
    response = client.post(f"/r/{token}/download/")
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Content-Disposition"].startswith("attachment;")


def test_download_is_audited_as_an_export_through_the_link(client, alice, patient):
    token = token_from(send(alice, patient).message)
    client.post(f"/r/{token}/download/")
    entry = AuditEntry.objects.get(action="export")
    assert (entry.via, entry.patient_ref) == ("link", patient.pk)


def test_the_second_download_is_gone(client, alice, patient):
    token = token_from(send(alice, patient).message)
    client.post(f"/r/{token}/download/")
    assert client.post(f"/r/{token}/download/").status_code == 410


def test_the_page_is_gone_after_the_download(client, alice, patient):
    token = token_from(send(alice, patient).message)
    client.post(f"/r/{token}/download/")
    response = client.get(f"/r/{token}/")
    assert response.status_code == 410
    assert "This link has been used" in response.content.decode()


def test_after_the_download_the_token_is_cut_from_the_message(client, alice, patient):
    link = send(alice, patient)
    token = token_from(link.message)
    client.post(f"/r/{token}/download/")
    assert token not in Message.objects.get(pk=link.message_id).body


def test_an_expired_link_is_gone(client, alice, patient, time_machine):
    token = token_from(send(alice, patient).message)
    time_machine.move_to(timezone.now() + timedelta(days=7, seconds=1))
    assert client.get(f"/r/{token}/").status_code == 410


def test_an_expired_link_cannot_download(client, alice, patient, time_machine):
    token = token_from(send(alice, patient).message)
    time_machine.move_to(timezone.now() + timedelta(days=7, seconds=1))
    assert client.post(f"/r/{token}/download/").status_code == 410


def test_a_link_still_works_just_before_it_expires(client, alice, patient, time_machine):
    token = token_from(send(alice, patient).message)
    time_machine.move_to(timezone.now() + timedelta(days=7, seconds=-1))
    assert client.post(f"/r/{token}/download/").status_code == 200


def test_a_revoked_link_is_gone(client, alice, patient):
    link = send(alice, patient)
    token = token_from(link.message)
    data_package_link_revoke(actor=alice, link=link)
    assert client.get(f"/r/{token}/").status_code == 410


def test_revoking_a_queued_link_cancels_its_message(alice, patient, settings):
    settings.MESSAGING_QUIET_HOURS_START = "00:00"
    settings.MESSAGING_QUIET_HOURS_END = "23:59"
    link = send(alice, patient)
    data_package_link_revoke(actor=alice, link=link)
    assert Message.objects.get(pk=link.message_id).status == Status.CANCELED


def test_an_unknown_token_is_not_found(client):
    response = client.get("/r/not-a-real-token-at-all-0000000000/")
    assert response.status_code == 404
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_download_with_an_unknown_token_is_not_found(client):
    assert client.post("/r/not-a-real-token-at-all-0000000000/download/").status_code == 404


def test_the_download_needs_a_post(client, alice, patient):
    token = token_from(send(alice, patient).message)
    assert client.get(f"/r/{token}/download/").status_code == 405


def test_revoking_is_audited(alice, patient):
    link = send(alice, patient)
    data_package_link_revoke(actor=alice, link=link)
    entry = AuditEntry.objects.get(action="change", object_type="rights.DataPackageLink")
    assert (entry.actor, entry.changed_fields) == (alice, ["revoked_at"])


def test_the_page_sends_no_referrer_to_other_sites(client, alice, patient):
    token = token_from(send(alice, patient).message)
    assert client.get(f"/r/{token}/")["Referrer-Policy"] == "same-origin"


def test_an_erased_patient_gets_no_link(alice, patient):
    Patient.objects.filter(pk=patient.pk).update(erased_at=timezone.now())
    with pytest.raises(DomainError, match="erased"):
        send(alice, Patient.objects.get(pk=patient.pk))
