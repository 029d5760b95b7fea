"""Shared fixtures: the permission cast (two coordinators, an expert, an admin, an outsider)
and a real headless Chromium for page tests."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from patients.roles import COORDINATOR, EXPERT
from tests.factories.people import UserFactory

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def alice(db):
    """Coordinator."""
    return UserFactory(username="alice", first_name="Alice", roles=[COORDINATOR])


@pytest.fixture
def bob(db):
    """Another coordinator: must not see alice's patients."""
    return UserFactory(username="bob", first_name="Bob", roles=[COORDINATOR])


@pytest.fixture
def erin(db):
    """Expert."""
    return UserFactory(username="erin", first_name="Erin", roles=[EXPERT])


@pytest.fixture
def ada(db):
    """Admin."""
    return UserFactory(username="ada", is_superuser=True)


@pytest.fixture
def charlie(db):
    """Outsider: a logged-in account with no clinic role."""
    return UserFactory(username="charlie", is_staff=False)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by live_server
    # and fixtures are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-IN", timezone_id="Asia/Kolkata", viewport={"width": 420, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    def save(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
