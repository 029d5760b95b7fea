"""Lab report files: uploaded with the test, downloaded only by staff who may see the patient, audited."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from patients.models import AuditEntry, GeneticTest
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% fictional lab report\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, patient, name="report.pdf", content=PDF):
    return client.post(
        "/admin/patients/genetictest/add/",
        {
            "patient": patient.pk,
            "kind": "ph_chromosome",
            "status": "resulted",
            "resulted_on": "2026-01-10",
            "ph_result": "positive",
            "report_file": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )


def test_report_is_downloaded_through_the_console_and_audited(client, alice):
    patient = PatientFactory(coordinator=alice)
    client.force_login(alice)
    assert upload(client, patient).status_code == 302
    test = GeneticTest.objects.get()
    page = client.get(f"/admin/patients/genetictest/{test.pk}/change/").content.decode()
    assert f"/admin/patients/genetictest/{test.pk}/report/" in page
    assert "/media/" not in page
    response = client.get(f"/admin/patients/genetictest/{test.pk}/report/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", object_id=str(test.pk), actor=alice).exists()


def test_a_colleague_cannot_download_the_report(client, alice, bob):
    patient = PatientFactory(coordinator=alice)
    test = GeneticTest.objects.create(
        patient=patient,
        kind="other",
        status="ordered",
        ordered_on=date(2026, 1, 1),
        report_file=SimpleUploadedFile("r.pdf", PDF),
    )
    client.force_login(bob)
    assert client.get(f"/admin/patients/genetictest/{test.pk}/report/").status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_only_pdf_or_image_reports_are_accepted(client, alice):
    patient = PatientFactory(coordinator=alice)
    client.force_login(alice)
    response = upload(client, patient, name="report.exe", content=b"MZ")
    assert response.status_code == 200
    assert "File extension" in response.content.decode()
    assert not GeneticTest.objects.exists()
