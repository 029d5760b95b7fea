"""Two-step login: admins must enrol and verify before the console; recovery codes work once."""

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import RECOVERY_CODE_COUNT
from patients.models import AuditEntry
from tests.accounts.conftest import current_code, sign_in
from tests.factories.people import UserFactory

pytestmark = pytest.mark.real_mfa
SETUP = "/account/mfa/setup/"
VERIFY = "/account/mfa/verify/"


@pytest.fixture
def new_admin(db):
    return UserFactory(username="grace", is_superuser=True)


def enrol(client, user) -> list[str]:
    """Sign in, open enrolment, confirm with the app's code; returns the recovery codes shown."""
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": current_code(device)})
    assert response.status_code == 200
    return response.context["codes"]


def test_admin_without_a_device_is_sent_to_enrolment(client, new_admin):
    client.force_login(new_admin)
    response = client.get("/admin/patients/patient/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2Fpatients%2Fpatient%2F"


def test_admin_without_a_device_cannot_reach_the_cms_either(client, new_admin):
    client.force_login(new_admin)
    assert client.get("/cms/").headers["Location"].startswith(SETUP)


def test_admin_with_a_device_is_asked_for_a_code_after_the_password(client, ada):
    response = sign_in(client, "ada")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


def test_admin_reaches_the_console_with_the_current_code(client, ada, ada_device):
    sign_in(client, "ada")
    response = client.post(VERIFY, {"code": current_code(ada_device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_with_what_to_do(client, ada, ada_device):
    sign_in(client, "ada")
    wrong = f"{(int(current_code(ada_device)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "That code did not match" in response.text
    assert client.get("/admin/").status_code == 302


def test_enrolment_turns_the_device_on_and_opens_the_console(client, new_admin):
    enrol(client, new_admin)
    assert TOTPDevice.objects.get(user=new_admin).confirmed is True
    assert client.get("/admin/").status_code == 200


def test_enrolment_shows_recovery_codes_once(client, new_admin):
    codes = enrol(client, new_admin)
    assert len(set(codes)) == RECOVERY_CODE_COUNT
    again = client.get(SETUP)
    assert not any(code in again.text for code in codes)


def test_enrolment_is_audited(client, new_admin):
    enrol(client, new_admin)
    assert AuditEntry.objects.filter(actor=new_admin, object_type="otp_totp.TOTPDevice", action="create").count() == 1


def test_a_wrong_code_does_not_confirm_enrolment(client, new_admin):
    client.force_login(new_admin)
    client.get(SETUP)
    response = client.post(
        SETUP, {"code": "000000" if current_code(TOTPDevice.objects.get(user=new_admin)) != "000000" else "111111"}
    )
    assert "That code did not match" in response.text
    assert TOTPDevice.objects.get(user=new_admin).confirmed is False


def test_a_recovery_code_signs_in_once(client, new_admin):
    codes = enrol(client, new_admin)
    client.logout()
    sign_in(client, "grace")
    first = client.post(VERIFY, {"code": codes[0].upper()})
    assert first.status_code == 302
    client.logout()
    sign_in(client, "grace")
    second = client.post(VERIFY, {"code": codes[0]})
    assert second.status_code == 200
    assert StaticToken.objects.filter(device__user=new_admin).count() == RECOVERY_CODE_COUNT - 1


def test_a_password_alone_cannot_get_new_recovery_codes(client, ada):
    sign_in(client, "ada")
    response = client.post(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert StaticToken.objects.filter(device__user=ada).exists() is False


def test_a_coordinator_is_not_forced(client, alice):
    client.force_login(alice)
    assert client.get("/admin/").status_code == 200


def test_a_coordinator_is_forced_when_the_setting_says_so(client, alice, settings):
    settings.MFA_REQUIRED_ROLES = ["admin", "coordinator"]
    client.force_login(alice)
    assert client.get("/admin/").headers["Location"].startswith(SETUP)


def test_a_coordinator_who_enrolled_is_asked_for_the_code(client, alice):
    enrol(client, alice)
    client.logout()
    sign_in(client, "alice")
    assert client.get("/admin/").headers["Location"].startswith(VERIFY)


def test_the_api_does_not_take_a_session_that_skipped_the_code(client, ada):
    sign_in(client, "ada")
    response = client.get("/api/v1/patients/")
    assert response.status_code == 401


def test_the_sign_in_page_stays_reachable(client, new_admin):
    client.force_login(new_admin)
    assert client.get("/admin/login/").status_code in (200, 302)
    assert not client.get("/admin/login/").headers.get("Location", "").startswith(SETUP)


def test_next_cannot_send_the_user_to_another_site(client, ada, ada_device):
    sign_in(client, "ada")
    response = client.post(VERIFY, {"code": current_code(ada_device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_codes_right_after_a_wrong_one_are_held_back_and_say_how_long(client, ada, ada_device):
    sign_in(client, "ada")
    with time_machine.travel(timezone.now(), tick=False):
        client.post(VERIFY, {"code": "abcdefgh"})
        response = client.post(VERIFY, {"code": current_code(ada_device)})
    assert "Too many wrong codes in a row: wait 1 second and try again" in response.text
    assert client.get("/admin/").status_code == 302


def test_an_admin_removes_a_lost_device_and_it_is_audited(client, ada, ada_device, alice):
    lost = TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    client.force_login(ada)
    client.post(VERIFY, {"code": current_code(ada_device)})
    response = client.post(f"/admin/otp_totp/totpdevice/{lost.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=alice).exists() is False
    assert AuditEntry.objects.filter(object_type="otp_totp.TOTPDevice", action="delete", actor=ada).count() == 1


def test_the_console_never_shows_a_device_secret(client, ada, ada_device):
    client.force_login(ada)
    client.post(VERIFY, {"code": current_code(ada_device)})
    page = client.get(f"/admin/otp_totp/totpdevice/{ada_device.pk}/change/")
    assert page.status_code == 200
    assert ada_device.key not in page.text


def test_token_pages_wait_for_the_two_step_login(client, ada):
    sign_in(client, "ada")
    response = client.get("/account/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
