"""The guide's content modules (guide/content/en.py, hi.py) keep to GUIDE_SCHEMA.md and stay readable.

No database: these tests read plain Python data. Each check collects every problem it finds so a
failure names the page and field to fix, rather than stopping at the first one.
"""

import re
from html.parser import HTMLParser
from types import ModuleType

import pytest
import textstat

from consults.models import Topic
from guide.content import en, hi
from patients.models import ResourceCategory

LANGUAGES: dict[str, ModuleType] = {"en": en, "hi": hi}
LINK_PREFIX: dict[str, str] = {"en": "/", "hi": "/hi/"}

LANDING_KEYS = {"title", "intro", "search_description", "faqs"}
PAGE_KEYS = {"slug", "title", "summary", "topic", "sources", "body"}
SOURCE_KEYS = {"title", "publisher", "url"}
BLOCK_TYPES = {"text", "urgency", "do_dont", "expander", "table", "faq", "book_consult", "message_expert", "resources"}
URGENCY_LEVELS = {"emergency", "call_today", "next_visit"}
ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a"}
# Elements whose text a reader sees as its own line: each counts as its own sentence for readability.
BLOCK_TAGS = {"p", "h2", "h3", "li"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_LIKE = re.compile(r"<\s*[a-zA-Z/!]")
EVENT_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
MAX_SUMMARY = 160
# The guide app's block field limits (guide/blocks.py on the guide branch): longer text fails its full_clean().
MAX_TITLE = 255
MAX_LENGTH = {
    "urgency.heading": 120,
    "item": 300,
    "expander.title": 160,
    "table.caption": 200,
    "table.header": 100,
    "question": 200,
    "cta.text": 300,
    "source.title": 300,
    "source.publisher": 200,
}
MAX_GRADE = 8.0  # Flesch-Kincaid grade 8 ≈ reading age 13; the brief asks for 11-12, so 8 is the ceiling.
WHEN_TO_GET_HELP = "when-to-get-help"

# The red flags of shared/domain.md ("Side effects and escalation"), each as groups of words a
# reader must find on the when-to-get-help page's urgency cards; one word of every group must appear.
RED_FLAGS: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "en": {
        "rapid weight gain or sudden swelling, shortness of breath": (
            ("weight",),
            ("swelling", "swollen"),
            ("short of breath", "breathless", "hard to breathe"),
        ),
        "fever or signs of infection": (("fever",), ("infection",)),
        "unusual bleeding or bruising, black stools": (("bleeding",), ("bruis",), ("black",)),
        "yellow skin or eyes, dark urine": (("yellow",), ("dark urine", "dark pee")),
        "severe rash or blistering": (("rash",), ("blister",)),
        "chest pain, fainting, any symptom graded 3 or higher": (
            ("chest pain",),
            ("faint",),
            ("look after yourself",),
        ),
    },
    "hi": {
        "rapid weight gain or sudden swelling, shortness of breath": (
            ("वज़न", "वजन"),
            ("सूजन",),
            ("साँस", "सांस"),
        ),
        "fever or signs of infection": (("बुखार",), ("संक्रमण", "इन्फेक्शन")),
        "unusual bleeding or bruising, black stools": (("खून",), ("नील",), ("काल",)),
        "yellow skin or eyes, dark urine": (("पील",), ("पेशाब",)),
        "severe rash or blistering": (("चकत्त", "रैश"), ("छाल",)),
        "chest pain, fainting, any symptom graded 3 or higher": (
            ("सीने में दर्द", "छाती में दर्द"),
            ("बेहोश",),
            ("अपना ध्यान",),
        ),
    },
}


class _HtmlReader(HTMLParser):
    """Collects tags, attributes and the text of each block element of restricted HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.fragments: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.fragments.append(text)
        self._current = []

    def close(self) -> None:
        super().close()
        self._flush()


def _read_html(html: str) -> _HtmlReader:
    reader = _HtmlReader()
    reader.feed(html)
    reader.close()
    return reader


def html_problems(html: object, where: str, lang: str, slugs: set[str]) -> list[str]:
    """Restricted HTML: allowed tags only, links only https or internal to an existing page."""
    if not isinstance(html, str) or not html.strip():
        return [f"{where}: must be non-empty HTML text"]
    problems = []
    if "<script" in html.lower():
        problems.append(f"{where}: contains <script")
    if "style=" in html.lower():
        problems.append(f"{where}: contains an inline style")
    if EVENT_HANDLER.search(html):
        problems.append(f"{where}: contains an on…= event attribute")
    reader = _read_html(html)
    for tag in reader.tags:
        if tag not in ALLOWED_TAGS:
            problems.append(f"{where}: tag <{tag}> is not allowed")
    for tag, name, value in reader.attrs:
        if tag != "a" or name != "href":
            problems.append(f"{where}: attribute {name} on <{tag}> is not allowed")
            continue
        problems.extend(link_problems(value or "", where, lang, slugs))
    return problems


def link_problems(href: str, where: str, lang: str, slugs: set[str]) -> list[str]:
    if href.startswith("https://"):
        return []
    prefix = LINK_PREFIX[lang]
    internal = {prefix, f"{prefix}book/"} | {f"{prefix}{slug}/" for slug in slugs}
    internal |= {f"{prefix}book/?topic={topic}" for topic in Topic.values}
    if href in internal:
        return []
    return [f"{where}: link {href!r} is neither https:// nor an existing {lang} guide page or booking"]


def plain_problems(text: object, where: str, max_length: int | None = None) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        return [f"{where}: must be non-empty plain text"]
    if TAG_LIKE.search(text) or EVENT_HANDLER.search(text) or "style=" in text.lower():
        return [f"{where}: must be plain text, without tags or attributes"]
    if max_length is not None and len(text) > max_length:
        return [f"{where}: {len(text)} characters, at most {max_length}"]
    return []


def plain_list_problems(items: object, where: str, max_length: int = MAX_LENGTH["item"]) -> list[str]:
    if not isinstance(items, list) or not items:
        return [f"{where}: must be a non-empty list of strings"]
    return [
        problem for index, item in enumerate(items) for problem in plain_problems(item, f"{where}[{index}]", max_length)
    ]


def faq_problems(faqs: object, where: str, lang: str, slugs: set[str]) -> list[str]:
    if not isinstance(faqs, list) or not faqs:
        return [f"{where}: must be a non-empty list of questions"]
    problems = []
    for index, faq in enumerate(faqs):
        if not isinstance(faq, dict) or set(faq) != {"question", "answer"}:
            problems.append(f"{where}[{index}]: keys must be exactly question and answer")
            continue
        problems.extend(plain_problems(faq["question"], f"{where}[{index}].question", MAX_LENGTH["question"]))
        problems.extend(html_problems(faq["answer"], f"{where}[{index}].answer", lang, slugs))
    return problems


def block_problems(block: object, where: str, lang: str, slugs: set[str]) -> list[str]:
    """One StreamField block: its type is one the app implements and its value has that type's shape."""
    if not isinstance(block, tuple) or len(block) != 2:
        return [f"{where}: must be a (block_type, value) tuple"]
    kind, value = block
    if kind not in BLOCK_TYPES:
        return [f"{where}: unknown block type {kind!r}"]
    where = f"{where} {kind}"
    if kind == "text":
        return html_problems(value, where, lang, slugs)
    if kind == "faq":
        return faq_problems(value, where, lang, slugs)
    if not isinstance(value, dict):
        return [f"{where}: value must be a dict"]
    expected_keys = {
        "urgency": {"level", "heading", "items"},
        "do_dont": {"do", "dont"},
        "expander": {"title", "body"},
        "table": {"caption", "header", "rows"},
        "book_consult": {"topic", "text"},
        "message_expert": {"text"},
        "resources": {"categories"},
    }[kind]
    if set(value) != expected_keys:
        return [f"{where}: keys must be exactly {sorted(expected_keys)}, not {sorted(value)}"]
    if kind == "urgency":
        problems = [] if value["level"] in URGENCY_LEVELS else [f"{where}: unknown level {value['level']!r}"]
        return (
            problems
            + plain_problems(value["heading"], f"{where}.heading", MAX_LENGTH["urgency.heading"])
            + plain_list_problems(value["items"], f"{where}.items")
        )
    if kind == "do_dont":
        return plain_list_problems(value["do"], f"{where}.do") + plain_list_problems(value["dont"], f"{where}.dont")
    if kind == "expander":
        return plain_problems(value["title"], f"{where}.title", MAX_LENGTH["expander.title"]) + html_problems(
            value["body"], f"{where}.body", lang, slugs
        )
    if kind == "table":
        problems = plain_problems(value["caption"], f"{where}.caption", MAX_LENGTH["table.caption"])
        problems += plain_list_problems(value["header"], f"{where}.header", MAX_LENGTH["table.header"])
        rows = value["rows"]
        if not isinstance(rows, list) or not rows:
            return [*problems, f"{where}.rows: must be a non-empty list of rows"]
        for index, row in enumerate(rows):
            problems += plain_list_problems(row, f"{where}.rows[{index}]")
            if isinstance(row, list) and len(row) != len(value["header"]):
                problems.append(f"{where}.rows[{index}]: has {len(row)} cells for {len(value['header'])} columns")
        return problems
    if kind == "book_consult":
        problems = [] if value["topic"] in Topic.values else [f"{where}: unknown topic {value['topic']!r}"]
        return problems + plain_problems(value["text"], f"{where}.text", MAX_LENGTH["cta.text"])
    if kind == "message_expert":
        return plain_problems(value["text"], f"{where}.text", MAX_LENGTH["cta.text"])
    categories = value["categories"]
    if not isinstance(categories, list) or not categories:
        return [f"{where}.categories: must be a non-empty list"]
    return [f"{where}: unknown category {c!r}" for c in categories if c not in ResourceCategory.values]


def source_problems(sources: object, where: str) -> list[str]:
    if not isinstance(sources, list) or not sources:
        return [f"{where}: needs at least one source"]
    problems = []
    for index, source in enumerate(sources):
        if not isinstance(source, dict) or set(source) != SOURCE_KEYS:
            problems.append(f"{where}[{index}]: keys must be exactly {sorted(SOURCE_KEYS)}")
            continue
        problems += plain_problems(source["title"], f"{where}[{index}].title", MAX_LENGTH["source.title"])
        problems += plain_problems(source["publisher"], f"{where}[{index}].publisher", MAX_LENGTH["source.publisher"])
        if not str(source["url"]).startswith("https://"):
            problems.append(f"{where}[{index}].url: must start with https://")
    return problems


def page_problems(page: object, lang: str, slugs: set[str]) -> list[str]:
    """One page dict against the schema: keys, slug, summary length, topic, sources, body blocks."""
    if not isinstance(page, dict) or set(page) != PAGE_KEYS:
        return [f"page: keys must be exactly {sorted(PAGE_KEYS)}"]
    where = f"{lang}/{page['slug']}"
    problems = [] if SLUG.match(str(page["slug"])) else [f"{where}: slug must be lowercase words joined by hyphens"]
    problems += plain_problems(page["title"], f"{where}.title", MAX_TITLE)
    problems += plain_problems(page["summary"], f"{where}.summary")
    if len(str(page["summary"])) > MAX_SUMMARY:
        problems.append(f"{where}.summary: {len(page['summary'])} characters, at most {MAX_SUMMARY}")
    if page["topic"] not in Topic.values:
        problems.append(f"{where}.topic: unknown topic {page['topic']!r}")
    problems += source_problems(page["sources"], f"{where}.sources")
    body = page["body"]
    if not isinstance(body, list) or not body:
        return [*problems, f"{where}.body: must be a non-empty list of blocks"]
    for index, block in enumerate(body):
        problems += block_problems(block, f"{where}.body[{index}]", lang, slugs)
    kinds = [block[0] for block in body if isinstance(block, tuple) and block]
    for required in ("book_consult", "message_expert"):
        if required not in kinds:
            problems.append(f"{where}.body: needs a {required} block")
    consults = [block[1] for block in body if isinstance(block, tuple) and block and block[0] == "book_consult"]
    for value in consults:
        if isinstance(value, dict) and value.get("topic") != page["topic"]:
            problems.append(f"{where}: book_consult topic {value.get('topic')!r} differs from page topic")
    return problems


def landing_problems(landing: object, lang: str, slugs: set[str]) -> list[str]:
    if not isinstance(landing, dict) or set(landing) != LANDING_KEYS:
        return [f"{lang} LANDING: keys must be exactly {sorted(LANDING_KEYS)}"]
    problems = plain_problems(landing["title"], f"{lang} LANDING.title", MAX_TITLE)
    problems += plain_problems(landing["intro"], f"{lang} LANDING.intro")
    problems += plain_problems(landing["search_description"], f"{lang} LANDING.search_description")
    if len(str(landing["search_description"])) > MAX_SUMMARY:
        problems.append(f"{lang} LANDING.search_description: longer than {MAX_SUMMARY} characters")
    faqs = landing["faqs"]
    if not isinstance(faqs, list) or not 4 <= len(faqs) <= 8:
        problems.append(f"{lang} LANDING.faqs: must hold 4 to 8 questions")
    return problems + faq_problems(faqs, f"{lang} LANDING.faqs", lang, slugs)


def _html_fragments(html: str) -> list[str]:
    return _read_html(html).fragments


def block_text(kind: str, value: object) -> list[str]:
    """The words a reader sees in one block, one fragment per line on screen."""
    if kind == "text":
        return _html_fragments(value)
    if kind == "faq":
        return [part for faq in value for part in [faq["question"], *_html_fragments(faq["answer"])]]
    if kind == "urgency":
        return [value["heading"], *value["items"]]
    if kind == "do_dont":
        return [*value["do"], *value["dont"]]
    if kind == "expander":
        return [value["title"], *_html_fragments(value["body"])]
    if kind == "table":
        return [value["caption"], *value["header"], *(cell for row in value["rows"] for cell in row)]
    if kind in ("book_consult", "message_expert"):
        return [value["text"]]
    return []


def as_prose(fragments: list[str]) -> str:
    """Each line on screen is read as its own sentence (a list item or table cell has no full stop)."""
    sentences = []
    for fragment in fragments:
        fragment = " ".join(fragment.split())
        if fragment:
            sentences.append(fragment if fragment[-1] in ".!?:" else f"{fragment}.")
    return " ".join(sentences)


def page_prose(page: dict) -> str:
    fragments = [page["title"], page["summary"]]
    for kind, value in page["body"]:
        fragments += block_text(kind, value)
    return as_prose(fragments)


def landing_prose(landing: dict) -> str:
    fragments = [landing["title"], landing["intro"]]
    for faq in landing["faqs"]:
        fragments += [faq["question"], *_html_fragments(faq["answer"])]
    return as_prose(fragments)


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


def urgency_text(page: dict) -> str:
    parts = []
    for kind, value in page["body"]:
        if kind == "urgency" and value["level"] in ("emergency", "call_today"):
            parts += [value["heading"], *value["items"]]
    return " ".join(parts).lower()


def missing_red_flags(page: dict, lang: str) -> list[str]:
    text = urgency_text(page)
    return [
        flag
        for flag, groups in RED_FLAGS[lang].items()
        if not all(any(word.lower() in text for word in group) for group in groups)
    ]


def _slugs(module: ModuleType) -> list[str]:
    return [page["slug"] for page in module.PAGES]


def _page(module: ModuleType, slug: str) -> dict:
    return next(page for page in module.PAGES if page["slug"] == slug)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_module_defines_only_landing_and_pages(lang: str) -> None:
    public = {name for name in vars(LANGUAGES[lang]) if not name.startswith("_")}
    assert public == {"LANDING", "PAGES"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_landing_matches_schema(lang: str) -> None:
    module = LANGUAGES[lang]
    assert landing_problems(module.LANDING, lang, set(_slugs(module))) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_matches_schema(lang: str) -> None:
    module = LANGUAGES[lang]
    slugs = set(_slugs(module))
    problems = [problem for page in module.PAGES for problem in page_problems(page, lang, slugs)]
    assert problems == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_slugs_are_unique(lang: str) -> None:
    slugs = _slugs(LANGUAGES[lang])
    assert len(slugs) == len(set(slugs))


def test_hindi_has_the_same_slugs_in_the_same_order() -> None:
    assert _slugs(hi) == _slugs(en)


def test_hindi_pages_have_the_same_structure() -> None:
    """Same topic, same block types in the same order, same urgency levels and resource categories."""

    def shape(page: dict) -> tuple:
        blocks = []
        for kind, value in page["body"]:
            detail = {"urgency": "level", "book_consult": "topic"}.get(kind)
            blocks.append((kind, value[detail] if detail else value.get("categories") if kind == "resources" else None))
        return (page["slug"], page["topic"], tuple(blocks))

    assert [shape(page) for page in hi.PAGES] == [shape(page) for page in en.PAGES]


def test_the_guide_covers_the_sections_of_issue_12() -> None:
    """The pages the brief lists, in its order (other pages may sit between them)."""
    wanted = [
        "understanding-imatinib",
        "cml-and-the-philadelphia-chromosome",
        "gist-kit-and-pdgfra",
        "how-to-take-imatinib",
        "missed-doses",
        "interactions-food-and-supplements",
        "storage-and-disposal",
        "side-effects",
        WHEN_TO_GET_HELP,
        "tests-and-monitoring",
        "genetic-testing",
        "pregnancy-fertility-and-breastfeeding",
        "diet-and-nutrition",
        "financial-help-and-insurance",
        "support-groups",
        "research-and-clinical-trials",
        "faqs",
    ]
    slugs = _slugs(en)
    assert [slug for slug in slugs if slug in wanted] == wanted


@pytest.mark.parametrize("slug", ["financial-help-and-insurance", "support-groups"])
def test_money_and_support_pages_list_the_resources_directory(slug: str) -> None:
    wanted = {"financial-help-and-insurance": {"financial", "insurance"}, "support-groups": {"support"}}[slug]
    categories = {c for kind, value in _page(en, slug)["body"] if kind == "resources" for c in value["categories"]}
    assert wanted <= categories


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_opens_with_a_text_block(lang: str) -> None:
    """The app titles do/don't lists, tables and cards with smaller headings; opening with text keeps the
    page's heading levels in order (axe-core's heading-order rule failed when a page opened with a list)."""
    openers = {page["slug"]: page["body"][0][0] for page in LANGUAGES[lang].PAGES}
    assert {slug: kind for slug, kind in openers.items() if kind != "text"} == {}


@pytest.mark.parametrize("slug", [page["slug"] for page in en.PAGES])
def test_english_page_reads_at_grade_8_or_below(slug: str) -> None:
    assert grade(page_prose(_page(en, slug))) <= MAX_GRADE


def test_english_landing_reads_at_grade_8_or_below() -> None:
    assert grade(landing_prose(en.LANDING)) <= MAX_GRADE


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_red_flag_is_on_the_when_to_get_help_cards(lang: str) -> None:
    page = _page(LANGUAGES[lang], WHEN_TO_GET_HELP)
    assert missing_red_flags(page, lang) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_when_to_get_help_gives_the_emergency_number_112(lang: str) -> None:
    """The app's emergency card adds its own "call 112" line; the page still says it in words."""
    page = _page(LANGUAGES[lang], WHEN_TO_GET_HELP)
    words = " ".join(fragment for kind, value in page["body"] if kind == "text" for fragment in _html_fragments(value))
    assert "112" in words


@pytest.mark.parametrize("lang", LANGUAGES)
def test_when_to_get_help_has_an_emergency_card(lang: str) -> None:
    page = _page(LANGUAGES[lang], WHEN_TO_GET_HELP)
    levels = [value["level"] for kind, value in page["body"] if kind == "urgency"]
    assert "emergency" in levels
