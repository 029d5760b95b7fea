"""Create or update the guide from its content modules (guide/content/en.py and hi.py, GUIDE_SCHEMA.md).

Idempotent: pages are found by slug in their locale; a page whose content is unchanged is left alone
(no new revision, review dates kept). English pages are published by the clinical reviewer, which is
the clinical approval. Hindi pages are published as translations of the English ones and carry
"translation awaiting clinical review" until a reviewer approves them in the workflow.
"""

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from guide.blocks import GuideStreamBlock
from guide.models import ClinicallyReviewedPage, GuidePage, LandingPage, twelve_months_after
from guide.structure import guide_structure_ensure

BLOCK_TYPES = set(GuideStreamBlock.base_blocks)
HINDI = "hi"


class GuideContentError(Exception):
    """The content modules are missing or do not follow GUIDE_SCHEMA.md."""


class GuideContentMissing(GuideContentError):
    """guide/content/en.py or hi.py does not exist (yet)."""


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def load_content() -> dict[str, ModuleType]:
    """Import guide.content.en and guide.content.hi only now: the app works without them."""
    modules = {}
    for code in (settings.LANGUAGE_CODE, HINDI):
        try:
            modules[code] = import_module(f"guide.content.{code}")
        except ModuleNotFoundError as error:
            raise GuideContentMissing(
                f"The guide's content module guide/content/{code}.py is missing ({error}). "
                "It comes from the content branch; see GUIDE_SCHEMA.md."
            ) from error
        for name in ("LANDING", "PAGES"):
            if not hasattr(modules[code], name):
                raise GuideContentError(f"guide/content/{code}.py must define {name} (see GUIDE_SCHEMA.md).")
    return modules


def _raw_body(blocks: list[tuple[str, Any]], where: str) -> list[dict]:
    unknown = sorted({block_type for block_type, _ in blocks} - BLOCK_TYPES)
    if unknown:
        raise GuideContentError(f"{where}: unknown block types {unknown}; allowed: {sorted(BLOCK_TYPES)}.")
    return [{"type": block_type, "value": value} for block_type, value in blocks]


def _raw_sources(sources: list[dict], where: str) -> list[dict]:
    if not sources:
        raise GuideContentError(f"{where}: every page needs at least one source.")
    return [{"type": "source", "value": dict(source)} for source in sources]


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _bound(page: Page, field: str, raw_or_value: Any):
    """A stream value with every block converted, so saving stores the sanitised, normalised form."""
    stream_block = page._meta.get_field(field).stream_block
    value = stream_block.to_python(raw_or_value) if isinstance(raw_or_value, list) else raw_or_value
    list(value)  # binds each block: get_prep_value then goes through the blocks, not the raw data
    return value


def _apply(page: ClinicallyReviewedPage, fields: dict[str, Any], streams: dict[str, list[dict]]) -> bool:
    """Set fields and stream fields on page; return whether anything changed."""
    changed = False
    for name, value in fields.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    for name, raw in streams.items():
        wanted = _bound(page, name, raw)
        current = _bound(page, name, getattr(page, name))
        if _without_ids(current.get_prep_value()) != _without_ids(wanted.get_prep_value()):
            setattr(page, name, wanted)
            changed = True
    return changed


def _publish(page: ClinicallyReviewedPage, *, reviewer: AbstractBaseUser, translation: bool) -> None:
    today = timezone.localdate()
    page.clinical_reviewer = reviewer
    page.last_reviewed = today
    page.next_review_due = twelve_months_after(today)
    page.translation_awaiting_review = translation
    page.full_clean()
    page.save_revision(user=reviewer, log_action=True).publish(user=reviewer, skip_permission_checks=True)


def _seed_one(
    page: ClinicallyReviewedPage,
    fields,
    streams,
    *,
    reviewer,
    owner,
    translation: bool,
    created: bool,
    report: SeedReport,
) -> ClinicallyReviewedPage:
    changed = _apply(page, fields, streams)
    if created or changed or not page.live:
        if page.owner_id is None:
            page.owner = owner
        _publish(page, reviewer=reviewer, translation=translation)
        if created:
            report.created += 1
        else:
            report.updated += 1
    else:
        report.unchanged += 1
    return page


def _landing_fields(landing: dict) -> tuple[dict, dict]:
    faqs = [{"type": "faq", "value": dict(item)} for item in landing.get("faqs", [])]
    fields = {
        "title": landing["title"],
        "intro": landing["intro"],
        "search_description": landing.get("search_description", ""),
    }
    return fields, {"faqs": faqs}


def _page_fields(entry: dict, code: str) -> tuple[dict, dict]:
    where = f"guide/content/{code}.py page {entry.get('slug')!r}"
    fields = {
        "title": entry["title"],
        "slug": entry["slug"],
        "summary": entry["summary"],
        "search_description": entry["summary"],
        "topic": entry["topic"],
    }
    return fields, {"body": _raw_body(entry["body"], where), "sources": _raw_sources(entry["sources"], where)}


def _all_sources(pages: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for entry in pages:
        for source in entry["sources"]:
            seen.setdefault(source["url"], source)
    return list(seen.values())


def _new_draft(
    model: type[ClinicallyReviewedPage], parent: Page, *, reviewer, owner, fields: dict, streams: dict, **extra
) -> ClinicallyReviewedPage:
    """Add an unpublished page under parent (published later through _publish, like any other)."""
    page = model(live=False, clinical_reviewer=reviewer, owner=owner, **fields, **extra)
    for name, raw in streams.items():
        setattr(page, name, _bound(page, name, raw))
    parent.add_child(instance=page)
    return page


def _english_landing(locale: Locale, fields: dict, streams: dict, *, reviewer, owner) -> tuple[LandingPage, bool]:
    landing = LandingPage.objects.filter(locale=locale).first()
    if landing is not None:
        return landing, False
    landing = _new_draft(
        LandingPage,
        Page.get_first_root_node(),
        reviewer=reviewer,
        owner=owner,
        fields=fields,
        streams=streams,
        locale=locale,
        slug="guide",
    )
    return landing, True


def _ensure_root() -> bool:
    """Wagtail's tree root (made by its migrations; recreated if a test database was flushed)."""
    if Page.get_first_root_node() is not None:
        return False
    Page.add_root(instance=Page(title="Root", slug="root", live=True))
    return True


def _make_site_root(landing: LandingPage) -> None:
    """The English landing page is the site root; Wagtail's placeholder "Welcome" page goes."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=landing, is_default_site=True, site_name=settings.CLINIC_NAME
        )
    elif site.root_page_id != landing.pk:
        site.root_page = landing
        site.save()
    for placeholder in Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore"):
        placeholder.delete()


@transaction.atomic
def guide_seed(
    *, content: dict[str, ModuleType], reviewer: AbstractBaseUser, owner: AbstractBaseUser | None = None
) -> SeedReport:
    """Create or update the landing page and every guide page in English, then their Hindi translations."""
    owner = owner or reviewer
    report = SeedReport()
    guide_structure_ensure(django_apps)  # locales first: a new root page needs one
    if _ensure_root():
        guide_structure_ensure(django_apps)  # again, to give the groups and workflow the new root
    english_code = settings.LANGUAGE_CODE
    english = Locale.objects.get_or_create(language_code=english_code)[0]
    hindi = Locale.objects.get_or_create(language_code=HINDI)[0]
    en, hi = content[english_code], content[HINDI]

    fields, streams = _landing_fields(en.LANDING)
    streams["sources"] = _raw_sources(_all_sources(en.PAGES), "guide/content/en.py LANDING")
    landing, created = _english_landing(english, fields, streams, reviewer=reviewer, owner=owner)
    landing = _seed_one(
        landing, fields, streams, reviewer=reviewer, owner=owner, translation=False, created=created, report=report
    )
    _make_site_root(landing)
    english_pages = []
    for entry in en.PAGES:
        fields, streams = _page_fields(entry, english_code)
        page = GuidePage.objects.child_of(landing).filter(slug=entry["slug"]).first()
        created = page is None
        if created:
            page = _new_draft(
                GuidePage, landing, reviewer=reviewer, owner=owner, fields=fields, streams=streams, locale=english
            )
        english_pages.append(
            _seed_one(
                page, fields, streams, reviewer=reviewer, owner=owner, translation=False, created=created, report=report
            )
        )
    _keep_order(landing, english_pages)

    hindi_by_slug = {entry["slug"]: entry for entry in hi.PAGES}
    fields, streams = _landing_fields(hi.LANDING)
    streams["sources"] = _raw_sources(_all_sources(hi.PAGES or en.PAGES), "guide/content/hi.py LANDING")
    hindi_landing = _translation(landing, hindi, fields, streams, reviewer=reviewer, owner=owner, report=report)
    hindi_pages = []
    for english_page in english_pages:
        entry = hindi_by_slug.get(english_page.slug)
        if entry is None:
            continue
        fields, streams = _page_fields(entry, HINDI)
        hindi_pages.append(
            _translation(english_page, hindi, fields, streams, reviewer=reviewer, owner=owner, report=report)
        )
    _keep_order(hindi_landing, hindi_pages)
    return report


def _translation(
    source: ClinicallyReviewedPage, locale: Locale, fields: dict, streams: dict, *, reviewer, owner, report: SeedReport
) -> ClinicallyReviewedPage:
    existing = source.get_translation_or_none(locale)
    created = existing is None
    page = source.copy_for_translation(locale) if created else existing
    page = page.specific
    if created:
        page.refresh_from_db()
    translation_fields = {key: value for key, value in fields.items() if key != "slug"}
    page = _seed_one(
        page,
        translation_fields,
        streams,
        reviewer=reviewer,
        owner=owner,
        translation=True,
        created=created,
        report=report,
    )
    return page


def _keep_order(parent: Page, pages: list[Page]) -> None:
    """Children in the content's order (the landing page's cards follow it); moves only when it differs."""
    current = list(
        Page.objects.child_of(parent).filter(pk__in=[p.pk for p in pages]).order_by("path").values_list("pk", flat=True)
    )
    if current == [page.pk for page in pages]:
        return
    for page in pages:
        Page.objects.get(pk=page.pk).move(parent, pos="last-child")
