"""The guide in headless Chromium: a patient reads and books, in English and Hindi; accessibility at phone
and desktop widths; each page's weight and that nothing is fetched from another host."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("guide_site")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PUBLIC_PATHS = [
    "/",
    "/how-to-take-imatinib/",
    "/search/?q=dose",
    "/no-such-page/",
    "/hi/",
    "/hi/how-to-take-imatinib/",
]
GUIDE_PAGES = [
    "/",
    "/how-to-take-imatinib/",
    "/missed-doses/",
    "/hi/",
    "/hi/how-to-take-imatinib/",
    "/hi/missed-doses/",
]
PAGE_BUDGET_BYTES = 60 * 1024


def test_patient_reads_how_to_take_imatinib_and_books_a_consult_about_it(live_server, page, screenshot):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="How to take imatinib").click()
    page.wait_for_url("**/how-to-take-imatinib/")
    screenshot("guide-page")
    page.get_by_role("link", name="Book a free consult about this").click()
    page.wait_for_url("**/book/?topic=treatment_question")
    assert page.locator("input[name=topic][value=treatment_question]").is_checked()


def test_hindi_patient_reads_and_books_in_hindi(live_server, page, screenshot):
    page.goto(f"{live_server.url}/hi/")
    page.get_by_role("link", name="इमैटिनिब कैसे लें").click()
    page.wait_for_url("**/hi/how-to-take-imatinib/")
    screenshot("guide-page-hi")
    page.get_by_role("link", name="इस बारे में मुफ़्त सलाह बुक करें").click()
    page.wait_for_url("**/hi/book/?topic=treatment_question")
    assert page.locator("input[name=topic][value=treatment_question]").is_checked()


def test_the_language_switcher_opens_the_same_page_in_hindi(live_server, page):
    page.goto(f"{live_server.url}/missed-doses/")
    page.get_by_role("link", name="हिन्दी").click()
    page.wait_for_url("**/hi/missed-doses/")
    assert page.locator("html").get_attribute("lang") == "hi"


def test_the_chat_button_opens_the_message_choices_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/how-to-take-imatinib/")
        page.locator("details.chat summary").click()
        assert page.get_by_role("link", name="WhatsApp us").is_visible()
        assert page.get_by_role("link", name="Send an SMS").first.is_visible()
    finally:
        context.close()


def test_message_an_expert_in_the_header_opens_the_choices(live_server, page):
    page.goto(f"{live_server.url}/missed-doses/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Message an expert").click()
    assert page.get_by_role("link", name="WhatsApp us").is_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_guide_pages_have_no_accessibility_violations(live_server, page, assert_accessible, path, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}{path}")
    page.locator("details").evaluate_all("nodes => nodes.forEach(node => node.open = true)")
    assert_accessible()


@pytest.mark.parametrize("path", GUIDE_PAGES)
def test_a_guide_page_weighs_at_most_60_kb_and_fetches_only_from_its_own_host(live_server, page, path):
    sizes: dict[str, int] = {}
    hosts: set[str] = set()

    def record(response) -> None:
        hosts.add(urlsplit(response.url).netloc)
        # Uncompressed bodies: an upper bound of what the wire carries (nginx/whitenoise compress).
        sizes[response.url] = len(response.body())

    page.on("response", record)
    page.goto(f"{live_server.url}{path}", wait_until="networkidle")
    page.emulate_media(media="print")  # the print stylesheet is part of the page's weight too
    page.wait_for_load_state("networkidle")
    assert hosts == {urlsplit(live_server.url).netloc}
    total = sum(sizes.values())
    print(f"{path}: {total} bytes in {len(sizes)} responses")
    assert total <= PAGE_BUDGET_BYTES
