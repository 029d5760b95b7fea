"""Personal API tokens: shown once, stored hashed, work until revoked or expired; 401 for a bad credential."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import SECRET_PREFIX, api_token_create, api_token_revoke
from patients.models import AuditEntry

LIST = "/api/v1/patients/"
TOKENS = "/account/tokens/"


def auth(secret: str) -> dict:
    return {"Authorization": f"Token {secret}"}


@pytest.fixture
def alice_token(alice) -> tuple[ApiToken, str]:
    return api_token_create(user=alice, name="lab import", expires_in_days=90)


def test_a_token_opens_the_api(client, alice_token):
    _, secret = alice_token
    assert client.get(LIST, headers=auth(secret)).status_code == 200


def test_bearer_works_as_well_as_token(client, alice_token):
    _, secret = alice_token
    assert client.get(LIST, headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_revoked_token_gets_401(client, alice, alice_token):
    token, secret = alice_token
    api_token_revoke(token=token, actor=alice)
    response = client.get(LIST, headers=auth(secret))
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token was revoked; create a new one in the console."


def test_a_token_works_until_it_expires(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _, secret = api_token_create(user=alice, name="short", expires_in_days=1)
        traveller.shift(timedelta(hours=23))
        assert client.get(LIST, headers=auth(secret)).status_code == 200
        traveller.shift(timedelta(hours=2))
        assert client.get(LIST, headers=auth(secret)).status_code == 401


def test_the_secret_is_in_no_database_column(alice_token):
    _, secret = alice_token
    # The random part follows the 8-hex lookup prefix; it may itself contain "_" (urlsafe base64).
    random_part = secret[len(SECRET_PREFIX) + 9 :]
    assert len(random_part) >= 40
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            for row in cursor.fetchall():
                assert not any(random_part in str(value) for value in row), table


def test_missing_credentials_get_401_with_a_challenge(client, db):
    response = client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    assert response.json()["detail"] == "Authentication credentials were not provided."


@pytest.mark.parametrize("header", ["Token ct_deadbeef_nope", "Token nonsense", "Token", "Bearer a b"])
def test_bad_credentials_get_401_with_a_challenge(client, db, header):
    response = client.get(LIST, headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_a_signed_in_user_without_the_right_role_still_gets_403(client, charlie):
    client.force_login(charlie)
    assert client.get(LIST).status_code == 403


def test_creation_is_audited(alice, alice_token):
    token, _ = alice_token
    entry = AuditEntry.objects.get(object_type="accounts.ApiToken", action="create")
    assert entry.actor == alice
    assert entry.object_id == str(token.pk)


def test_revocation_is_audited(alice, alice_token):
    token, _ = alice_token
    api_token_revoke(token=token, actor=alice)
    assert AuditEntry.objects.filter(object_type="accounts.ApiToken", action="change", actor=alice).count() == 1


def test_use_is_recorded(client, alice_token):
    token, secret = alice_token
    client.get(LIST, headers=auth(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_console_shows_the_secret_once(client, alice):
    client.force_login(alice)
    created = client.post(TOKENS, {"name": "lab import", "expires_in_days": "30"})
    secret = created.context["secret"]
    assert secret in created.text
    assert created["Cache-Control"].startswith("max-age=0")
    listing = client.get(TOKENS)
    assert "lab import" in listing.text
    assert secret not in listing.text


def test_the_console_refuses_an_expiry_beyond_the_maximum(client, alice, settings):
    settings.API_TOKEN_MAX_DAYS = 365
    client.force_login(alice)
    response = client.post(TOKENS, {"name": "forever", "expires_in_days": "5000"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 365." in response.text
    assert ApiToken.objects.exists() is False


def test_the_console_refuses_a_blank_name(client, alice):
    client.force_login(alice)
    response = client.post(TOKENS, {"name": "  ", "expires_in_days": "30"})
    assert "This field is required." in response.text
    assert ApiToken.objects.exists() is False


def test_the_owner_revokes_from_the_console(client, alice, alice_token):
    token, secret = alice_token
    client.force_login(alice)
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 302
    client.logout()
    assert client.get(LIST, headers=auth(secret)).status_code == 401


def test_a_coordinator_cannot_revoke_someone_elses_token(client, bob, alice_token):
    token, _ = alice_token
    client.force_login(bob)
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_admin_revokes_anyones_token_in_the_console(client, ada, alice_token):
    token, _ = alice_token
    client.force_login(ada)
    client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_by == ada


def test_an_outsider_cannot_create_tokens(client, charlie):
    client.force_login(charlie)
    assert client.get(TOKENS).status_code == 403


def test_the_token_list_costs_the_same_queries_for_many_tokens(client, alice):
    api_token_create(user=alice, name="script 0", expires_in_days=30)
    client.force_login(alice)
    client.get(TOKENS)
    with CaptureQueriesContext(connection) as one:
        client.get(TOKENS)
    for n in range(1, 15):
        api_token_create(user=alice, name=f"script {n}", expires_in_days=30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(TOKENS)
    assert len(response.context["tokens"]) == 15
    assert len(many.captured_queries) == len(one.captured_queries)
    # session, user, roles, the tokens, the console header (permissions x2, inbox badge)
    assert len(many.captured_queries) == 7
