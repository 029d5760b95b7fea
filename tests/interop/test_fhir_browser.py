"""The console's FHIR download: from the care record to the download page, then the file, audited."""

import json

import pytest

from patients.models import AuditEntry
from tests.interop.conftest import INBOUND_TEXT, cml_record_for


@pytest.fixture
def frozen_today():
    """Real time here: the browser's event loop and the live server must not run on a frozen clock."""


def open_download_page(page, live_server, patient) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/patients/patient/{patient.pk}/change/")
    page.get_by_role("link", name="Download as FHIR R4").click()
    page.wait_for_url(f"**/admin/patients/patient/{patient.pk}/fhir/")


def download_bundle(page, tmp_path) -> tuple[str, dict]:
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the FHIR file").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return download.suggested_filename, json.loads(saved.read_text())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_downloads_the_fhir_record_from_the_care_record(
    live_server, page, alice, assert_accessible, tmp_path
):
    patient = cml_record_for(alice)
    open_download_page(page, live_server, patient)
    assert_accessible()

    name, bundle = download_bundle(page, tmp_path)
    assert name == f"patient-{patient.pk}-fhir-r4.json"
    assert bundle["resourceType"] == "Bundle"
    assert bundle["entry"][0]["resource"]["name"] == [{"text": "Asha Verma"}]
    assert INBOUND_TEXT not in json.dumps(bundle)
    assert AuditEntry.objects.filter(action="export", patient=patient, actor=alice).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_download_with_message_texts_when_the_box_is_ticked(live_server, page, alice, tmp_path):
    patient = cml_record_for(alice)
    open_download_page(page, live_server, patient)
    page.get_by_label("Include the text of messages").check()
    _name, bundle = download_bundle(page, tmp_path)
    assert INBOUND_TEXT in json.dumps(bundle)
