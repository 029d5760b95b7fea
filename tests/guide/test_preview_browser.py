"""The editor's side-by-side preview in Chromium: opening the preview panel on a guide page's edit view
shows the page itself in the panel's iframe (same-origin framing of the preview only, clinic/security_headers.py)."""

import pytest
from django.test import Client

from guide.models import GuidePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("guide_site")]


def sign_in(page, live_server, user) -> None:
    staff = Client()
    staff.force_login(user)  # the autouse fixture marks the session as past the two-step login
    page.context.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}])


def open_preview_panel(page, live_server, user) -> None:
    guide_page = GuidePage.objects.get(slug="how-to-take-imatinib", locale__language_code="en")
    sign_in(page, live_server, user)
    # The editor pings its editing session (answered here, so it never reaches the live server) and releases
    # it with navigator.sendBeacon on `pagehide`. That beacon, fired as the context closes at teardown, escapes
    # page.route and reaches the live server after the test database is gone: a 500 whose traceback, formatted
    # in the server's thread while pytest formats another, has crashed Python 3.11's ast-based caret finder.
    page.route(
        "**/cms/editing-sessions/**",
        lambda route: route.fulfill(status=200, body="{}", content_type="application/json"),
    )
    page.add_init_script("navigator.sendBeacon = () => true;")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/cms/pages/{guide_page.pk}/edit/")
    page.locator("button[data-side-panel-toggle='preview']").click()


def test_the_preview_panel_shows_the_page_being_edited(live_server, page, editor):
    """Also: the edit view itself runs under the CSP without a violation (the page fixture fails on any),
    date pickers included (guide/templates/wagtailadmin/widgets/, static/cms/date-choosers.js)."""
    open_preview_panel(page, live_server, editor)
    preview = page.frame_locator("#w-preview-iframe")
    heading = preview.get_by_role("heading", level=1, name="How to take imatinib")
    heading.wait_for(state="visible", timeout=30_000)
    assert heading.is_visible()


def test_the_preview_panel_shows_the_pages_body(live_server, page, editor):
    open_preview_panel(page, live_server, editor)
    body_text = page.frame_locator("#w-preview-iframe").get_by_text("Every day", exact=True)
    body_text.wait_for(state="visible", timeout=30_000)
    assert body_text.is_visible()


def test_the_date_pickers_start_without_an_inline_script(live_server, page, editor):
    open_preview_panel(page, live_server, editor)
    page.get_by_role("tab", name="Settings").click()
    page.locator("#id_next_review_due").click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    picker.wait_for(state="visible")
    assert picker.count() == 1
