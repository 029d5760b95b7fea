"""Issue 13: consent is explicit and per channel, the confirmation page says only what really goes
out, a resubmitted form finds its booking, and the patient's own link is never throttled as a booking."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.settings import api_settings

from consults.display import slot_value
from consults.models import Consult, ConsultStatus
from consults.slots import Slot
from messaging.models import Message, Status, WhatsAppTemplate
from tests.consults.helpers import DEC_2, ist
from tests.consults.test_pages import details_form
from tests.factories.consults import ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def book(client, django_capture_on_commit_callbacks, form):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/details/", form)
    return response


def test_details_form_asks_one_unticked_consent_question(client, frozen):
    expert = ExpertFactory()
    start = ist(DEC_2, 10)
    value = slot_value(Slot(expert.pk, start, start))
    body = client.get("/book/details/", {"slot": value, "topic": "side_effects", "tz": "Asia/Kolkata"}).content.decode()
    checkbox = re.search(r'<input type="checkbox" name="consent"[^>]*>', body).group(0)
    assert "checked" not in checkbox
    assert 'name="consent_sms"' not in body


def test_details_form_offers_no_messages_as_a_choice(client, frozen):
    expert = ExpertFactory()
    value = slot_value(Slot(expert.pk, ist(DEC_2, 10), ist(DEC_2, 10)))
    body = client.get("/book/details/", {"slot": value, "topic": "side_effects", "tz": "Asia/Kolkata"}).content.decode()
    assert 'value="none"' in body


def test_choosing_sms_without_ticking_consent_is_asked_again_not_silently_ignored(client, frozen):
    form = details_form(ExpertFactory())
    del form["consent"]
    response = client.post("/book/details/", form)
    assert response.status_code == 400
    assert "Tick the box to get your confirmation and reminders by SMS" in response.content.decode()
    assert not Consult.objects.exists()


def test_consent_is_recorded_for_the_chosen_channel_only(client, frozen, django_capture_on_commit_callbacks):
    book(client, django_capture_on_commit_callbacks, details_form(ExpertFactory(), channel="whatsapp"))
    patient = Consult.objects.get().patient
    assert patient.consent_whatsapp is True
    assert patient.consent_sms is False


def test_consent_records_the_wording_version(client, frozen, django_capture_on_commit_callbacks):
    book(client, django_capture_on_commit_callbacks, details_form(ExpertFactory()))
    assert Consult.objects.get().patient.consent_text_version == "2026-02"


def test_declining_messages_books_and_says_plainly_nothing_will_be_sent(
    client, frozen, django_capture_on_commit_callbacks
):
    form = details_form(ExpertFactory(), channel="none")
    del form["consent"]
    response = book(client, django_capture_on_commit_callbacks, form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "We won't message you about this consult." in page
    consult = Consult.objects.get()
    assert f"https://clinic.example.org/c/{consult.manage_token}/" in page


def test_declining_messages_sends_nothing(client, frozen, django_capture_on_commit_callbacks):
    form = details_form(ExpertFactory(), channel="none")
    del form["consent"]
    book(client, django_capture_on_commit_callbacks, form)
    assert not Message.objects.exclude(status=Status.BLOCKED).exists()


def test_declined_confirmation_is_visible_to_staff_with_its_reason(client, frozen, django_capture_on_commit_callbacks):
    form = details_form(ExpertFactory(), channel="none")
    del form["consent"]
    book(client, django_capture_on_commit_callbacks, form)
    assert "has not agreed" in Message.objects.get(kind="consult_confirmation").status_reason


def test_no_messages_with_the_box_ticked_is_questioned(client, frozen):
    response = client.post("/book/details/", details_form(ExpertFactory(), channel="none"))
    assert response.status_code == 400
    assert "You chose no messages" in response.content.decode()


def test_confirmation_page_says_which_channel_the_confirmation_goes_by(
    client, frozen, django_capture_on_commit_callbacks
):
    response = book(client, django_capture_on_commit_callbacks, details_form(ExpertFactory()))
    page = client.get(response["Location"]).content.decode()
    assert "We are sending your confirmation by SMS" in page


def test_whatsapp_choice_without_a_template_does_not_claim_a_message(
    client, frozen, django_capture_on_commit_callbacks
):
    response = book(client, django_capture_on_commit_callbacks, details_form(ExpertFactory(), channel="whatsapp"))
    page = client.get(response["Location"]).content.decode()
    assert "We could not send you a confirmation message." in page


def test_whatsapp_choice_with_an_approved_template_gets_its_confirmation(
    client, frozen, django_capture_on_commit_callbacks
):
    WhatsAppTemplate.objects.create(
        kind="consult_confirmation",
        language="en",
        content_sid="HX" + "1" * 32,
        variables={"1": "patient_name", "2": "reference"},
    )
    book(client, django_capture_on_commit_callbacks, details_form(ExpertFactory(), channel="whatsapp"))
    message = Message.objects.get(kind="consult_confirmation")
    assert (message.status, message.channel, message.used_template) == (Status.QUEUED, "whatsapp", True)


def test_the_same_form_sent_twice_shows_the_first_booking_not_slot_taken(
    client, frozen, django_capture_on_commit_callbacks
):
    form = details_form(ExpertFactory(), booking_key="a" * 32)
    first = book(client, django_capture_on_commit_callbacks, form)
    again = book(client, django_capture_on_commit_callbacks, form)
    assert again.status_code == 302
    assert again["Location"] == first["Location"]


def test_the_same_form_sent_twice_books_once(client, frozen, django_capture_on_commit_callbacks):
    form = details_form(ExpertFactory(), booking_key="a" * 32)
    book(client, django_capture_on_commit_callbacks, form)
    book(client, django_capture_on_commit_callbacks, form)
    assert Consult.objects.count() == 1


def test_the_details_page_carries_a_fresh_booking_key(client, frozen):
    expert = ExpertFactory()
    value = slot_value(Slot(expert.pk, ist(DEC_2, 10), ist(DEC_2, 10)))
    body = client.get("/book/details/", {"slot": value, "topic": "side_effects", "tz": "Asia/Kolkata"}).content.decode()
    assert re.search(r'name="booking_key" value="[0-9a-f]{32}"', body)


def test_rescheduling_by_the_patients_link_is_not_a_booking_attempt(client, frozen, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "booking_ip": "1/hour"},
    }
    assert api_settings.DEFAULT_THROTTLE_RATES["booking_ip"] == "1/hour"
    client.post("/book/details/", details_form(ExpertFactory()))
    consult = Consult.objects.get()
    value = slot_value(Slot(consult.expert_id, ist(DEC_2, 15), ist(DEC_2, 15, 20)))
    response = client.post(f"/c/{consult.manage_token}/reschedule/", {"slot": value, "tz": "Asia/Kolkata"})
    assert response.status_code == 302


def test_cancel_form_says_optional_once(client, frozen):
    client.post("/book/details/", details_form(ExpertFactory()))
    consult = Consult.objects.get()
    body = client.get(f"/c/{consult.manage_token}/cancel/").content.decode()
    assert body.count("(optional)") == 1


def test_a_one_letter_name_gets_a_plain_sentence(client, frozen):
    body = client.post("/book/details/", details_form(ExpertFactory(), name="A")).content.decode()
    assert "Write your name with at least 2 letters" in body
    assert "Ensure this value" not in body


def test_a_field_error_is_linked_to_its_field(client, frozen):
    body = client.post("/book/details/", details_form(ExpertFactory(), email="nope")).content.decode()
    described = re.search(r'<input type="email" name="email"[^>]*aria-describedby="([^"]+)"', body).group(1)
    assert f'id="{described}"' in body


def test_a_consent_error_is_linked_to_the_checkbox(client, frozen):
    form = details_form(ExpertFactory())
    del form["consent"]
    body = client.post("/book/details/", form).content.decode()
    described = re.search(r'<input type="checkbox" name="consent"[^>]*aria-describedby="([^"]+)"', body).group(1)
    assert f'id="{described}"' in body


def hindi_url(name: str, *args) -> str:
    """The Hindi address of a page: /hi/... once i18n_patterns wire it, else the same path, where
    the Accept-Language header picks Hindi."""
    with translation.override("hi"):
        return reverse(name, args=args)


def test_a_hindi_booking_gives_a_new_patient_hindi_messages(client, frozen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(hindi_url("consults:book-details"), details_form(ExpertFactory()), HTTP_ACCEPT_LANGUAGE="hi")
    assert Consult.objects.get().patient.language == "hi"
    assert Message.objects.get(kind="consult_confirmation").language == "hi"


def test_a_hindi_booking_keeps_a_returning_patients_language(client, frozen, django_capture_on_commit_callbacks):
    patient = PatientFactory(phone="+919876500001", language="en")
    from tests.factories.consults import ConsultFactory

    ConsultFactory(patient=patient, start=ist(DEC_2, 16), status=ConsultStatus.COMPLETED)
    client.post(hindi_url("consults:book-details"), details_form(ExpertFactory()), HTTP_ACCEPT_LANGUAGE="hi")
    patient.refresh_from_db()
    assert patient.language == "en"


def test_confirmation_page_says_how_to_stop_messages(client, frozen, django_capture_on_commit_callbacks):
    response = book(client, django_capture_on_commit_callbacks, details_form(ExpertFactory()))
    assert "reply STOP to any of them" in client.get(response["Location"]).content.decode()


def test_rescheduling_through_the_api_by_the_patients_link_is_not_a_booking_attempt(client, frozen, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "booking_ip": "1/hour"},
    }
    client.post("/book/details/", details_form(ExpertFactory()))
    consult = Consult.objects.get()
    response = client.post(
        f"/api/v1/consults/manage/{consult.manage_token}/reschedule/",
        {"start": "2026-12-02T15:00:00+05:30"},
        content_type="application/json",
    )
    assert response.status_code == 200
