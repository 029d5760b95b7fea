"""Sign-in security pages in a real browser, each checked with axe-core (0 violations)."""

from base64 import b32decode
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from accounts.sessions import LAST_SEEN_KEY
from tests.accounts.conftest import PASSWORD, current_code
from tests.factories.people import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_the_sign_in_page_is_accessible(live_server, page, assert_accessible):
    page.goto(f"{live_server.url}/admin/login/")
    assert_accessible()


def test_a_locked_account_is_told_what_to_do(live_server, page, settings, assert_accessible, screenshot):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="meera", roles=["coordinator"])
    for _ in range(3):
        sign_in(page, live_server, "meera", "wrong-guess")
    assert page.locator("h1").inner_text() == "Account locked"
    assert "Wait 30 minutes and try again" in page.locator("#content-main").inner_text()
    screenshot("accounts-locked")
    assert_accessible()


def test_the_sign_in_page_says_the_session_timed_out(live_server, page, assert_accessible):
    UserFactory(username="meera", roles=["coordinator"])
    sign_in(page, live_server, "meera")
    page.wait_for_url("**/admin/")
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[LAST_SEEN_KEY] = (timezone.now() - timedelta(minutes=31)).timestamp()
    session.save()
    page.goto(f"{live_server.url}/admin/")
    assert "Your session timed out after 30 minutes" in page.locator(".messagelist").inner_text()
    assert page.locator("#id_username").is_visible()
    assert_accessible()


@pytest.mark.real_mfa
def test_an_admin_enrols_and_saves_recovery_codes(live_server, page, assert_accessible, screenshot):
    UserFactory(username="grace", is_superuser=True)
    sign_in(page, live_server, "grace")
    page.wait_for_url("**/account/mfa/setup/**")
    assert page.locator("svg[role=img]").count() == 1
    screenshot("accounts-mfa-setup")
    assert_accessible()
    secret = page.locator("#mfa-secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user__username="grace")
    assert b32decode(secret) == device.bin_key
    page.fill("#id_code", f"{TOTP(b32decode(secret)).token():06d}")
    page.click("input[type=submit]")
    assert page.locator(".recovery-codes li").count() == 10
    assert_accessible()
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url("**/admin/")


@pytest.mark.real_mfa
def test_an_enrolment_code_that_does_not_match_is_explained(live_server, page, assert_accessible):
    UserFactory(username="grace", is_superuser=True)
    sign_in(page, live_server, "grace")
    page.wait_for_url("**/account/mfa/setup/**")
    page.fill("#id_code", "12")
    page.click("input[type=submit]")
    assert "That code did not match" in page.locator("#code-error").inner_text()
    assert_accessible()


@pytest.mark.real_mfa
def test_an_admin_with_a_device_enters_the_code(live_server, page, ada, assert_accessible, screenshot):
    sign_in(page, live_server, "ada")
    page.wait_for_url("**/account/mfa/verify/**")
    assert_accessible()
    page.fill("#id_code", "abcdefgh")
    page.click("input[type=submit]")
    assert "That code did not match" in page.locator("#code-error").inner_text()
    screenshot("accounts-mfa-verify-error")
    assert_accessible()
    page.wait_for_timeout(1_100)  # django-otp's back-off after one wrong code
    page.fill("#id_code", current_code(TOTPDevice.objects.get(user=ada)))
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/account/mfa/setup/")
    assert "Two-step login is on for your account" in page.locator("#content-main").inner_text()
    assert_accessible()


def test_a_coordinator_creates_sees_once_and_revokes_a_token(live_server, page, assert_accessible, screenshot):
    UserFactory(username="meera", roles=["coordinator"])
    sign_in(page, live_server, "meera")
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name="API tokens").click()
    assert_accessible()
    page.fill("#id_name", "lab import")
    page.click("input[value='Create token']")
    secret = page.locator("#token-secret").input_value()
    assert secret.startswith("ct_")
    screenshot("accounts-token-created")
    assert_accessible()
    page.get_by_role("link", name="Back to your tokens").click()
    assert secret not in page.content()
    assert_accessible()
    page.get_by_role("button", name="Revoke lab import").click()
    assert "is revoked" in page.locator(".messagelist").inner_text()
    assert ApiToken.objects.get(name="lab import").revoked_at is not None
    assert_accessible()


def test_a_refused_token_form_is_accessible(live_server, page, assert_accessible):
    UserFactory(username="meera", roles=["coordinator"])
    sign_in(page, live_server, "meera")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/account/tokens/")
    page.fill("#id_expires_in_days", "100000")
    page.click("input[value='Create token']")
    assert "less than or equal to" in page.locator("#content-main").inner_text()
    assert_accessible()


def test_my_settings_page_is_accessible_and_changes_the_zone(live_server, page, assert_accessible, screenshot):
    UserFactory(username="meera", roles=["coordinator"])
    sign_in(page, live_server, "meera")
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name="My settings").click()
    page.wait_for_url("**/account/settings/")
    assert_accessible()
    page.select_option("#id_time_zone", "Europe/London")
    page.click("input[type=submit]")
    page.wait_for_url("**/account/settings/")
    assert "Times now show in Europe/London" in page.locator(".messagelist").inner_text()
    screenshot("accounts-my-settings")
    assert_accessible()
