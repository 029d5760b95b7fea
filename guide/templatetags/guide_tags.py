"""Template tags for the public site's chrome and the guide's structured data."""

import json
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

LANGUAGE_NAMES = dict(settings.LANGUAGES)


@register.simple_tag(takes_context=True)
def language_versions(context: template.Context) -> list[dict]:
    """This page in each language: a guide page's live translations, or the same URL under /hi/ or /."""
    current = get_language()
    translations = context.get("translations")
    if translations is not None:
        urls = {page.locale.language_code: page.url for page in translations}
    else:
        request = context.get("request")
        path = request.path if request else "/"
        urls = {code: translate_url(path, code) for code in LANGUAGE_NAMES}
        if request and request.GET:
            urls = {code: f"{url}?{request.GET.urlencode()}" for code, url in urls.items()}
    return [
        {"code": code, "name": LANGUAGE_NAMES[code], "url": url, "current": code == current}
        for code, url in urls.items()
        if code in LANGUAGE_NAMES and url
    ]


@register.simple_tag
def home_url() -> str:
    return reverse("wagtail_serve", args=[""])


@register.simple_tag
def absolute(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}"


@register.simple_tag
def whatsapp_url() -> str:
    """wa.me link to the clinic's WhatsApp with a first message already typed, in the reader's language."""
    digits = "".join(ch for ch in settings.CLINIC_WHATSAPP if ch.isdigit())
    text = gettext("Hello, I would like to ask an expert a question about imatinib.")
    return f"https://wa.me/{digits}?text={quote(text)}" if digits else ""


@register.simple_tag
def sms_url() -> str:
    number = settings.CLINIC_PHONE.replace(" ", "")
    text = gettext("Hello, I would like to ask an expert a question about imatinib.")
    return f"sms:{number}?body={quote(text)}"


@register.simple_tag
def book_url(topic: str = "") -> str:
    """/book/ (or /hi/book/) with the consult topic chosen, for "book a consult about this"."""
    url = reverse("consults:book")
    return f"{url}?topic={quote(topic)}" if topic else url


def _json_ld(data: dict) -> SafeString:
    # JSON inside <script>: escape the characters that could close the element or start markup.
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 escaped above


@register.simple_tag(takes_context=True)
def guide_json_ld(context: template.Context, page, faq_items: list | None = None) -> SafeString:
    """schema.org MedicalWebPage (with lastReviewed, reviewedBy, sources) and, with questions, FAQPage."""
    url = absolute(page.url)
    reviewer = page.clinical_reviewer
    web_page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "url": url,
        "inLanguage": page.locale.language_code,
        "description": getattr(page, "summary", "") or page.search_description,
        "lastReviewed": page.last_reviewed.isoformat(),
        "audience": {"@type": "Patient"},
        "about": {"@type": "Drug", "name": "Imatinib"},
        "citation": [
            {
                "@type": "CreativeWork",
                "name": src.value["title"],
                "publisher": src.value["publisher"],
                "url": src.value["url"],
            }
            for src in page.sources
        ],
        "publisher": {"@type": "MedicalOrganization", "name": settings.CLINIC_NAME},
    }
    if reviewer is not None:
        web_page["reviewedBy"] = {"@type": "Person", "name": reviewer.get_full_name() or reviewer.get_username()}
    blocks = [_json_ld(web_page)]
    if faq_items:
        blocks.append(
            _json_ld(
                {
                    "@context": "https://schema.org",
                    "@type": "FAQPage",
                    "url": url,
                    "mainEntity": [
                        {
                            "@type": "Question",
                            "name": item["question"],
                            "acceptedAnswer": {"@type": "Answer", "text": str(item["answer"])},
                        }
                        for item in faq_items
                    ],
                }
            )
        )
    return mark_safe("".join(blocks))  # noqa: S308 each part came from _json_ld
