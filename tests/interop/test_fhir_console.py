"""The console's FHIR download page and the care record's link to it, for the whole cast."""

import pytest

pytestmark = pytest.mark.django_db


def page_url(patient) -> str:
    return f"/admin/patients/patient/{patient.pk}/fhir/"


def test_care_record_links_to_the_download_page(client, alice, cml_record):
    client.force_login(alice)
    body = client.get(f"/admin/patients/patient/{cml_record.pk}/change/").content.decode()
    assert f'href="{page_url(cml_record)}"' in body


def test_download_page_posts_to_the_export_endpoint(client, alice, cml_record):
    client.force_login(alice)
    body = client.get(page_url(cml_record)).content.decode()
    assert f'action="/api/v1/patients/{cml_record.pk}/fhir/"' in body
    assert 'name="include" value="message_bodies"' in body


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("ada", 200), ("erin", 200), ("bob", 404), ("charlie", 302)]
)
def test_who_may_open_the_download_page(client, request, cml_record, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page_url(cml_record)).status_code == status


def test_anonymous_visitor_is_sent_to_the_login_page(client, cml_record):
    response = client.get(page_url(cml_record))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
