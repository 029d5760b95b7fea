"""Production configuration: `check --deploy` is clean, insecure values refuse to start."""

import os
import subprocess
import sys
from pathlib import Path

from tests.foundation.production import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # ALLOW_PROCESS_LOCAL_CACHE is pytest's own (pyproject.toml); production never has it.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PUBLIC_", "ALLOWED_", "ALLOW_PROCESS_LOCAL_CACHE", "REDIS_URL"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "django-insecure-short"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text(PRODUCTION_ENV["DJANGO_SECRET_KEY"] + "\n")
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "", "DJANGO_SECRET_KEY_FILE": str(key_file)}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stderr


def test_a_sweep_budget_that_cannot_fit_the_task_timeout_refuses_to_start():
    result = manage("check", **PRODUCTION_ENV, FOLLOWUPS_SWEEP_SECONDS="45")
    assert result.returncode != 0
    assert "FOLLOWUPS_SWEEP_SECONDS must be between 1 and 30" in result.stderr


def test_production_refuses_to_start_with_a_process_local_cache():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_URL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "REDIS_URL is not set" in result.stderr


def test_check_deploy_fails_when_a_process_local_cache_was_allowed():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_URL"}
    result = manage("check", "--deploy", **env, ALLOW_PROCESS_LOCAL_CACHE="true")
    assert result.returncode != 0
    assert "carethread.E001" in result.stderr


def test_debug_runs_without_redis():
    result = manage("check", DJANGO_DEBUG="true", DATABASE_URL=PRODUCTION_ENV["DATABASE_URL"])
    assert result.returncode == 0, result.stderr


def test_a_negative_proxy_count_refuses_to_start():
    result = manage("check", **PRODUCTION_ENV, NUM_PROXIES="-1")
    assert result.returncode != 0
    assert "NUM_PROXIES must be" in result.stderr
