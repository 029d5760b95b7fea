import io
import logging

import pytest
from django.core.management import CommandError, call_command

from clinic.observability import JsonLineFormatter, RedactFilter, RequestIdFilter
from patients.models import Patient
from tests.guide.fixtures import guide_seeded_once, guide_site, reviewer, sample_content  # noqa: F401


@pytest.mark.usefixtures("guide_site")
def test_home_page_offers_booking_and_whatsapp(client, settings):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert settings.CLINIC_NAME in body
    assert 'href="/book/"' in body
    assert "https://wa.me/918040001234?text=" in body


def test_unknown_page_gets_friendly_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_unknown_api_path_gets_json_404(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.usefixtures("guide_site")
def test_every_response_carries_a_request_id(client):
    response = client.get("/", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789"
    assert len(client.get("/")["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_openapi_schema_and_offline_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html


def test_redaction_leaves_hex_ids_and_twilio_sids_whole():
    from clinic.observability import redact

    text = "request 50344b87b45a1234567890ab sid SM0123456789012345678901234567890a to +91 98123 45678"
    assert redact(text) == "request 50344b87b45a1234567890ab sid SM0123456789012345678901234567890a to [phone]"


def test_log_lines_are_json_and_never_carry_phones_or_link_tokens():
    record = logging.LogRecord(
        "carethread", logging.INFO, __file__, 1, "sent to %s via %s", ("+919812345678", "/c/AbCdEf123456789/"), None
    )
    RedactFilter().filter(record)
    RequestIdFilter().filter(record)
    line = JsonLineFormatter().format(record)
    assert "9812345678" not in line
    assert "AbCdEf123456789" not in line
    assert '"msg": "sent to [phone] via /c/[token]/"' in line


@pytest.mark.django_db
@pytest.mark.usefixtures("sample_content")  # the guide's own sample content, never the real guide/content
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = Patient.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert first > 0
    assert Patient.objects.count() == first


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
