"""Staff sessions end after SESSION_IDLE_TIMEOUT_MINUTES idle, and SESSION_COOKIE_AGE after sign-in at the latest."""

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

MINUTE = 60


def test_an_idle_session_ends_and_the_sign_in_page_says_it_timed_out(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(alice)
        traveller.shift(31 * MINUTE)
        response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert "Your session timed out after 30 minutes without activity" in response.text


def test_a_session_in_use_outlives_the_idle_limit(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(alice)
        for _ in range(4):
            traveller.shift(20 * MINUTE)
            assert client.get("/admin/").status_code == 200


def test_a_session_ends_at_its_maximum_length_even_in_use(client, alice, settings):
    settings.SESSION_COOKIE_AGE = 2 * 3600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(alice)
        for _ in range(6):
            traveller.shift(20 * MINUTE)
            client.get("/admin/")
        traveller.shift(20 * MINUTE + 1)
        response = client.get("/admin/", follow=True)
    assert "Your session reached its maximum length of 2.0 hours" in response.text


def test_the_idle_limit_is_a_setting(client, alice, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(alice)
        traveller.shift(6 * MINUTE)
        assert client.get("/admin/").status_code == 302


def test_an_idle_session_gets_401_from_the_api(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(alice)
        assert client.get("/api/v1/patients/").status_code == 200
        traveller.shift(31 * MINUTE)
        assert client.get("/api/v1/patients/").status_code == 401


def test_pages_within_a_minute_do_not_rewrite_the_session(client, alice):
    client.force_login(alice)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert writes == []
