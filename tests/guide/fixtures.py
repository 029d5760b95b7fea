"""Guide fixtures: a clinical reviewer, a guide editor and the sample guide seeded through seed_guide.

Other test packages that need the landing page at / import `guide_site` from here.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from guide import seeding
from tests.factories.people import UserFactory
from tests.guide.sample_content import CONTENT


@pytest.fixture
def reviewer(db):
    return UserFactory(username="dr.reviewer", first_name="Anita", last_name="Rao", roles=["Clinical reviewers"])


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", first_name="Esha", roles=["Guide editors"])


@pytest.fixture
def sample_content(monkeypatch):
    monkeypatch.setattr(seeding, "load_content", lambda: CONTENT)
    return CONTENT


@pytest.fixture
def guide_site(db, reviewer, sample_content):
    """The sample guide, published: English at / and Hindi at /hi/, with an empty page cache."""
    cache.clear()
    call_command("seed_guide", reviewer=reviewer.username, stdout=io.StringIO())
    yield
    cache.clear()
