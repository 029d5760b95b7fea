import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "pw-for-tests-only"
LOGIN = "/admin/login/"


def current_code(device: TOTPDevice) -> str:
    """The 6-digit code the user's authenticator app shows right now."""
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


@pytest.fixture
def ada_device(ada) -> TOTPDevice:
    return TOTPDevice.objects.get(user=ada)
