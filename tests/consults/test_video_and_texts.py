"""Issue 13: consult texts name the zone and the reference; video consults carry their link to the
manage page, the messages and the calendar file."""

import pytest
from icalendar import Calendar

from consults.message_context import consult_message_context
from consults.video import consult_video_url
from messaging.texts import render_body
from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def london_consult(frozen):
    patient = PatientFactory(time_zone="Europe/London", language="en", consent_sms=True)
    return ConsultFactory(patient=patient, start=ist(DEC_2, 10, 30))


@pytest.fixture
def video_consult(frozen):
    return ConsultFactory(start=ist(DEC_2, 11), mode="video")


def confirmation(consult) -> str:
    """The booking confirmation text the patient gets for the consult."""
    body, _ = render_body(
        kind="consult_confirmation", patient=consult.patient, context=consult_message_context(consult)
    )
    return body


def reminder(consult) -> str:
    """The reminder text the patient gets the day before (no links in it)."""
    body, _ = render_body(
        kind="consult_reminder", patient=consult.patient, context=consult_message_context(consult, links=False)
    )
    return body


def test_the_confirmation_gives_the_time_with_the_patients_zone_name(london_consult):
    assert "Wed 2 Dec, 5:00 AM GMT" in confirmation(london_consult)


def test_the_confirmation_names_the_booking_reference(london_consult):
    assert f"Ref {london_consult.reference}" in confirmation(london_consult)


def test_the_reminder_gives_the_zone_name_and_reference(london_consult):
    assert f"5:00 AM GMT (ref {london_consult.reference})" in reminder(london_consult)


def test_a_hindi_reminder_gives_the_zone_name_too(frozen):
    consult = ConsultFactory(patient=PatientFactory(language="hi"), start=ist(DEC_2, 10, 30))
    assert "10:30 IST" in reminder(consult)


def test_a_video_consult_gets_an_unguessable_room_from_the_template(video_consult, settings):
    settings.VIDEO_ROOM_URL_TEMPLATE = "https://meet.jit.si/carethread-{room}"
    assert consult_video_url(video_consult) == f"https://meet.jit.si/carethread-{video_consult.video_room}"
    assert len(video_consult.video_room) == 32


def test_two_consults_get_different_rooms(frozen):
    first = ConsultFactory(start=ist(DEC_2, 11), mode="video")
    second = ConsultFactory(start=ist(DEC_2, 12), mode="video")
    assert first.video_room != second.video_room


def test_an_experts_fixed_link_wins_over_the_template(frozen):
    expert = ExpertFactory(video_url="https://video.example.org/dr-rao")
    consult = ConsultFactory(expert=expert, start=ist(DEC_2, 11), mode="video")
    assert consult_video_url(consult) == "https://video.example.org/dr-rao"


def test_a_phone_consult_has_no_video_link(frozen):
    assert consult_video_url(ConsultFactory(start=ist(DEC_2, 11), mode="phone")) == ""


def test_the_video_link_is_in_the_confirmation(video_consult):
    assert f"Video call: join at {consult_video_url(video_consult)}" in confirmation(video_consult)


def test_the_video_link_is_in_the_reminder(video_consult):
    assert consult_video_url(video_consult) in reminder(video_consult)


def test_a_phone_consults_confirmation_has_no_video_line(london_consult):
    assert "Video call" not in confirmation(london_consult)


def test_the_manage_page_shows_the_video_link(client, video_consult):
    body = client.get(f"/c/{video_consult.manage_token}/").content.decode()
    assert f'href="{consult_video_url(video_consult)}"' in body


@pytest.mark.parametrize("field", ["location", "url"])
def test_the_calendar_file_puts_the_video_link_in_location_and_url(client, video_consult, field):
    event = Calendar.from_ical(client.get(f"/c/{video_consult.manage_token}/calendar.ics").content).walk("VEVENT")[0]
    assert str(event[field]) == consult_video_url(video_consult)


def test_a_video_room_template_without_a_room_placeholder_is_refused():
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        env={"VIDEO_ROOM_URL_TEMPLATE": "https://meet.jit.si/fixed", "DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "VIDEO_ROOM_URL_TEMPLATE must contain {room}" in result.stderr
