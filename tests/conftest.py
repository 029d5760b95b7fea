"""Shared fixtures: the permission cast (two coordinators alice and bob, two experts erin and frank, an
admin ada, an outsider charlie) and a real headless Chromium for page tests."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic.roles import COORDINATOR, EXPERT
from tests.factories.people import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher() -> None:
    """The whole suite hashes test users' passwords with MD5: PBKDF2 costs ~0.2 s per user, which was
    most of the suite's time. Production hashers are untouched (tests/foundation checks settings)."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def guide_sample_content(monkeypatch) -> None:
    """seed_demo seeds the patient guide too: every test gets the guide's small sample content
    (tests/guide/sample_content.py), never the real guide/content modules."""
    from guide import seeding
    from tests.guide.sample_content import CONTENT

    monkeypatch.setattr(seeding, "load_content", lambda: CONTENT)


@pytest.fixture(autouse=True)
def no_language_left_active() -> Iterator[None]:
    """Each test starts in the default language. A request to a /hi/ page leaves Hindi active in the thread
    (LocaleMiddleware activates, nothing deactivates), and texts built outside a request, such as
    patients.contact_validation.phone_error_message(), follow the active language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


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
def frank(db):
    """Another expert: no consult or care-team place with anyone's patients unless a test gives him one."""
    return UserFactory(username="frank", first_name="Frank", roles=[EXPERT])


@pytest.fixture
def ada(db):
    """Admin, with two-step login set up (an authenticator app), as the console requires of admins."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory(username="ada", is_superuser=True)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


@pytest.fixture(autouse=True)
def sign_ins_pass_two_step_login(request):
    """Every sign-in in a test (`client.force_login`, `client.login`, the login form in a browser) counts as
    having passed the two-step login, so tests about other things need not type TOTP codes. Tests of the
    two-step login itself are marked `real_mfa` and get the production behaviour."""
    if request.node.get_closest_marker("real_mfa"):
        yield
        return
    from django.contrib.auth.signals import user_logged_in

    from accounts.sessions import MFA_KEY, MFA_VERIFIED

    def verified(sender, request, user, **kwargs) -> None:
        request.session[MFA_KEY] = MFA_VERIFIED

    # Connected after accounts' own receiver (AppConfig.ready), so it has the last word.
    user_logged_in.connect(verified, dispatch_uid="tests.sign_ins_pass_two_step_login")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.sign_ins_pass_two_step_login")


@pytest.fixture
def charlie(db):
    """Outsider: a logged-in account with no clinic role."""
    return UserFactory(username="charlie", is_staff=False)


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file with every migration applied, made once per run by `manage.py migrate` in a subprocess.
    Tests whose other processes need a real file database (a qcluster, racing threads) copy it
    (`migrated_sqlite_file`): each of them migrating its own file from scratch cost ~15 s of CPU."""
    path = tmp_path_factory.mktemp("sqlite-template") / "migrated.sqlite3"
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{path}"},
        capture_output=True,
        text=True,
        timeout=600,  # every migration (Wagtail has many); an upper bound under load, not a timing assertion
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return path


@pytest.fixture
def migrated_sqlite_file(migrated_sqlite_template, tmp_path) -> Path:
    """This test's own copy of the migrated SQLite file."""
    path = tmp_path / "migrated.sqlite3"
    shutil.copyfile(migrated_sqlite_template, path)
    return path


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
    # Anything the Content-Security-Policy blocks (an inline script or style, a third-party font)
    # fails the test: a page that only looks fine without its script is broken for a real visitor.
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page
    context.close()
    assert blocked == [], f"blocked by the Content-Security-Policy: {blocked}"


@pytest.fixture
def screenshot(page):
    def save(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """Run axe-core (npm, injected from node_modules) on the page as it is now; every rule, every impact."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: `make contract-mock` (npm install) installs axe-core.")
    # Evaluated through the DevTools protocol rather than added as a <script> tag: the pages' CSP
    # (clinic/security_headers.py) rightly refuses an inline script without its nonce.
    page.evaluate(AXE_JS.read_text() + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.fixture
def assert_accessible(page):
    """`assert_accessible()` fails the test with every axe-core violation on the current page."""

    def check(target=None) -> None:
        violations = axe_violations(target or page)
        assert violations == [], f"axe-core violations on {(target or page).url}: {violations}"

    return check


# --- `make test` runs the database-independent tests once ---------------------------------------------
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="deselect tests that use no database (the second database pass of `make test`: they ran in the first)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    kept, dropped = [], []
    for item in items:
        uses_database = any(item.get_closest_marker(name) for name in ("django_db", "postgres")) or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        (kept if uses_database else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
