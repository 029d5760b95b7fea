"""In a real browser: a coordinator sends the data package link from the care record, the patient opens it and
downloads the file once; and every patient-rights console page passes axe-core for a coordinator and an admin."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from messaging.models import Message
from rights.models import DataPackageLink
from rights.services import correction_request_record, erasure_request_record
from tests.conftest import axe_violations
from tests.factories.people import PatientFactory
from tests.rights.conftest import NAME, token_from

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-IN", timezone_id="Asia/Kolkata")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def test_a_coordinator_sends_the_link_and_the_patient_opens_it(
    browser, live_server, page, alice, assert_accessible, tmp_path
):
    patient = PatientFactory(coordinator=alice, full_name=NAME, consent_sms=True)
    staff = signed_in(browser, live_server, alice)
    try:
        console = staff.new_page()
        console.goto(f"{live_server.url}/admin/patients/patient/{patient.pk}/change/")
        console.get_by_role("button", name="Send data package link").click()
        console.wait_for_load_state()
        assert "Data package link sent" in console.content()
    finally:
        staff.close()

    link = DataPackageLink.objects.get(patient=patient)
    token = token_from(Message.objects.get(pk=link.message_id))
    page.goto(f"{live_server.url}/r/{token}/")
    assert page.get_by_role("heading", name="Your records").is_visible()
    assert_accessible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my records (FHIR file)").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert json.loads(saved.read_text())["entry"][0]["resource"]["name"] == [{"text": NAME}]

    response = page.goto(f"{live_server.url}/r/{token}/")
    assert response.status == 410
    assert_accessible()


def rights_pages(alice, patient) -> list[str]:
    correction = correction_request_record(
        actor=alice,
        patient=patient,
        area="details",
        requested_change="Spelling",
        received_via="phone",
        received_on=timezone.localdate(),
    )
    erasure = erasure_request_record(
        actor=alice, patient=patient, received_via="phone", received_on=timezone.localdate()
    )
    base = f"/admin/patients/patient/{patient.pk}"
    return [
        f"{base}/change/",
        f"{base}/rights/corrections/new/",
        f"{base}/rights/corrections/{correction.pk}/",
        f"{base}/rights/erasure/{erasure.pk}/",
    ]


@pytest.mark.parametrize("who", ["alice", "ada"])
def test_the_rights_pages_are_accessible(browser, live_server, alice, ada, who):
    user = {"alice": alice, "ada": ada}[who]
    patient = PatientFactory(coordinator=alice, full_name=NAME, consent_sms=True)
    urls = rights_pages(alice, patient) + (["/admin/rights/retention/"] if who == "ada" else [])
    context = signed_in(browser, live_server, user)
    found = {}
    try:
        page = context.new_page()
        for url in urls:
            assert page.goto(live_server.url + url).status == 200, url
            if violations := axe_violations(page):
                found[url] = violations
        # The confirmation after carrying the erasure out.
        page.goto(live_server.url + urls[3])
        page.get_by_label("Type the patient's reference to confirm").fill(patient.reference)
        page.get_by_role("button", name="Erase personal data now").click()
        page.wait_for_url("**/confirmation/")
        if violations := axe_violations(page):
            found[page.url] = violations
    finally:
        context.close()
    assert found == {}
