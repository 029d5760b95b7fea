import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_when_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("clinic.health.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_healthz_reports_broker_down_when_redis_does_not_answer(client, monkeypatch):
    import redis
    from django_q.brokers.redis_broker import Redis

    unreachable = Redis(list_key="carethread-health-test")
    unreachable.connection = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    monkeypatch.setattr("clinic.health.task_broker", lambda: unreachable)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "down"}


def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code == 405
