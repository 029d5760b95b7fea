"""Wrong passwords lock a username+address for a while; the page says so; an admin's unlock is audited."""

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.utils import timezone

from accounts.lockout import client_ip
from patients.models import AuditAction, AuditEntry
from tests.accounts.conftest import sign_in


def test_forty_wrong_passwords_lock_the_account_and_say_so(client, alice):
    responses = [sign_in(client, "alice", "wrong-guess") for _ in range(40)]
    assert responses[0].status_code == 200
    assert responses[-1].status_code == 429
    assert "Account locked" in responses[-1].text
    assert "Wait 30 minutes and try again, or ask a console administrator to unlock it" in responses[-1].text


def test_the_lock_starts_at_the_configured_failure_limit(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 10
    statuses = [sign_in(client, "alice", "wrong-guess").status_code for _ in range(10)]
    assert statuses[:9] == [200] * 9
    assert statuses[9] == 429


def test_a_locked_account_is_refused_even_with_the_right_password(client, alice):
    for _ in range(10):
        sign_in(client, "alice", "wrong-guess")
    response = sign_in(client, "alice")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_address(client, alice):
    for _ in range(10):
        sign_in(client, "alice", "wrong-guess", REMOTE_ADDR="203.0.113.9")
    response = sign_in(client, "alice", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_lock_ends_after_the_cool_off(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(10):
            sign_in(client, "alice", "wrong-guess")
        traveller.shift(31 * 60)
        response = sign_in(client, "alice")
    assert response.status_code == 302


def test_a_right_password_before_the_limit_clears_the_count(client, alice):
    for _ in range(9):
        sign_in(client, "alice", "wrong-guess")
    sign_in(client, "alice")
    client.logout()
    assert AccessAttempt.objects.filter(username="alice").exists() is False


def test_admin_unlock_lets_the_user_in_and_is_audited(client, alice, ada):
    for _ in range(10):
        sign_in(client, "alice", "wrong-guess")
    attempt = AccessAttempt.objects.get(username="alice")
    admin_client = client_class_for(client)
    admin_client.force_login(ada)
    response = admin_client.post("/admin/accounts/signinlock/", {"action": "unlock", "_selected_action": [attempt.pk]})
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="alice").exists() is False
    entry = AuditEntry.objects.get(object_type="accounts.SignInLock")
    assert entry.actor == ada
    assert entry.action == AuditAction.DELETE
    assert "alice" in entry.object_repr
    assert sign_in(client, "alice").status_code == 302


def test_only_admins_see_the_lockout_list(client, alice):
    client.force_login(alice)
    assert client.get("/admin/accounts/signinlock/").status_code == 403


@pytest.mark.parametrize(
    ("proxies", "address"),
    [
        pytest.param(0, "10.0.0.2", id="forwarded-for ignored without trusted proxies"),
        pytest.param(1, "203.0.113.5", id="the entry the trusted proxy added"),
    ],
)
def test_the_lock_counts_the_client_address_the_trusted_proxies_give(settings, proxies, address):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_ip(request) == address


def test_a_spoofed_forwarded_for_cannot_dodge_the_lock(client, alice, settings):
    settings.NUM_PROXIES = 1
    for n in range(10):
        sign_in(client, "alice", "wrong-guess", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.5")
    response = sign_in(client, "alice", HTTP_X_FORWARDED_FOR="10.9.9.99, 203.0.113.5")
    assert response.status_code == 429


def client_class_for(client):
    return type(client)()
