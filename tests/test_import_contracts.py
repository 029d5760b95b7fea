"""The import contracts in pyproject.toml ([tool.importlinter]) hold, and each one fails when a forbidden
import is added: the check runs on a copy of the apps with one probe module written into it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "accounts",
    "clinic",
    "config",
    "patients",
    "consults",
    "followups",
    "messaging",
    "webchat",
    "insights",
    "interop",
    "guide",
    "rights",
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    selected = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *selected],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def apps_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The apps' Python files and pyproject.toml, nothing else (no migrations' data, templates, media)."""
    copy = tmp_path_factory.mktemp("contracts")
    for app in APPS:
        shutil.copytree(ROOT / app, copy / app, ignore=shutil.ignore_patterns("__pycache__", "*.html", "*.txt"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_every_contract_holds_on_the_repository():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# (contract id, existing module of the copy, the forbidden import appended to it, the module it imports)
PROBES = [
    ("clinic-core", "clinic.errors", "import patients.models", "patients.models"),
    ("clinic-core", "clinic.timezones", "from messaging import models", "messaging.models"),
    ("clinic-core", "clinic.tasks", "from config import settings", "config.settings"),
    ("feature-apps-on-top", "consults.services", "import accounts.models", "accounts.models"),
    ("messaging-port", "messaging.models", "import consults.models", "consults.models"),
    ("messaging-port", "messaging.services", "from followups import pause", "followups.pause"),
    ("config-wiring", "clinic.roles", "from config import settings", "config.settings"),
    ("config-wiring", "consults.views", "import config.urls", "config.urls"),
    ("domain-errors-plain", "clinic.errors", "from rest_framework import status", "rest_framework"),
    ("domain-errors-plain", "consults.errors", "from rest_framework.response import Response", "rest_framework"),
    ("layers", "patients.capabilities", "from consults.models import Consult", "consults.models"),
    ("layers", "consults.services", "import followups.models", "followups.models"),
    # issue 15: the cycles that were removed (consult reminders asking follow-ups; patients naming consults)
    ("layers", "consults.selectors", "from followups.pause import paused_patient_ids", "followups.pause"),
    ("layers", "patients.selectors", "import consults.selectors", "consults.selectors"),
    ("feature-apps-on-top", "patients.access_report", "import insights.selectors", "insights.selectors"),
    ("feature-apps-on-top", "messaging.services", "from rights import erasure", "rights.erasure"),
]


@pytest.mark.parametrize(("contract", "module", "statement", "imported"), PROBES)
def test_contract_fails_when_a_forbidden_import_is_added(
    apps_copy: Path, contract: str, module: str, statement: str, imported: str
):
    probed = apps_copy / (module.replace(".", "/") + ".py")
    original = probed.read_text()
    probed.write_text(f"{original}\n{statement}  # probe\n")
    try:
        result = lint_imports(apps_copy, contract)
    finally:
        probed.write_text(original)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{module} -> {imported}" in result.stdout  # the report names the probe's import


def test_the_untouched_copy_passes(apps_copy: Path):
    """The probes above fail because of the probe, not because the copy itself is incomplete."""
    result = lint_imports(apps_copy)
    assert result.returncode == 0, result.stdout + result.stderr
