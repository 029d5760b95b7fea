"""The web process warms up before gunicorn forks its workers, and never hands them a connection."""

import importlib.util
from pathlib import Path

from django.db import connections

from config.warmup import warm_up
from messaging.texts import MESSAGES_DIR, _engine

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_warm_up_parses_every_message_text_into_the_cached_loader():
    _engine.cache_clear()
    warm_up()
    loader = _engine().template_loaders[0]
    assert len(loader.get_template_cache) == len(list(MESSAGES_DIR.glob("*.txt")))


def test_warm_up_opens_no_database_connection():
    connections.close_all()  # whatever earlier tests left open
    opened = []
    for connection in connections.all():
        monkey = connection.connect
        connection.connect = lambda monkey=monkey: opened.append(monkey) or monkey()
    try:
        warm_up()
    finally:
        for connection in connections.all():
            del connection.connect
    assert opened == []


def test_gunicorn_preloads_the_app_and_recycles_workers_rarely(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_preload", DEPLOY / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.preload_app is True
    assert conf.max_requests >= 10_000
