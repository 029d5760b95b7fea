"""One-time codes for the web chat: limits against SMS pumping and guessing, expiry, and what a
verified code links to."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from messaging.models import Message
from patients.contact_validation import phone_error_message
from tests.factories.people import PatientFactory
from tests.webchat.conftest import PHONE, open_chat, start_chat
from webchat.models import PhoneVerification, WebChat
from webchat.services import CodeNotAccepted, verification_check

pytestmark = pytest.mark.django_db


def wrong_code(codes, phone: str = PHONE) -> str:
    right = codes.last_code_for(phone)
    return "000000" if right != "000000" else "111111"


def test_start_sends_a_code_and_asks_for_it(client, codes):
    response = start_chat(client)
    assert response["Location"] == "/chat/code/"
    assert len(codes.sent) == 1


def test_a_local_code_is_stored_only_as_a_hash(client, codes):
    start_chat(client)
    verification = PhoneVerification.objects.get()
    assert codes.last_code_for(PHONE) not in verification.code_hash
    assert len(verification.code_hash) == 64


def test_sixth_code_for_one_phone_within_the_hour_is_refused(client, codes):
    for attempt in range(5):
        assert start_chat(client, ip=f"203.0.113.{attempt + 1}").status_code == 302
    response = start_chat(client, ip="203.0.113.99")
    assert response.status_code == 429
    assert "5 codes to this number in the last hour" in response.content.decode()
    assert len(codes.sent) == 5


def test_codes_for_one_phone_are_allowed_again_after_an_hour(client, codes):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            start_chat(client)
        traveller.shift(dt.timedelta(minutes=61))
        assert start_chat(client).status_code == 302


def test_codes_from_one_address_are_limited_across_phones(client, settings, codes):
    settings.WEBCHAT_CODES_PER_IP_HOUR = 3
    for index in range(3):
        assert start_chat(client, phone=f"+91987650010{index}").status_code == 302
    response = start_chat(client, phone="+919876500109")
    assert response.status_code == 429
    assert "from this connection" in response.content.decode()


def test_a_filled_honeypot_sends_no_code(client, codes):
    response = client.post("/chat/", {"name": "Bot", "phone": PHONE, "website": "http://spam"})
    assert response.status_code == 400
    assert codes.sent == []


def test_an_invalid_phone_gets_the_booking_forms_message(client, codes):
    response = client.post("/chat/", {"name": "Meera", "phone": "12", "website": ""})
    assert response.status_code == 400
    assert escape(phone_error_message()) in response.content.decode()


def test_a_wrong_code_says_how_many_tries_are_left(client, codes):
    start_chat(client)
    response = client.post("/chat/code/", {"code": wrong_code(codes)})
    assert response.status_code == 400
    assert "4 tries left" in response.content.decode()


def test_five_wrong_codes_lock_the_verification(client, codes):
    start_chat(client)
    for _ in range(5):
        client.post("/chat/code/", {"code": wrong_code(codes)})
    response = client.post("/chat/code/", {"code": codes.last_code_for(PHONE)})
    assert response.status_code == 400
    assert "no longer works" in response.content.decode()
    assert WebChat.objects.count() == 0


def test_the_fifth_wrong_code_marks_the_verification_locked(client, codes):
    start_chat(client)
    for _ in range(5):
        client.post("/chat/code/", {"code": wrong_code(codes)})
    assert PhoneVerification.objects.get().locked_at is not None


def test_an_expired_code_is_refused(client, codes):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        start_chat(client)
        traveller.shift(dt.timedelta(minutes=10, seconds=1))
        response = client.post("/chat/code/", {"code": codes.last_code_for(PHONE)})
    assert response.status_code == 400
    assert "has expired" in response.content.decode()


def test_a_code_works_only_once(client, codes):
    start_chat(client)
    code = codes.last_code_for(PHONE)
    client.post("/chat/code/", {"code": code})
    with pytest.raises(CodeNotAccepted, match="already used"):
        verification_check(verification=PhoneVerification.objects.get(), code=code)


def test_a_right_code_opens_a_chat_for_a_new_lead_from_the_website(client, codes):
    open_chat(client)
    chat = WebChat.objects.select_related("patient").get()
    assert chat.patient.is_lead is True
    assert chat.patient.source == "web"
    assert chat.linked_existing_patient is False


def test_ticked_consent_is_recorded_on_the_patient_and_the_chat(client, codes):
    open_chat(client, consent_sms=True)
    chat = WebChat.objects.select_related("patient").get()
    assert chat.patient.consent_sms is True
    assert chat.consent_text != ""


def test_unticked_consent_records_none(client, codes):
    open_chat(client, consent_sms=False)
    chat = WebChat.objects.select_related("patient").get()
    assert chat.patient.consent_sms is False


def test_a_verified_code_links_the_existing_record_without_changing_its_name(client, codes):
    existing = PatientFactory(phone=PHONE, full_name="Meera Iyer (booked)")
    open_chat(client, name="Someone Else")
    chat = WebChat.objects.get()
    existing.refresh_from_db()
    assert chat.patient_id == existing.pk
    assert chat.linked_existing_patient is True
    assert existing.full_name == "Meera Iyer (booked)"


def test_before_the_code_nothing_joins_an_existing_record(client, codes):
    existing = PatientFactory(phone=PHONE)
    start_chat(client)
    assert WebChat.objects.count() == 0
    assert Message.objects.filter(patient=existing).count() == 0


def test_the_code_page_without_a_started_chat_goes_back_to_the_start(client):
    response = client.get("/chat/code/")
    assert response["Location"] == "/chat/"


def test_without_a_code_service_in_production_the_chat_says_to_call(client, settings, codes):
    settings.DEBUG = False
    settings.VERIFY_BACKEND = "console"
    response = start_chat(client)
    assert response.status_code == 503
    assert "not available just now" in response.content.decode()
    assert PhoneVerification.objects.count() == 0
