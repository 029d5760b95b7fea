"""The shipped deploy/ files are valid for the tools that read them, and document every setting."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.foundation.production import PRODUCTION_ENV
from tests.topology.nginx_render import MIME_TYPES, RenderError, SiteValues, render_main, render_site
from tests.topology.processes import self_signed_certificate

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
SETTINGS_KEY = re.compile(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"")
SECRET_KEY = re.compile(r"\benv_secret\(\s*\"([A-Z][A-Z0-9_]+)\"")
GUNICORN_KEY = re.compile(r"\"(GUNICORN_[A-Z_]+)\"")
TEMPLATE_KEY = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=", re.MULTILINE)


def settings_keys() -> set[str]:
    text = (ROOT / "config" / "settings.py").read_text()
    secrets = set(SECRET_KEY.findall(text))
    return set(SETTINGS_KEY.findall(text)) | secrets | {f"{name}_FILE" for name in secrets}


def gunicorn_keys() -> set[str]:
    return set(GUNICORN_KEY.findall((DEPLOY / "gunicorn.conf.py").read_text()))


def template_keys() -> set[str]:
    return set(TEMPLATE_KEY.findall((DEPLOY / "carethread.env.example").read_text()))


def loopback_values(tmp_path: Path) -> SiteValues:
    return SiteValues(
        nodes=["127.0.0.1:18001", "127.0.0.1:18002"],
        http_listen="127.0.0.1:18080",
        https_listen="127.0.0.1:18443",
        certificate=tmp_path / "cert.pem",
        certificate_key=tmp_path / "key.pem",
        static_root=tmp_path / "static",
        access_log=tmp_path / "access.log",
        error_log=tmp_path / "error.log",
        exempt_addresses=["127.0.0.2"],
        zone_rates={"carethread_book": "5r/s"},
    )


# --- environment template and README ----------------------------------------------------------
def test_env_template_lists_exactly_the_settings_and_gunicorn_variables():
    expected = settings_keys() | gunicorn_keys()
    found = template_keys()
    assert not expected - found, f"add to deploy/carethread.env.example: {sorted(expected - found)}"
    assert not found - expected, f"not read by settings.py or gunicorn.conf.py: {sorted(found - expected)}"


def test_env_template_carries_no_secret_values():
    text = (DEPLOY / "carethread.env.example").read_text()
    for name in ("DJANGO_SECRET_KEY", "TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID"):
        assert re.search(rf"^{name}=$", text, re.MULTILINE), f"{name} must be empty in the template"
    assert "CHANGE-ME" in text  # the example database password is an obvious placeholder


def test_readme_documents_every_variable():
    readme = (DEPLOY / "README.md").read_text()
    undocumented = sorted(key for key in settings_keys() | gunicorn_keys() if f"`{key}`" not in readme)
    assert not undocumented, f"document in deploy/README.md: {undocumented}"


# --- gunicorn ---------------------------------------------------------------------------------
def load_gunicorn_conf(monkeypatch, **env: str):
    for key in gunicorn_keys():
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", DEPLOY / "gunicorn.conf.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_workers_follow_cpu_count_by_default(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)
    conf = load_gunicorn_conf(monkeypatch)
    assert conf.workers == 9
    assert conf.bind == ["127.0.0.1:8000"]
    assert conf.timeout == 30


def test_gunicorn_bind_and_workers_come_from_the_environment(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, GUNICORN_BIND="10.0.0.11:8000,127.0.0.1:8001", GUNICORN_WORKERS="3")
    assert conf.bind == ["10.0.0.11:8000", "127.0.0.1:8001"]
    assert conf.workers == 3


def test_gunicorn_refuses_a_non_numeric_worker_count(monkeypatch):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS='many' is not a whole number"):
        load_gunicorn_conf(monkeypatch, GUNICORN_WORKERS="many")


def test_gunicorn_check_config_loads_the_app_with_production_settings():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- nginx --------------------------------------------------------------------------------------
def test_rendering_changes_only_the_marked_values(tmp_path):
    shipped = (DEPLOY / "nginx" / "carethread.conf").read_text()
    rendered = render_site(loopback_values(tmp_path))
    assert "server 127.0.0.1:18001 max_fails=3" in rendered
    assert "10.0.0.11" not in rendered
    assert "listen 127.0.0.1:18443 ssl http2;" in rendered
    assert "[::]" not in rendered
    assert "127.0.0.2 1;" in rendered
    assert "zone=carethread_book:10m rate=5r/s;" in rendered
    # Headers, retries and limits are the shipped ones, untouched.
    for line in shipped.splitlines():
        if "proxy_set_header" in line or "limit_req zone=" in line or "proxy_next_upstream" in line:
            assert line in rendered


def test_rendering_fails_loudly_when_a_marker_is_missing(tmp_path):
    shipped = (DEPLOY / "nginx" / "carethread.conf").read_text()
    with pytest.raises(RenderError, match="static-root"):
        render_site(loopback_values(tmp_path), source=shipped.replace("# static-root", ""))


def test_forwarded_proto_header_matches_django_setting():
    from django.conf import settings

    shipped = (DEPLOY / "nginx" / "carethread.conf").read_text()
    header, value = settings.SECURE_PROXY_SSL_HEADER
    nginx_name = header.removeprefix("HTTP_").replace("_", "-").title()
    assert f"proxy_set_header {nginx_name} {value};" in shipped
    for name in ("X-Forwarded-For", "X-Real-IP", "X-Request-ID"):
        assert f"proxy_set_header {name} " in shipped


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (make prod-tools installs it)")
def test_nginx_accepts_the_rendered_loopback_config(tmp_path):
    self_signed_certificate(key=tmp_path / "key.pem", certificate=tmp_path / "cert.pem", days=1)
    (tmp_path / "temp").mkdir()
    site = tmp_path / "carethread.conf"
    site.write_text(render_site(loopback_values(tmp_path)))
    main = tmp_path / "nginx.conf"
    main.write_text(render_main(prefix=tmp_path, site_conf=site))
    assert MIME_TYPES.exists()
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# --- systemd ------------------------------------------------------------------------------------
def rendered_units(tmp_path: Path) -> list[Path]:
    """The units with /srv/carethread/current pointing at this checkout, so ExecStart exists."""
    paths = []
    for unit in UNITS:
        path = tmp_path / unit.name
        path.write_text(unit.read_text().replace("/srv/carethread/current", str(ROOT)))
        paths.append(path)
    return paths


def unit_directives(unit: Path) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for line in unit.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            directives.setdefault(key.strip(), []).append(value.strip())
    return directives


def test_units_exist_for_web_worker_and_scheduler():
    assert {unit.name for unit in UNITS} == {
        "carethread-web.service",
        "carethread-worker.service",
        "carethread-scheduler.service",
    }


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_unit_restarts_and_is_hardened(unit):
    directives = unit_directives(unit)
    assert directives["User"] == ["carethread"]
    assert directives["Restart"] == ["always"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "ReadWritePaths": "/srv/carethread/var",
        "EnvironmentFile": "/etc/carethread/carethread.env",
    }.items():
        assert directives.get(key) == [value], f"{unit.name}: {key}"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units_without_warnings(tmp_path):
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, rendered_units(tmp_path))],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # unknown keys are only warnings: treat them as failures


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", [unit.name for unit in UNITS])
def test_systemd_security_exposure_is_low(tmp_path, unit):
    path = next(path for path in rendered_units(tmp_path) if path.name == unit)
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", "--no-pager", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    exposure = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout + result.stderr)
    assert exposure, result.stdout + result.stderr
    assert float(exposure.group(1)) <= 2.0
