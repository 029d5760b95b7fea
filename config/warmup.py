"""Pay a web process's one-time costs before it serves: gunicorn preloads the app (deploy/gunicorn.conf.py)
and forks its workers from a process that has already done this, so no request and no recycled
worker pays for imports, URL resolver building, phone metadata or template parsing.

Nothing here opens a database connection: a connection made before the fork would be shared by
every worker.
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

# The regions patients and staff write from most: phonenumbers reads a region's metadata on first use.
PHONE_SAMPLES = ("+919876543210", "+14155550100", "+447700900123")


def _warm_urls() -> int:
    """Import every URLconf and view, and build the reverse maps of every namespace."""
    resolver = get_resolver()
    pending, count = [resolver], 0
    while pending:
        current = pending.pop()
        current._populate()  # the reverse dict and namespace map, built lazily on first use otherwise
        for pattern in current.url_patterns:
            count += 1
            if hasattr(pattern, "url_patterns"):
                pending.append(pattern)
    return count


def _warm_phone_metadata() -> None:
    import phonenumbers

    for sample in PHONE_SAMPLES:
        number = phonenumbers.parse(sample, None)
        phonenumbers.is_possible_number(number)
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    phonenumbers.parse("98765 43210", "IN")


def _warm_message_templates() -> int:
    from messaging.texts import MESSAGES_DIR, _engine

    engine = _engine()
    names = sorted(path.name for path in MESSAGES_DIR.glob("*.txt"))
    for name in names:
        engine.get_template(f"messages/{name}")
    return len(names)


def _warm_page_templates() -> int:
    """Parse the site's own HTML templates (templates/) into the default engine's cached loader."""
    engine = engines["django"]
    root = Path(settings.BASE_DIR) / "templates"
    count = 0
    for path in sorted(root.rglob("*.html")):
        try:
            engine.get_template(str(path.relative_to(root)))
        except (TemplateDoesNotExist, TemplateSyntaxError):  # a fragment meant for {% include %} with context
            continue
        count += 1
    return count


def _warm_translations() -> None:
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Book a consult")


def warm_up() -> None:
    """Do every one-time cost of serving now; logs what it did and how long it took."""
    started = time.perf_counter()
    patterns = _warm_urls()
    _warm_phone_metadata()
    messages = _warm_message_templates()
    pages = _warm_page_templates()
    _warm_translations()
    connections.close_all()  # should be none; never hand a connection to forked workers
    logger.info(
        "warm-up: %d URL patterns, %d message texts, %d page templates in %.0f ms",
        patterns,
        messages,
        pages,
        (time.perf_counter() - started) * 1000,
    )
