"""Issue 13: the clinic's name and phone read the same from `.env` whoever reads it: honcho
(`make run`'s web and worker) and django-environ (`manage.py seed_demo` and every other command)."""

import re
from pathlib import Path

import environ
import pytest
from honcho.environ import parse as honcho_parse

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"


@pytest.fixture
def environ_values(monkeypatch) -> dict[str, str]:
    values: dict[str, str] = {}
    monkeypatch.setattr(environ.Env, "ENVIRON", values)
    environ.Env.read_env(ENV_EXAMPLE)
    return values


def test_honcho_and_django_environ_read_every_value_of_env_example_alike(environ_values):
    honcho_values = honcho_parse(ENV_EXAMPLE.read_text())
    differing = {key for key, value in honcho_values.items() if environ_values.get(key) != value}
    assert differing == set()


def test_the_clinic_name_keeps_its_space(environ_values):
    assert honcho_parse(ENV_EXAMPLE.read_text())["CLINIC_NAME"] == "CareThread Clinic"


def test_the_clinic_phone_keeps_its_spaces():
    assert honcho_parse(ENV_EXAMPLE.read_text())["CLINIC_PHONE"] == "+91 80 4000 1234"


def test_make_run_lets_settings_read_env_rather_than_honcho():
    # An older .env without quotes would still be split by honcho; with -e /dev/null only
    # django-environ reads it, as it does for seed_demo.
    run_lines = re.search(r"^run:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.S | re.M).group(0)
    assert "honcho -f Procfile.dev -e /dev/null start" in run_lines
