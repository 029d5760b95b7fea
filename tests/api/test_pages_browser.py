"""Pages that changed for the edges work in a browser under the Content-Security-Policy (the `page` fixture
fails on anything it blocks): the API docs, the console, the database-down page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_operations(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("/api/v1/patients/", exact=True).first.wait_for()
    assert page.locator(".opblock").count() > 10


def test_redoc_renders_the_operations(page, live_server):
    page.goto(f"{live_server.url}/api/redoc/")
    page.get_by_role("heading", name="CareThread API").first.wait_for()
    assert page.get_by_text("Book a free consult").count() > 0


def test_the_console_changelist_loads_its_scripts(page, live_server, ada):
    ada.set_password("pw-for-tests-only")
    ada.save()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/patients/patient/")
    page.locator("#changelist").wait_for()
    assert page.evaluate("typeof window.django") == "object"


def test_the_database_down_page_is_readable_and_accessible(page, live_server, monkeypatch, assert_accessible):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = page.goto(f"{live_server.url}/book/")
    assert response.status == 503
    page.get_by_role("heading", name="Our system is unavailable for a moment").wait_for()
    monkeypatch.undo()
    assert_accessible()
