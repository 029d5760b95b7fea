"""CSP, Permissions-Policy and no-store on every kind of response CareThread gives."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories.consults import ConsultFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


@pytest.mark.parametrize("path", ["/", "/book/", "/admin/login/", "/api/v1/experts/", "/api/schema/", "/nowhere/"])
def test_every_response_has_a_same_origin_csp(client, path):
    response = client.get(path)
    assert csp(response)["default-src"] == "'self'"
    assert csp(response)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("path", ["/", "/api/v1/experts/"])
def test_every_response_has_a_permissions_policy(client, path):
    assert "camera=()" in client.get(path)["Permissions-Policy"]
    assert "geolocation=()" in client.get(path)["Permissions-Policy"]


def test_scripts_need_this_requests_nonce(client):
    first, second = client.get("/"), client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", csp(first)["script-src"]).group(1)
    assert csp(first)["script-src"] == f"'self' 'nonce-{nonce}'"
    assert nonce not in second["Content-Security-Policy"]


def test_the_api_docs_inline_script_carries_the_nonce(client):
    response = client.get("/api/docs/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_redoc_loads_no_third_party_fonts(client):
    assert "fonts.googleapis.com" not in client.get("/api/redoc/").content.decode()


def test_staff_api_responses_are_not_stored(client, alice):
    PatientFactory(coordinator=alice)
    client.force_login(alice)
    response = client.get("/api/v1/patients/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_errors_are_not_stored_either(client):
    assert "no-store" in client.get("/api/v1/patients/")["Cache-Control"]


def test_a_manage_page_is_not_stored(client):
    consult = ConsultFactory(start=datetime.now(ZoneInfo("Asia/Kolkata")) + timedelta(days=2))
    response = client.get(f"/c/{consult.manage_token}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_public_home_page_may_be_cached(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
