"""Patient-rights fixtures: the messaging ones (locmem outbox, quiet hours off), the web chat's Verify backend,
and a patient of alice's whose name, phone and e-mail the erasure tests look for everywhere."""

import re
from typing import cast

import pytest

from messaging.models import Message
from patients.models import Patient
from tests.factories.people import PatientFactory
from tests.messaging.conftest import messaging_settings, outbox  # noqa: F401 (fixtures)
from tests.webchat.conftest import codes, verify_settings  # noqa: F401 (fixtures)

NAME = "Asha Verma"
PHONE = "+919812345678"
LOCAL_PHONE = "9812345678"
EMAIL = "asha.verma@example.org"


@pytest.fixture
def patient(alice) -> Patient:
    return cast(Patient, PatientFactory(coordinator=alice, full_name=NAME, phone=PHONE, email=EMAIL, consent_sms=True))


def token_from(message: Message) -> str:
    """The data package token in the message that carried it."""
    found = re.search(r"/r/([A-Za-z0-9_-]+)/", message.body)
    assert found is not None, message.body
    return found.group(1)
