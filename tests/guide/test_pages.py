"""The guide's public pages through Django's test client: blocks, links, languages, structured data."""

import json
import re

import pytest
from django.core.cache import cache

from guide.models import GuidePage
from patients.models import Resource, ResourceCategory

pytestmark = [pytest.mark.django_db, pytest.mark.guide_seeded_once]


def json_ld(body: str) -> list[dict]:
    return [json.loads(raw) for raw in re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)]


def test_landing_page_is_served_at_the_root(client, guide_site):
    response = client.get("/")
    assert response.status_code == 200
    assert "Imatinib: a guide for patients and families" in response.content.decode()


def test_landing_page_shows_each_guide_page_as_a_card_in_content_order(client, guide_site):
    body = client.get("/").content.decode()
    assert body.index('href="/how-to-take-imatinib/"') < body.index('href="/missed-doses/"')


def test_landing_page_shows_its_faqs(client, guide_site):
    assert "Is the consult free?" in client.get("/").content.decode()


def test_guide_page_renders_every_block_type(client, guide_site):
    body = client.get("/how-to-take-imatinib/").content.decode()
    for marker in (
        "<h2>Every day</h2>",
        "urgency-emergency",
        "urgency-call_today",
        "urgency-next_visit",
        'class="do-dont"',
        '<details class="expander">',
        "<caption>When to take it</caption>",
        "Can I drink tea?",
        "Book a free consult about this",
        "Quick question? Message us.",
        'class="w-block-resources',
    ):
        assert marker in body, marker


def test_emergency_card_says_to_call_112(client, guide_site):
    assert "Call 112 or go to the nearest hospital now." in client.get("/how-to-take-imatinib/").content.decode()


def test_book_consult_block_links_to_booking_with_the_topic(client, guide_site):
    body = client.get("/how-to-take-imatinib/").content.decode()
    assert 'href="/book/?topic=treatment_question"' in body


def test_hindi_book_consult_block_links_to_hindi_booking(client, guide_site):
    body = client.get("/hi/how-to-take-imatinib/").content.decode()
    assert 'href="/hi/book/?topic=treatment_question"' in body


def test_hindi_page_is_served_in_hindi(client, guide_site):
    body = client.get("/hi/how-to-take-imatinib/").content.decode()
    assert '<html lang="hi">' in body
    assert "इमैटिनिब कैसे लें" in body
    assert "मुफ़्त सलाह बुक करें" in body


def test_hindi_page_says_its_translation_awaits_clinical_review(client, guide_site):
    assert "डॉक्टर की जाँच का इंतज़ार" in client.get("/hi/how-to-take-imatinib/").content.decode()


def test_english_page_has_no_translation_notice(client, guide_site):
    assert "awaiting clinical review" not in client.get("/how-to-take-imatinib/").content.decode()


def test_page_shows_when_it_was_last_reviewed_and_is_next_due(client, guide_site):
    page = GuidePage.objects.get(slug="how-to-take-imatinib", locale__language_code="en")
    body = client.get("/how-to-take-imatinib/").content.decode()
    expected = (
        f"Page last reviewed {page.last_reviewed.day} {page.last_reviewed:%B %Y}. "
        f"Next review due {page.next_review_due.day} {page.next_review_due:%B %Y}."
    )
    assert expected in body


def test_page_lists_its_sources(client, guide_site):
    assert (
        '<a href="https://example.org/imatinib" rel="noopener">Imatinib leaflet</a>'
        in client.get("/how-to-take-imatinib/").content.decode()
    )


def test_medical_web_page_json_ld_carries_last_reviewed(client, guide_site):
    page = GuidePage.objects.get(slug="how-to-take-imatinib", locale__language_code="en")
    data = json_ld(client.get("/how-to-take-imatinib/").content.decode())
    web_page = next(item for item in data if item["@type"] == "MedicalWebPage")
    assert web_page["lastReviewed"] == page.last_reviewed.isoformat()
    assert web_page["reviewedBy"]["name"] == "Anita Rao"


def test_faq_block_is_also_faq_page_json_ld(client, guide_site):
    data = json_ld(client.get("/how-to-take-imatinib/").content.decode())
    faq = next(item for item in data if item["@type"] == "FAQPage")
    assert faq["mainEntity"][0]["name"] == "Can I drink tea?"


def test_page_links_its_translations_as_hreflang_alternates(client, guide_site):
    body = client.get("/how-to-take-imatinib/").content.decode()
    assert '<link rel="alternate" hreflang="hi" href="https://clinic.example.org/hi/how-to-take-imatinib/">' in body
    assert '<link rel="alternate" hreflang="en" href="https://clinic.example.org/how-to-take-imatinib/">' in body


def test_page_has_canonical_url_and_open_graph_tags(client, guide_site):
    body = client.get("/how-to-take-imatinib/").content.decode()
    assert '<link rel="canonical" href="https://clinic.example.org/how-to-take-imatinib/">' in body
    assert '<meta property="og:title" content="How to take imatinib">' in body


def test_language_switcher_links_to_the_same_page_in_hindi(client, guide_site):
    body = client.get("/missed-doses/").content.decode()
    assert '<a href="/hi/missed-doses/" hreflang="hi" lang="hi">हिन्दी</a>' in body


def test_booking_pages_switch_language_too(client, guide_site):
    body = client.get("/book/").content.decode()
    assert '<a href="/hi/book/" hreflang="hi" lang="hi">' in body


def test_resources_block_lists_only_public_active_entries_of_its_categories(client, guide_site):
    Resource.objects.create(name="Open Fund", category=ResourceCategory.FINANCIAL, is_public=True)
    Resource.objects.create(name="Staff-only Fund", category=ResourceCategory.FINANCIAL, is_public=False)
    Resource.objects.create(name="Closed Group", category=ResourceCategory.SUPPORT, is_public=True, is_active=False)
    Resource.objects.create(name="Diet Club", category=ResourceCategory.NUTRITION, is_public=True)
    body = client.get("/how-to-take-imatinib/").content.decode()
    assert "Open Fund" in body
    assert "Staff-only Fund" not in body
    assert "Closed Group" not in body
    assert "Diet Club" not in body


def test_header_offers_booking_and_message_an_expert_on_every_page(client, guide_site):
    for path in ("/", "/how-to-take-imatinib/", "/book/", "/search/?q=food", "/no-such-page/"):
        body = client.get(path).content.decode()
        assert '<a class="button" href="/book/">Book a free consult</a>' in body, path
        assert '<details class="chat" id="message-expert">' in body, path


def test_chat_button_offers_whatsapp_with_a_prefilled_text_and_sms(client, guide_site):
    body = client.get("/").content.decode()
    assert "https://wa.me/918040001234?text=Hello%2C%20I%20would%20like" in body
    assert 'href="sms:+918040001234?body=' in body


def test_chat_here_is_offered_only_when_the_web_chat_exists(client, guide_site):
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("webchat:start")
        has_webchat = True
    except NoReverseMatch:
        has_webchat = False
    assert ("Chat here" in client.get("/").content.decode()) is has_webchat


def test_footer_gives_emergency_advice_and_the_disclaimer(client, guide_site):
    body = client.get("/").content.decode()
    assert "Call 112 or go to the nearest hospital now." in body
    assert "It does not replace advice from your own doctor." in body


def test_search_finds_guide_pages_in_the_readers_language(client, guide_site):
    body = client.get("/search/", {"q": "forget"}).content.decode()
    assert 'href="/missed-doses/"' in body
    assert 'href="/how-to-take-imatinib/"' not in body


def test_search_without_matches_says_what_to_try(client, guide_site):
    body = client.get("/search/", {"q": "zebra"}).content.decode()
    assert "Try a shorter word" in body


def test_sitemap_lists_every_page_with_its_translations(client, guide_site):
    response = client.get("/sitemap.xml")
    body = response.content.decode()
    assert response["Content-Type"] == "application/xml"
    assert "<loc>https://clinic.example.org/how-to-take-imatinib/</loc>" in body
    assert "<loc>https://clinic.example.org/hi/</loc>" in body
    assert 'hreflang="hi" href="https://clinic.example.org/hi/missed-doses/"' in body


def test_robots_txt_names_the_sitemap_and_keeps_staff_areas_out(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://clinic.example.org/sitemap.xml" in body
    assert "Disallow: /cms/" in body
    assert "Disallow: /c/" in body


def test_an_unknown_hindi_path_gets_the_friendly_404(client, guide_site):
    response = client.get("/hi/no-such-page/")
    assert response.status_code == 404


def test_a_published_change_shows_at_once_although_pages_are_cached(client, guide_site, reviewer):
    client.get("/missed-doses/")
    page = GuidePage.objects.get(slug="missed-doses", locale__language_code="en")
    page.title = "Forgotten doses"
    page.save_revision(user=reviewer).publish(user=reviewer)
    assert "Forgotten doses" in client.get("/missed-doses/").content.decode()


def test_a_page_is_served_from_the_cache_until_something_is_published(client, guide_site):
    client.get("/missed-doses/")
    GuidePage.objects.filter(slug="missed-doses", locale__language_code="en").update(title="Changed behind Wagtail")
    assert "Changed behind Wagtail" not in client.get("/missed-doses/").content.decode()
    cache.clear()
    assert "Changed behind Wagtail" in client.get("/missed-doses/").content.decode()


def test_the_landing_cards_follow_a_published_child(client, guide_site, reviewer):
    client.get("/")
    page = GuidePage.objects.get(slug="missed-doses", locale__language_code="en")
    page.summary = "A new summary for the card."
    page.save_revision(user=reviewer).publish(user=reviewer)
    assert "A new summary for the card." in client.get("/").content.decode()


def test_no_template_syntax_leaks_into_a_page(client, guide_site):
    body = client.get("/how-to-take-imatinib/").content.decode()
    assert "{#" not in body
    assert "{%" not in body
