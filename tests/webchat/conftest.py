"""Web chat fixtures: the messaging ones (locmem outbox, task queue) plus the locmem Verify backend."""

from collections.abc import Iterator

import pytest

from messaging.verify import LocmemVerifyBackend
from tests.messaging.conftest import commit, messaging_settings, outbox, run_tasks  # noqa: F401 (fixtures)

PHONE = "+919876500011"


@pytest.fixture(autouse=True)
def verify_settings(settings):
    settings.VERIFY_BACKEND = "locmem"
    settings.VERIFY_CODE_TTL_MINUTES = 10
    settings.VERIFY_MAX_ATTEMPTS = 5
    settings.WEBCHAT_CODES_PER_PHONE_HOUR = 5
    settings.WEBCHAT_CODES_PER_IP_HOUR = 20
    settings.PUBLIC_BASE_URL = "https://clinic.example.org"
    return settings


@pytest.fixture(autouse=True)
def codes() -> Iterator[type[LocmemVerifyBackend]]:
    LocmemVerifyBackend.reset()
    yield LocmemVerifyBackend
    LocmemVerifyBackend.reset()


def start_chat(
    client, *, phone: str = PHONE, name: str = "Meera Iyer", consent_sms: bool = True, ip: str = "203.0.113.7"
):
    data = {"name": name, "phone": phone, "website": ""}
    if consent_sms:
        data["consent_sms"] = "on"
    return client.post("/chat/", data, REMOTE_ADDR=ip)


def open_chat(client, *, phone: str = PHONE, **kwargs) -> str:
    """Start, read the code from the locmem backend, enter it; returns the thread URL."""
    assert start_chat(client, phone=phone, **kwargs).status_code == 302
    response = client.post("/chat/code/", {"code": LocmemVerifyBackend.last_code_for(phone)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]
