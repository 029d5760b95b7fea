"""Public pages without JavaScript: the three booking steps, errors next to fields, manage by link."""

import html
import re
from urllib.parse import urlencode

import pytest
import time_machine
from icalendar import Calendar
from rest_framework.settings import api_settings

from consults.display import slot_value
from consults.models import Consult, ConsultStatus
from consults.slots import Slot
from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.guide.fixtures import guide_seeded_once, guide_site, reviewer, sample_content  # noqa: F401

pytestmark = pytest.mark.django_db


def details_form(expert, start=None, **overrides) -> dict:
    start = start or ist(DEC_2, 10)
    form = {
        "slot": slot_value(Slot(expert.pk, start, start)),
        "topic": "side_effects",
        "tz": "Asia/Kolkata",
        "name": "Meena Test",
        "phone": "98765 00001",
        "email": "meena@example.org",
        "mode": "phone",
        "channel": "sms",
        "consent": "on",
        "note": "Swollen ankles since last week",
        "website": "",
    }
    form.update(overrides)
    return form


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}_error"><li>(.*?)</li>', html)
    return match.group(1) if match else ""


@pytest.mark.usefixtures("guide_site")
def test_home_page_links_to_booking_and_whatsapp(client):
    body = client.get("/").content.decode()
    assert 'href="/book/"' in body
    assert "https://wa.me/918040001234" in body
    assert "sms:" in body


def test_step_one_offers_topics_experts_languages_and_a_zone_picker(client, frozen):
    expert = ExpertFactory(display_name="Dr Anita Rao")
    body = client.get("/book/").content.decode()
    assert 'value="side_effects"' in body
    assert "Dr Anita Rao" in body
    assert f'value="{expert.pk}"' in body
    assert 'data-detect-tz=""' in body
    assert 'data-user-chosen="0"' in body
    assert '<option value="Asia/Kolkata" selected>' in body
    assert '<script src="/static/js/tz.js"></script>' in body  # self-hosted, no CDN
    assert "cdn" not in body.lower()


def test_step_one_without_a_topic_shows_the_error_next_to_the_field(client, frozen):
    response = client.get("/book/slots/?tz=Europe/London&language=hi")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose what you would like to talk about." in body
    assert '<option value="Europe/London" selected>' in body  # what they chose is kept
    assert '<option value="hi" selected>' in body


def test_an_expert_who_does_not_take_the_topic_is_explained(client, frozen):
    finance = ExpertFactory(role="financial_counsellor", display_name="Vikram Shah")
    response = client.get(f"/book/slots/?topic=diet&expert={finance.pk}&tz=Asia/Kolkata")
    assert "Vikram Shah does not take consults on this topic" in response.content.decode()


def test_step_two_lists_free_times_in_the_patients_zone_a_week_at_a_time(client, frozen):
    expert = ExpertFactory(display_name="Dr Anita Rao")
    ConsultFactory(expert=expert, start=ist(DEC_2, 9))
    response = client.get("/book/slots/?" + urlencode({"topic": "side_effects", "tz": "Europe/London"}))
    body = response.content.decode()
    assert response.status_code == 200
    wednesday = body[body.index("Wed 2 Dec") : body.index("Thu 3 Dec")]
    # Kolkata 09:30 is 04:00 in London; 09:00 (03:30) is booked.
    assert "4:00 am" in wednesday
    assert "3:30 am" not in wednesday
    assert slot_value(Slot(expert.pk, ist(DEC_2, 9, 30), ist(DEC_2, 9, 50))) in body
    assert "Later" in body
    assert "Dr Anita Rao" in body


def test_step_two_says_so_when_nobody_takes_the_topic_in_that_language(client, frozen):
    ExpertFactory(languages=["en"])
    body = client.get("/book/slots/?topic=diet&language=ta&tz=Asia/Kolkata").content.decode()
    assert "No expert takes this topic in that language" in body


def test_step_three_without_a_chosen_time_goes_back_to_step_one(client, frozen):
    response = client.get("/book/details/?topic=diet&tz=Asia/Kolkata")
    assert response.status_code == 302
    assert response["Location"].startswith("/book/?")


def test_step_three_shows_the_chosen_time_in_words(client, frozen):
    expert = ExpertFactory(display_name="Dr Anita Rao")
    form = details_form(expert)
    query = urlencode({"slot": form["slot"], "topic": "side_effects", "tz": "Asia/Kolkata"})
    body = client.get(f"/book/details/?{query}").content.decode()
    assert "Wednesday 2 December 2026, 10:00 am (IST, Asia/Kolkata)" in body
    assert "Dr Anita Rao" in body


def test_booking_through_the_form_confirms_with_reference_calendar_and_link(client, frozen):
    expert = ExpertFactory()
    response = client.post("/book/details/", details_form(expert))
    assert response.status_code == 302
    consult = Consult.objects.get()
    assert response["Location"] == f"/c/{consult.manage_token}/booked/?tz=Asia%2FKolkata"
    assert consult.source == "web"
    assert consult.patient.consent_sms
    assert not consult.patient.consent_whatsapp
    page = client.get(response["Location"]).content.decode()
    assert "You're booked" in page
    assert consult.reference in page
    assert "Wednesday 2 December 2026, 10:00 am" in page
    assert f"/c/{consult.manage_token}/calendar.ics" in page
    assert f"https://clinic.example.org/c/{consult.manage_token}/" in page


def test_form_errors_sit_next_to_their_fields_and_keep_what_was_typed(client, frozen):
    expert = ExpertFactory()
    response = client.post("/book/details/", details_form(expert, phone="12", email="nope", name=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a mobile number from India" in field_error(body, "phone")
    assert "valid email" in field_error(body, "email")
    assert "Tell us your name" in field_error(body, "name")
    assert 'value="12"' in body
    assert "Swollen ankles since last week" in body
    assert not Consult.objects.exists()


def test_a_slot_taken_meanwhile_offers_next_times_and_keeps_the_patients_details(client, frozen):
    expert = ExpertFactory()
    ConsultFactory(expert=expert, start=ist(DEC_2, 10))
    response = client.post("/book/details/", details_form(expert))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Sorry, that time was just taken by someone else" in body
    assert "Choose one of the next free times" in body
    next_value = slot_value(Slot(expert.pk, ist(DEC_2, 10, 30), ist(DEC_2, 10, 50)))
    assert f'value="{next_value}"' in body
    assert 'value="Meena Test"' in body
    assert "Swollen ankles since last week" in body
    # Picking an offered time books it with everything else unchanged.
    again = client.post("/book/details/", details_form(expert, slot=next_value))
    assert again.status_code == 302
    assert Consult.objects.filter(start=ist(DEC_2, 10, 30), note="Swollen ankles since last week").exists()


def test_a_time_off_the_grid_is_refused_next_to_the_slot(client, frozen):
    response = client.post("/book/details/", details_form(ExpertFactory(), start=ist(DEC_2, 10, 5)))
    assert response.status_code == 400
    assert "not one of the expert's consult times" in html.unescape(response.content.decode())


def test_the_honeypot_stops_naive_bots_without_storing_anything(client, frozen):
    response = client.post("/book/details/", details_form(ExpertFactory(), website="http://spam.example"))
    assert response.status_code == 400
    assert "call the clinic" in response.content.decode()
    assert not Consult.objects.exists()


def test_the_form_is_throttled_like_the_api_with_minutes_to_wait(client, frozen, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "booking_phone": "1/hour"},
    }
    assert api_settings.DEFAULT_THROTTLE_RATES["booking_phone"] == "1/hour"
    expert = ExpertFactory()
    assert client.post("/book/details/", details_form(expert)).status_code == 302
    response = client.post("/book/details/", details_form(expert, start=ist(DEC_2, 11)))
    assert response.status_code == 429
    body = response.content.decode()
    assert "Please try again in 60 minutes" in body
    assert 'value="Meena Test"' in body


# --- manage link ---------------------------------------------------------------------------------


@pytest.fixture
def consult(client, frozen):
    client.post("/book/details/", details_form(ExpertFactory(display_name="Dr Anita Rao")))
    return Consult.objects.get()


def test_manage_page_shows_the_booking_and_its_actions(client, consult):
    body = client.get(f"/c/{consult.manage_token}/").content.decode()
    assert consult.reference in body
    assert "Change time" in body
    assert "Cancel" in body
    assert '<meta name="robots" content="noindex">' in body


def test_an_unknown_link_gets_a_clear_page_not_a_stack_trace(client):
    response = client.get("/c/this-is-not-a-token-we-issued/")
    assert response.status_code == 404
    assert "We don't recognise this link" in response.content.decode()
    assert client.get("/c/short/").status_code == 404


def test_an_old_link_expires_with_a_clear_page(client, consult, settings):
    with time_machine.travel(ist(DEC_2, 12).replace(year=2027)):
        response = client.get(f"/c/{consult.manage_token}/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_calendar_file_downloads_by_token(client, consult):
    response = client.get(f"/c/{consult.manage_token}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="consult-{consult.reference}.ics"' in response["Content-Disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == ist(DEC_2, 10)
    assert event.decoded("dtend") == ist(DEC_2, 10, 20)
    assert "Dr Anita Rao" in str(event["summary"])
    assert "Side effects" not in str(event["summary"])  # no health details on lock screens
    assert consult.reference in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"


def test_rescheduling_on_the_manage_page_moves_the_consult(client, consult):
    page = client.get(f"/c/{consult.manage_token}/reschedule/").content.decode()
    new_value = slot_value(Slot(consult.expert_id, ist(DEC_2, 15), ist(DEC_2, 15, 20)))
    assert new_value in page
    response = client.post(f"/c/{consult.manage_token}/reschedule/", {"slot": new_value, "tz": "Asia/Kolkata"})
    assert response.status_code == 302
    moved = Consult.objects.get(reference=consult.reference)
    assert moved.start == ist(DEC_2, 15)
    after = client.get(response["Location"]).content.decode()
    assert "Your consult has moved to Wednesday 2 December 2026, 3:00 pm" in after
    calendar = Calendar.from_ical(client.get(f"/c/{consult.manage_token}/calendar.ics").content)
    assert int(calendar.walk("VEVENT")[0]["sequence"]) == 1


def test_rescheduling_without_choosing_a_time_says_so(client, consult):
    response = client.post(f"/c/{consult.manage_token}/reschedule/", {"tz": "Asia/Kolkata"})
    assert response.status_code == 400
    assert "Choose a new time." in response.content.decode()


def test_rescheduling_to_a_time_taken_meanwhile_explains(client, consult):
    ConsultFactory(expert=consult.expert, start=ist(DEC_2, 15))
    value = slot_value(Slot(consult.expert_id, ist(DEC_2, 15), ist(DEC_2, 15, 20)))
    response = client.post(f"/c/{consult.manage_token}/reschedule/", {"slot": value})
    assert response.status_code == 409
    assert "just taken" in response.content.decode()
    assert Consult.objects.get(pk=consult.pk).start == ist(DEC_2, 10)


def test_cancelling_needs_a_reason_then_shows_a_cancelled_page(client, consult):
    missing = client.post(f"/c/{consult.manage_token}/cancel/", {})
    assert missing.status_code == 400
    assert "Choose a reason" in missing.content.decode()
    response = client.post(f"/c/{consult.manage_token}/cancel/", {"reason": "not_needed", "details": "Better"})
    assert response.status_code == 302
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.CANCELLED
    page = client.get(response["Location"]).content.decode()
    assert "This consult is cancelled" in page
    assert "I no longer need the consult: Better" in page
    assert client.get(f"/c/{consult.manage_token}/reschedule/").status_code == 302


def test_a_consult_that_has_started_cannot_be_changed_online(client, consult):
    with time_machine.travel(ist(DEC_2, 10, 5)):
        page = client.get(f"/c/{consult.manage_token}/").content.decode()
        assert "can no longer be changed here" in page
        assert "Change time" not in page
        assert client.post(f"/c/{consult.manage_token}/cancel/", {"reason": "other"}).status_code == 302
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.CONFIRMED


def test_a_topic_in_the_link_is_already_chosen(client, frozen):
    body = client.get("/book/", {"topic": "diet"}).content.decode()
    assert re.search(r'<input[^>]*value="diet"[^>]*checked', body)


def test_an_unknown_topic_in_the_link_chooses_nothing(client, frozen):
    body = client.get("/book/", {"topic": "<b>x</b>"}).content.decode()
    assert not re.search(r"<input[^>]*checked", body)


def test_booking_is_also_served_under_the_hindi_prefix(client, frozen):
    response = client.get("/hi/book/", {"topic": "diet"})
    assert response.status_code == 200
    assert re.search(r'<input[^>]*value="diet"[^>]*checked', response.content.decode())
