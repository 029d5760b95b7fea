"""Twilio Verify v2 through the real SDK against Twilio's own OpenAPI description, served by Prism
with --errors: start and check succeed; a request that breaks the spec gets 422 and becomes a
clear error, never an exception the page cannot explain."""

import pytest
from twilio.base import values
from twilio.base.exceptions import TwilioRestException

from messaging import twilio_client
from messaging.verify import TwilioVerifyBackend, VerifyError, classify_verify_error

pytestmark = pytest.mark.contract
SERVICE_SID = "VA" + "0" * 32


@pytest.fixture
def verify(settings, prism_verify_url):
    settings.VERIFY_BACKEND = "twilio"
    settings.TWILIO_API_BASE_URL = prism_verify_url
    settings.TWILIO_VERIFY_SERVICE_SID = SERVICE_SID
    twilio_client._client.cache_clear()
    yield settings
    twilio_client._client.cache_clear()


def test_start_sends_an_sms_verification_accepted_by_the_spec(verify):
    started = TwilioVerifyBackend().start(phone="+919876500001")
    assert started.sid.startswith("VE")


def test_start_keeps_no_code_locally(verify):
    started = TwilioVerifyBackend().start(phone="+919876500001")
    assert started.code_hash == ""


def test_check_with_a_code_is_accepted_by_the_spec(verify):
    # Prism answers with the spec's example check, whose status is "approved".
    assert TwilioVerifyBackend().check(phone="+919876500001", code="123456", code_hash="") is True


def test_a_start_without_channel_gets_422_from_the_mock(verify):
    service = twilio_client.twilio_client().verify.v2.services(SERVICE_SID)
    with pytest.raises(TwilioRestException) as caught:
        service.verifications.create(to="+919876500001", channel=values.unset)
    assert caught.value.status == 422


def test_a_spec_breaking_start_becomes_a_clear_error(verify):
    # (An entirely empty body is let through by the mock, so the break is a missing Channel.)
    service = twilio_client.twilio_client().verify.v2.services(SERVICE_SID)
    with pytest.raises(TwilioRestException) as caught:
        service.verifications.create(to="+919876500001", channel=values.unset)
    error = classify_verify_error(caught.value)
    assert error.reason == "The code service refused our request. Please call the clinic; we have been told."


def test_a_malformed_service_sid_is_refused_as_a_clear_error(verify, settings):
    settings.TWILIO_VERIFY_SERVICE_SID = "not-a-service-sid"
    with pytest.raises(VerifyError) as caught:
        TwilioVerifyBackend().start(phone="+919876500001")
    assert "refused our request" in caught.value.reason


def test_without_a_service_sid_the_backend_says_what_to_set(verify, settings):
    settings.TWILIO_VERIFY_SERVICE_SID = ""
    with pytest.raises(VerifyError, match="TWILIO_VERIFY_SERVICE_SID"):
        TwilioVerifyBackend()


def test_the_web_chat_sends_its_code_through_twilio_verify(db, verify):
    from webchat.services import verification_start

    verification = verification_start(
        phone="+919876500001", full_name="Meera", consent_sms=False, ip_address="203.0.113.7"
    )
    assert verification.twilio_sid.startswith("VE")
    assert verification.code_hash == ""


def test_the_web_chat_opens_when_twilio_approves_the_code(db, verify):
    from webchat.services import verification_check, verification_start

    verification = verification_start(
        phone="+919876500001", full_name="Meera", consent_sms=False, ip_address="203.0.113.7"
    )
    chat = verification_check(verification=verification, code="123456")
    assert chat.patient.phone == "+919876500001"


def test_a_refused_start_counts_against_the_limit_and_shows_a_clear_error(db, verify, settings):
    from clinic.errors import DomainError
    from webchat.models import PhoneVerification
    from webchat.services import verification_start

    settings.TWILIO_VERIFY_SERVICE_SID = "not-a-service-sid"
    with pytest.raises(DomainError, match="call the clinic"):
        verification_start(phone="+919876500001", full_name="Meera", consent_sms=False, ip_address=None)
    assert PhoneVerification.objects.get().locked_at is not None
