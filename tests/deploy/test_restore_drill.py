"""deploy/scripts/restore-drill.sh: a backup of a real CareThread database restores identically."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.deploy.conftest import loud_skip

ROOT = Path(__file__).resolve().parents[2]
DRILL = ROOT / "deploy" / "scripts" / "restore-drill.sh"
SERVER = os.environ.get("E2E_PG_SERVER_URL", "postgres://postgres@127.0.0.1:5432")

pytestmark = pytest.mark.topology


def admin(statement: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def databases(prefix: str) -> list[str]:
    with psycopg.connect(f"{SERVER}/postgres") as connection:
        rows = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]).fetchall()
    return [name for (name,) in rows]


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DRILL), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHON": sys.executable, **env},
    )


@pytest.fixture(scope="module")
def source_url():
    """A throwaway database with every migration applied and the demo clinic loaded."""
    try:
        admin("SELECT 1")
    except psycopg.Error as exc:
        loud_skip("restore drill", [f"PostgreSQL at {SERVER} ({exc})"])
    name = f"carethread_deploy_drill_{secrets.token_hex(4)}"
    url = f"{SERVER}/{name}"
    admin(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "true"}
        for command in (["migrate", "--no-input"], ["seed_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        yield url
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_drill_restores_an_identical_copy_and_drops_it(source_url):
    before = databases("carethread_restore_drill_")
    result = run(source_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RESTORE DRILL PASSED" in result.stdout
    assert "all identical" in result.stdout
    assert "migrations: all applied" in result.stdout
    assert databases("carethread_restore_drill_") == before


def test_drill_restores_from_an_existing_dump_file(source_url, tmp_path):
    dump = tmp_path / "nightly.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), "--dbname", source_url], check=True, timeout=120)
    result = run(source_url, str(dump))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"dump: {dump} (given)" in result.stdout


def test_compare_names_the_table_whose_rows_differ(source_url):
    copy = f"carethread_deploy_drillcopy_{secrets.token_hex(4)}"
    source_name = source_url.rsplit("/", 1)[1]
    admin(f'CREATE DATABASE "{copy}" TEMPLATE "{source_name}"')
    try:
        with psycopg.connect(f"{SERVER}/{copy}", autocommit=True) as connection:
            connection.execute(
                "UPDATE patients_patient SET full_name = full_name || '.' WHERE id = "
                "(SELECT min(id) FROM patients_patient)"
            )
        result = run("--compare", source_url, f"{SERVER}/{copy}")
    finally:
        admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    assert result.returncode == 1
    assert "RESTORE DRILL FAILED: restored tables differ" in result.stderr
    assert "< patients_patient" in result.stderr
    assert "> patients_patient" in result.stderr


def test_drill_fails_clearly_and_leaves_nothing_when_the_source_is_missing():
    before = databases("carethread_restore_drill_")
    result = run(f"{SERVER}/carethread_deploy_no_such_database")
    assert result.returncode == 1
    assert "RESTORE DRILL FAILED: pg_dump failed" in result.stderr
    assert databases("carethread_restore_drill_") == before
