"""Issue 14: each staff member's own time zone ("My settings"), kept in the session, used by console and API."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffProfile
from accounts.preferences import ZONE_KEY, staff_time_zone_of, staff_time_zone_set
from accounts.tokens import api_token_create
from clinic.errors import DomainError
from patients.models import AuditEntry
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db

SETTINGS = "/account/settings/"
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def session_of(client) -> SessionStore:
    return SessionStore(session_key=client.cookies["sessionid"].value)


# --- the service ---------------------------------------------------------------------------------


def test_without_settings_a_user_follows_the_clinic_zone(alice):
    assert staff_time_zone_of(user=alice) == ""


def test_a_user_sets_their_own_zone(alice):
    staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    assert staff_time_zone_of(user=alice) == "Europe/London"


def test_setting_a_zone_is_audited(alice):
    profile = staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    entry = AuditEntry.objects.get(object_type="accounts.StaffProfile", object_id=str(profile.pk))
    assert entry.changed_fields == ["time_zone"]


def test_saving_the_same_zone_again_writes_no_second_entry(alice):
    staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    assert AuditEntry.objects.filter(object_type="accounts.StaffProfile").count() == 1


def test_an_empty_zone_goes_back_to_the_clinic_zone(alice):
    staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    staff_time_zone_set(user=alice, time_zone="", by=alice)
    assert staff_time_zone_of(user=alice) == ""


def test_an_unknown_zone_is_refused_on_its_field(alice):
    with pytest.raises(DomainError) as refused:
        staff_time_zone_set(user=alice, time_zone="Mars/Olympus", by=alice)
    assert refused.value.field == "time_zone"


def test_a_coordinator_cannot_set_a_colleagues_zone(alice, bob):
    with pytest.raises(DomainError):
        staff_time_zone_set(user=bob, time_zone="Europe/London", by=alice)


def test_an_admin_sets_a_colleagues_zone(ada, bob):
    staff_time_zone_set(user=bob, time_zone="Europe/London", by=ada)
    assert staff_time_zone_of(user=bob) == "Europe/London"


def test_an_outsider_has_no_settings(charlie):
    with pytest.raises(DomainError):
        staff_time_zone_set(user=charlie, time_zone="Europe/London", by=charlie)


# --- "My settings" -------------------------------------------------------------------------------


def test_my_settings_shows_the_clinic_zone_by_default(client, alice):
    client.force_login(alice)
    assert (
        "now is <strong>1 Dec 2026, 09:30 IST</strong> (the clinic's zone, Asia/Kolkata)"
        in client.get(SETTINGS).content.decode()
    )


def test_my_settings_saves_the_zone(client, alice):
    client.force_login(alice)
    response = client.post(SETTINGS, {"time_zone": "Europe/London"})
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=alice).time_zone == "Europe/London"


def test_the_saved_zone_applies_on_the_next_page_at_once(client, alice):
    client.force_login(alice)
    client.post(SETTINGS, {"time_zone": "Europe/London"})
    assert "now is <strong>1 Dec 2026, 04:00 GMT</strong>" in client.get(SETTINGS).content.decode()


def test_saving_says_how_times_now_read(client, alice):
    client.force_login(alice)
    response = client.post(SETTINGS, {"time_zone": "Europe/London"}, follow=True)
    assert "Saved. Times now show in Europe/London, e.g. 1 Dec 2026, 04:00 GMT." in response.content.decode()


def test_an_unknown_zone_is_reported_on_its_field(client, alice):
    client.force_login(alice)
    response = client.post(SETTINGS, {"time_zone": "Mars/Olympus"})
    assert response.context["form"].errors["time_zone"] == [
        "Choose a time zone from the list, e.g. Asia/Kolkata or Europe/London."
    ]


def test_an_outsider_cannot_open_my_settings(client, charlie):
    client.force_login(charlie)
    assert client.get(SETTINGS).status_code == 403


def test_my_settings_asks_for_the_sign_in_first(client):
    assert client.get(SETTINGS).status_code == 302


def test_the_console_header_links_to_my_settings(client, alice):
    client.force_login(alice)
    assert f'href="{SETTINGS}">My settings</a>' in client.get("/admin/").content.decode()


# --- the session ---------------------------------------------------------------------------------


def test_signing_in_puts_the_users_zone_in_the_session(client, alice):
    staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    client.force_login(alice)
    assert session_of(client)[ZONE_KEY] == "Europe/London"


def test_a_console_page_reads_no_settings_row(client, alice):
    """The zone comes from the session: the page costs what it cost before."""
    staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    client.force_login(alice)
    client.get(SETTINGS)
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/consults/consult/")
    assert not [q for q in queries.captured_queries if "accounts_staffprofile" in q["sql"]]


def test_a_session_from_before_the_feature_reads_the_zone_once(client, alice):
    staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    client.force_login(alice)
    session = session_of(client)
    del session[ZONE_KEY]
    session.save()
    client.get("/admin/")
    assert session_of(client)[ZONE_KEY] == "Europe/London"


def test_an_admins_change_applies_from_the_next_sign_in(client, ada, bob):
    client.force_login(bob)
    staff_time_zone_set(user=bob, time_zone="Europe/London", by=ada)
    client.force_login(bob)
    assert session_of(client)[ZONE_KEY] == "Europe/London"


# --- the admin's page for everyone's settings ------------------------------------------------------


def test_an_admin_sets_a_zone_in_the_console(client, ada, bob):
    client.force_login(ada)
    response = client.post(reverse("admin:accounts_staffprofile_add"), {"user": bob.pk, "time_zone": "Asia/Dubai"})
    assert response.status_code == 302
    assert staff_time_zone_of(user=bob) == "Asia/Dubai"


def test_the_admin_page_refuses_an_account_without_a_role(client, ada, charlie):
    client.force_login(ada)
    response = client.post(reverse("admin:accounts_staffprofile_add"), {"user": charlie.pk, "time_zone": ""})
    assert "user" in response.context["adminform"].form.errors


def test_coordinators_do_not_see_everyones_settings(client, alice):
    client.force_login(alice)
    assert client.get(reverse("admin:accounts_staffprofile_changelist")).status_code == 403


# --- the API ----------------------------------------------------------------------------------------


def test_api_times_stay_iso_8601_in_the_clinic_zone_by_default(client, alice):
    PatientFactory(coordinator=alice)
    client.force_login(alice)
    created = client.get("/api/v1/patients/").json()["results"][0]["created_at"]
    assert created == "2026-12-01T09:30:00+05:30"


def test_api_times_come_in_the_token_owners_zone(client, alice):
    PatientFactory(coordinator=alice)
    staff_time_zone_set(user=alice, time_zone="Europe/London", by=alice)
    _, secret = api_token_create(user=alice, name="script", expires_in_days=30)
    created = client.get("/api/v1/patients/", headers={"Authorization": f"Token {secret}"}).json()["results"][0]
    assert created["created_at"] == "2026-12-01T04:00:00Z"


def test_api_times_follow_the_session_users_zone(client, alice):
    PatientFactory(coordinator=alice)
    staff_time_zone_set(user=alice, time_zone="Asia/Dubai", by=alice)
    client.force_login(alice)
    created = client.get("/api/v1/patients/").json()["results"][0]["created_at"]
    assert created == "2026-12-01T08:00:00+04:00"
