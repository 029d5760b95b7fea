"""seed_guide: creates the guide from the content modules, idempotently; fails clearly without them."""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision, Site

from guide import seeding
from guide.models import GuidePage, LandingPage
from guide.seeding import load_content as real_load_content  # imported before any test patches it
from tests.guide.sample_content import CONTENT

pytestmark = pytest.mark.django_db


def seed(reviewer) -> str:
    out = io.StringIO()
    call_command("seed_guide", reviewer=reviewer.username, stdout=out)
    return out.getvalue()


def test_seed_creates_the_landing_page_and_guide_pages_in_both_languages(guide_site):
    assert LandingPage.objects.count() == 2
    assert GuidePage.objects.filter(locale__language_code="en").count() == 2
    assert GuidePage.objects.filter(locale__language_code="hi").count() == 2


def test_the_english_landing_page_is_the_site_root(guide_site):
    assert Site.objects.get(is_default_site=True).root_page.specific == LandingPage.objects.get(
        locale__language_code="en"
    )


def test_hindi_pages_are_translations_of_the_english_ones(guide_site):
    english = GuidePage.objects.get(slug="missed-doses", locale__language_code="en")
    assert english.get_translation_or_none(english.locale.__class__.objects.get(language_code="hi")).title == (
        "छूटी हुई खुराक"
    )


def test_english_pages_are_published_with_the_reviewer(guide_site, reviewer):
    page = GuidePage.objects.get(slug="missed-doses", locale__language_code="en")
    assert page.live is True
    assert page.clinical_reviewer == reviewer
    assert page.translation_awaiting_review is False


def test_hindi_pages_are_published_awaiting_translation_review(guide_site):
    page = GuidePage.objects.get(slug="missed-doses", locale__language_code="hi")
    assert page.live is True
    assert page.translation_awaiting_review is True


def test_a_second_run_changes_nothing(guide_site, reviewer):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    assert seed(reviewer).strip() == "Guide pages: 0 created, 0 updated, 6 unchanged."
    assert Page.objects.count() == pages
    assert Revision.objects.count() == revisions


def test_changed_content_updates_the_page(guide_site, reviewer, monkeypatch):
    changed = {**CONTENT}
    en = type(CONTENT["en"])(**vars(CONTENT["en"]))
    en.PAGES = [dict(CONTENT["en"].PAGES[0]), {**CONTENT["en"].PAGES[1], "title": "Missed a dose?"}]
    changed["en"] = en
    monkeypatch.setattr(seeding, "load_content", lambda: changed)
    assert "1 updated" in seed(reviewer)
    assert GuidePage.objects.get(slug="missed-doses", locale__language_code="en").title == "Missed a dose?"


def test_missing_content_fails_with_a_clear_message(reviewer, monkeypatch):
    def missing(name: str):
        raise ModuleNotFoundError(f"No module named {name!r}")

    monkeypatch.setattr(seeding, "load_content", real_load_content)
    monkeypatch.setattr(seeding, "import_module", missing)
    with pytest.raises(CommandError, match=r"guide/content/en\.py is missing"):
        call_command("seed_guide", reviewer=reviewer.username)


def test_an_unknown_block_type_is_refused_by_name(reviewer, monkeypatch):
    en = type(CONTENT["en"])(**vars(CONTENT["en"]))
    en.PAGES = [{**CONTENT["en"].PAGES[1], "body": [("video", "x")]}]
    monkeypatch.setattr(seeding, "load_content", lambda: {**CONTENT, "en": en})
    with pytest.raises(CommandError, match=r"unknown block types \['video'\]"):
        call_command("seed_guide", reviewer=reviewer.username)


def test_an_unknown_reviewer_is_refused(sample_content, db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("seed_guide", reviewer="nobody")


def test_seed_demo_still_runs_without_the_guide_content(settings, monkeypatch):
    def missing(name: str):
        raise ModuleNotFoundError(f"No module named {name!r}")

    settings.DEBUG = True
    monkeypatch.setattr(seeding, "load_content", real_load_content)
    monkeypatch.setattr(seeding, "import_module", missing)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Patient guide not seeded: The guide's content module guide/content/en.py is missing" in out.getvalue()
