"""The insights page in a real browser, signed in as Alice (coordinator; tests/insights/conftest.py):
axe-clean, no sideways scrolling at 1280 px, readable at 390 px."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_and_open(page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/insights/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/insights/")


def _page_scrolls_sideways(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_insights_page_at_1280_px_is_accessible_and_does_not_scroll_sideways(
    live_server, page, clinic, assert_accessible, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in_and_open(page, live_server)
    assert page.locator("svg.ins-chart").count() == 7
    assert not _page_scrolls_sideways(page)
    screenshot("insights-1280")
    assert_accessible()


def test_insights_page_at_390_px_is_accessible(live_server, page, clinic, assert_accessible, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in_and_open(page, live_server)
    page.select_option("#id_weeks", "26")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/admin/insights/?weeks=26")
    assert page.locator("#outcomes table tbody tr").count() == 26
    assert not _page_scrolls_sideways(page)  # wide tables scroll inside their own box instead
    screenshot("insights-390")
    assert_accessible()


def test_csv_link_downloads_the_table(live_server, page, clinic):
    _sign_in_and_open(page, live_server)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Dose adherence” as CSV").click()
    assert download.value.suggested_filename.startswith("carethread-adherence-")
