"""A database that cannot be reached: 503 with Retry-After and the clinic's phone, never a 500."""

import logging

import pytest
from django.db import OperationalError
from django.test import Client

from patients.api import views as patient_views
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every query made by a view fails as a lost connection does."""
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    def switch_off() -> None:
        monkeypatch.setattr(CursorWrapper, "execute", refuse)
        monkeypatch.setattr(CursorWrapper, "executemany", refuse)

    return switch_off


def test_the_api_answers_503_json_with_retry_after_and_the_clinic_phone(alice, settings, database_down):
    client = Client()
    client.force_login(alice)
    database_down()
    response = client.get("/api/v1/patients/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert settings.CLINIC_PHONE in response.json()["detail"]


def test_the_log_says_the_database_was_unavailable_without_a_traceback(alice, database_down, caplog):
    client = Client()
    client.force_login(alice)
    database_down()
    with caplog.at_level(logging.WARNING, logger="clinic.db_unavailable"):
        client.get("/api/v1/patients/")
    assert [r.getMessage() for r in caplog.records if r.name == "clinic.db_unavailable"] == [
        "database unavailable: answering 503 (OperationalError)"
    ]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_page_answers_503_html_with_the_clinic_phone(settings, database_down):
    client = Client()
    database_down()
    response = client.get("/book/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "call the clinic on" in response.content.decode()
    assert settings.CLINIC_PHONE in response.content.decode()


def test_a_write_that_loses_the_database_midway_is_a_503(alice, monkeypatch):
    patient = PatientFactory(coordinator=alice)
    client = Client()
    client.force_login(alice)

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(patient_views.NoteViewSet, "perform_create", lost)
    response = client.post("/api/v1/notes/", {"patient": patient.pk, "body": "Called"}, content_type="application/json")
    assert response.status_code == 503
    assert "Try again in a minute" in response.json()["detail"]


def test_other_errors_are_still_500s(alice, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    monkeypatch.setattr(patient_views.PatientViewSet, "list", lambda *a, **k: 1 / 0)
    assert client.get("/api/v1/patients/").status_code == 500


def test_a_database_lost_inside_a_middleware_is_a_503_too(monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionMiddleware, "process_response", lost)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
