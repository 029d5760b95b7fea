"""Guide fixtures: a clinical reviewer, a guide editor and the sample guide seeded through seed_guide.

Other test packages that need the landing page at / import `guide_site` (and `guide_seeded_once`, which it
uses) from here.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from guide import seeding
from tests.factories.people import UserFactory
from tests.guide.sample_content import CONTENT


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", first_name="Esha", roles=["Guide editors"])


@pytest.fixture
def sample_content(monkeypatch):
    monkeypatch.setattr(seeding, "load_content", lambda: CONTENT)
    return CONTENT


REVIEWER = {"username": "dr.reviewer", "first_name": "Anita", "last_name": "Rao", "roles": ["Clinical reviewers"]}


@pytest.fixture
def reviewer(db):
    return UserFactory(**REVIEWER)


@pytest.fixture(scope="module")
def guide_seeded_once(request, django_db_setup, django_db_blocker):
    """In a module marked `guide_seeded_once`, the sample guide is seeded once, inside a transaction rolled
    back when the module ends; each test's own transaction is a savepoint inside it, so what a test changes
    is undone as before. Seeding (a dozen Wagtail publishes) per test was most of those tests' time.

    From the first test that asks for `guide_site`, every database test of such a module sees the guide, and
    none may commit (`transaction=True`, live_server). Elsewhere `guide_site` seeds for each test."""
    if request.node.get_closest_marker("guide_seeded_once") is None:
        yield False
        return
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(seeding, "load_content", lambda: CONTENT)
        with transaction.atomic():
            call_command("seed_guide", reviewer=UserFactory(**REVIEWER).username, stdout=io.StringIO())
            yield True
            transaction.set_rollback(True)
    cache.clear()  # nothing cached from the rolled-back guide (Wagtail's site root paths) reaches later modules


@pytest.fixture
def guide_site(guide_seeded_once, db, reviewer, sample_content):
    """The sample guide, published: English at / and Hindi at /hi/, with an empty page cache."""
    cache.clear()
    if not guide_seeded_once:
        call_command("seed_guide", reviewer=reviewer.username, stdout=io.StringIO())
    yield
    cache.clear()
