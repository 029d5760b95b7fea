"""Wagtail's side-by-side preview at /cms/: the preview response may be framed by our own origin (the
editor shows it in an iframe); every other response, public or console, still refuses all framing."""

import pytest

from guide.models import GuidePage

pytestmark = [pytest.mark.django_db, pytest.mark.guide_seeded_once]


def csp(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def preview_url(slug: str = "how-to-take-imatinib") -> str:
    page = GuidePage.objects.get(slug=slug, locale__language_code="en")
    # Wagtail 8: the panel POSTs the form to this URL, then GETs it into the iframe with these parameters.
    return f"/cms/pages/{page.pk}/edit/preview/?mode=&in_preview_panel=true"


@pytest.fixture
def editor_client(client, guide_site, editor):
    client.force_login(editor)
    return client


def test_an_editors_preview_is_served(editor_client):
    assert editor_client.get(preview_url()).status_code == 200


def test_an_editors_preview_may_be_framed_by_the_same_origin(editor_client):
    assert editor_client.get(preview_url())["X-Frame-Options"] == "SAMEORIGIN"


def test_an_editors_preview_allows_only_our_own_origin_as_frame_ancestor(editor_client):
    assert csp(editor_client.get(preview_url()))["frame-ancestors"] == "'self'"


def test_the_preview_keeps_the_rest_of_the_policy(editor_client):
    assert csp(editor_client.get(preview_url()))["default-src"] == "'self'"


def test_a_reviewers_preview_may_be_framed_too(client, guide_site, reviewer):
    client.force_login(reviewer)
    assert client.get(preview_url())["X-Frame-Options"] == "SAMEORIGIN"


def test_the_edit_page_itself_may_not_be_framed(editor_client):
    page = GuidePage.objects.get(slug="how-to-take-imatinib", locale__language_code="en")
    response = editor_client.get(f"/cms/pages/{page.pk}/edit/")
    assert response["X-Frame-Options"] == "DENY"


def test_the_cms_dashboard_may_not_be_framed(editor_client):
    assert csp(editor_client.get("/cms/"))["frame-ancestors"] == "'none'"


def test_an_anonymous_preview_request_is_not_framable(client, guide_site):
    response = client.get(preview_url())
    assert (response.status_code, response["X-Frame-Options"]) == (302, "DENY")


def test_a_signed_in_outsiders_preview_request_is_not_framable(client, guide_site, charlie):
    client.force_login(charlie)
    assert client.get(preview_url())["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/", "/how-to-take-imatinib/", "/hi/", "/hi/how-to-take-imatinib/", "/book/", "/chat/", "/preview/"]
)
def test_public_pages_may_not_be_framed(client, guide_site, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"


def test_public_pages_may_not_be_framed_while_an_editor_is_signed_in(editor_client):
    response = editor_client.get("/how-to-take-imatinib/")
    assert (response["X-Frame-Options"], csp(response)["frame-ancestors"]) == ("DENY", "'none'")


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/"])
def test_the_admin_may_not_be_framed(client, ada, path):
    client.force_login(ada)
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"
