"""Tests marked `topology` start real servers; they run in `make e2e-prod` (E2E_PROD=1), which
`make test` runs after the SQLite and PostgreSQL passes, so they do not run twice."""

import os

import pytest

SKIP_REASON = "production topology test: runs in `make e2e-prod` (E2E_PROD=1), part of `make test`"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("E2E_PROD") == "1":
        return
    for item in items:
        if item.get_closest_marker("topology"):
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def loud_skip(what: str, missing: list[str]) -> None:
    banner = "#" * 72
    message = f"\n{banner}\nSKIPPED {what}: missing {'; '.join(missing)}\n{banner}"
    print(message)
    pytest.skip(message)
