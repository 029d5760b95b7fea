"""Patient-rights fixtures: the messaging ones (locmem outbox, quiet hours off), the web chat's Verify backend,
a patient of alice's whose name, phone and e-mail the erasure tests look for everywhere, and an open correction
and erasure request for her."""

import re
from typing import cast

import pytest

from messaging.models import Message
from patients.models import Patient
from rights.models import CorrectionRequest, ErasureRequest
from tests.factories.people import PatientFactory
from tests.factories.rights import correction_request, erasure_request
from tests.messaging.conftest import messaging_settings, outbox  # noqa: F401 (fixtures)
from tests.webchat.conftest import codes, verify_settings  # noqa: F401 (fixtures)

NAME = "Asha Verma"
PHONE = "+919812345678"
LOCAL_PHONE = "9812345678"
EMAIL = "asha.verma@example.org"


@pytest.fixture
def patient(alice) -> Patient:
    return cast(Patient, PatientFactory(coordinator=alice, full_name=NAME, phone=PHONE, email=EMAIL, consent_sms=True))


@pytest.fixture
def correction(alice, patient) -> CorrectionRequest:
    """A correction request alice recorded for her patient, not yet decided."""
    return correction_request(patient, actor=alice)


@pytest.fixture
def erasure(alice, patient) -> ErasureRequest:
    """An erasure request alice recorded for her patient, not yet carried out."""
    return erasure_request(patient, actor=alice)


def token_from(message: Message) -> str:
    """The data package token in the message that carried it."""
    found = re.search(r"/r/([A-Za-z0-9_-]+)/", message.body)
    assert found is not None, message.body
    return found.group(1)
