"""Issue 14, dates and zones: one date format and one date-time format on console pages, in each viewer's
own zone ("30 Nov 2026", "30 Nov 2026, 10:00 IST"); none of Django's defaults ("Nov. 30, 2026, 4:19 a.m.")."""

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.preferences import staff_time_zone_set
from consults.models import Consult
from messaging.models import Conversation
from patients.models import Note
from patients.services import care_task_open, symptom_report_record
from rights.services import (
    correction_request_record,
    erasure_request_complete,
    erasure_request_record,
    retention_policy_update,
)
from tests.factories.activity import inbound
from tests.factories.care import cml_patient, qpcr
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory
from tests.messaging.conftest import messaging_settings, outbox  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # Tuesday 1 Dec 2026, 09:30 in Kolkata, 04:00 in London
CONSULT_START = datetime(2026, 12, 2, 10, 30, tzinfo=IST)  # 05:00 in London (GMT)

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
ZONE = r"(?:[A-Z]{2,5}|UTC[+-]\d{2}:\d{2})"
CONSOLE_DATETIME = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}, \d{{2}}:\d{{2}} {ZONE}\b")
# What Django's English defaults and the old hand-made formats looked like.
DJANGO_DEFAULTS = {
    "a.m./p.m. times": re.compile(r"\b\d{1,2}(?::\d{2})? ?[ap]\.m\."),
    "noon/midnight": re.compile(r"\b(?:noon|midnight)\b"),
    "abbreviated months with a dot": re.compile(r"\b(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. \d"),
    "month-first dates": re.compile(
        r"\b(?:January|February|March|April|May|June|July|August|September|October|"
        r"November|December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.) \d{1,2}, \d{4}"
    ),
    "weekday-first dates": re.compile(rf"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{{1,2}} (?:{MONTHS})\b"),
    "zero-padded days": re.compile(rf"\b0\d (?:{MONTHS}) \d{{4}}"),
    "month/day/year dates": re.compile(r"\b(?:0?[1-9]|1[0-2])/(?:1[3-9]|2\d|3[01])/\d{4}\b"),
}


class VisibleText(HTMLParser):
    """The text a person reads: everything outside <script> and <style>, plus SVG titles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(response) -> str:
    assert response.status_code == 200, response.status_code
    parser = VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def old_formats(text: str) -> dict[str, list[str]]:
    return {name: pattern.findall(text) for name, pattern in DJANGO_DEFAULTS.items() if pattern.findall(text)}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def record(frozen, alice, erin):
    """Alice's patient with a year of treatment, results, a note, a task, a symptom, messages and a consult."""
    today = date(2026, 12, 1)
    patient = cml_patient(started_on=today - timedelta(days=400), coordinator=alice)
    qpcr(patient, today - timedelta(days=300), "8.5")
    qpcr(patient, today - timedelta(days=120), "0.9")
    Note.objects.create(
        patient=patient,
        author=alice,
        author_name="Alice",
        body="Called about the rash.",
        created_at=datetime(2026, 11, 30, 14, 15, tzinfo=UTC),
    )
    care_task_open(
        patient=patient,
        title="Book the next qPCR",
        priority="normal",
        due=today + timedelta(days=3),
        source_kind="manual",
        source_id=None,
    )
    symptom_report_record(
        patient=patient, symptom="nausea", grade=1, source="sms", reported_at=datetime(2026, 11, 30, 22, 45, tzinfo=UTC)
    )
    inbound(patient, datetime(2026, 11, 30, 23, 10, tzinfo=UTC), "Is a mild rash normal on imatinib?")
    expert = ExpertFactory(user=erin, display_name="Dr Erin Rao")
    ConsultFactory(patient=patient, expert=expert, start=CONSULT_START)
    return patient


def page(client, user, url: str) -> str:
    client.force_login(user)
    return visible_text(client.get(url))


def in_london(user) -> None:
    staff_time_zone_set(user=user, time_zone="Europe/London", by=user)


def representative_urls(patient) -> dict[str, str]:
    conversation = Conversation.objects.get(patient=patient)
    return {
        "dashboard": reverse("admin:index"),
        "consult list": reverse("admin:consults_consult_changelist"),
        "care record": reverse("admin:patients_patient_change", args=[patient.pk]),
        "inbox thread": reverse("admin:messaging_conversation_change", args=[conversation.pk]),
        "work queue: tasks": reverse("admin:patients_caretask_changelist") + "?status=open",
        "work queue: triage": reverse("console-triage"),
    }


@pytest.mark.parametrize(
    "name", ["dashboard", "consult list", "care record", "inbox thread", "work queue: tasks", "work queue: triage"]
)
def test_no_django_default_or_old_formats_remain(client, alice, record, name):
    PatientFactory(coordinator=None)  # someone on the triage list
    text = page(client, alice, representative_urls(record)[name])
    assert old_formats(text) == {}


@pytest.mark.parametrize("name", ["consult list", "care record", "inbox thread", "work queue: tasks"])
def test_date_times_read_day_month_year_time_and_zone(client, alice, record, name):
    text = page(client, alice, representative_urls(record)[name])
    assert CONSOLE_DATETIME.search(text), text[:500]


def test_the_expert_dashboard_has_no_old_formats(client, erin, record):
    text = page(client, erin, reverse("admin:index"))
    assert old_formats(text) == {}


def test_my_day_names_the_day_and_zone(client, erin, frozen, record):
    frozen.move_to(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))  # 08:30 on the consult's day in Kolkata
    text = page(client, erin, reverse("admin:index"))
    assert "My day: Wednesday 2 Dec 2026 (Asia/Kolkata)" in text


def test_my_day_lists_the_consult_time_with_its_zone(client, erin, frozen, record):
    frozen.move_to(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    assert "10:30 IST" in page(client, erin, reverse("admin:index"))


def test_the_care_record_shows_dates_as_day_month_year(client, alice, record):
    text = page(client, alice, reverse("admin:patients_patient_change", args=[record.pk]))
    assert "4 Dec 2026" in text  # the task's due date


def test_the_care_record_shows_a_note_time_in_the_clinic_zone_by_default(client, alice, record):
    text = page(client, alice, reverse("admin:patients_patient_change", args=[record.pk]))
    assert "30 Nov 2026, 19:45 IST" in text


# --- each viewer's own zone --------------------------------------------------------------------


@pytest.fixture
def shared_consult(frozen, alice, bob, erin):
    """A consult of an unassigned patient: both coordinators may see it."""
    expert = ExpertFactory(user=erin, display_name="Dr Erin Rao")
    return ConsultFactory(patient=PatientFactory(coordinator=None), expert=expert, start=CONSULT_START)


def test_a_coordinator_in_london_sees_the_consult_in_london_time(client, alice, shared_consult):
    in_london(alice)
    text = page(client, alice, reverse("admin:consults_consult_changelist"))
    assert "2 Dec 2026, 05:00 GMT" in text


def test_a_coordinator_in_kolkata_sees_the_same_consult_in_kolkata_time(client, alice, bob, shared_consult):
    in_london(alice)
    text = page(client, bob, reverse("admin:consults_consult_changelist"))
    assert "2 Dec 2026, 10:30 IST" in text


def test_summer_time_in_london_reads_bst(client, alice, frozen, erin):
    in_london(alice)
    frozen.move_to(datetime(2026, 6, 1, 4, 0, tzinfo=UTC))
    ConsultFactory(
        patient=PatientFactory(coordinator=alice),
        expert=ExpertFactory(user=erin),
        start=datetime(2026, 6, 2, 10, 30, tzinfo=IST),
    )
    text = page(client, alice, reverse("admin:consults_consult_changelist"))
    assert "2 Jun 2026, 06:00 BST" in text


def test_a_zone_without_letters_reads_as_a_utc_offset(client, alice, shared_consult):
    staff_time_zone_set(user=alice, time_zone="Asia/Dubai", by=alice)
    text = page(client, alice, reverse("admin:consults_consult_changelist"))
    assert "2 Dec 2026, 09:00 UTC+04:00" in text


def test_the_readonly_created_time_follows_the_viewer_too(client, alice, shared_consult):
    in_london(alice)
    text = page(client, alice, reverse("admin:consults_consult_change", args=[shared_consult.pk]))
    assert "1 Dec 2026, 04:00 GMT" in text  # created "now" (frozen), shown by the admin's own readonly field


def test_the_inbox_thread_follows_the_viewer(client, alice, record):
    in_london(alice)
    conversation = Conversation.objects.get(patient=record)
    text = page(client, alice, reverse("admin:messaging_conversation_change", args=[conversation.pk]))
    assert "30 Nov 2026, 23:10 GMT" in text


def test_the_consult_form_says_times_are_read_in_the_viewers_zone(client, alice, shared_consult):
    in_london(alice)
    text = page(client, alice, reverse("admin:consults_consult_change", args=[shared_consult.pk]))
    assert "In your time zone (Europe/London)" in text


def test_a_time_typed_on_the_consult_form_is_read_in_the_viewers_zone(client, alice, erin, shared_consult):
    in_london(alice)
    client.force_login(alice)
    response = client.post(
        reverse("admin:consults_consult_add"),
        {
            "patient": shared_consult.patient_id,
            "expert": shared_consult.expert_id,
            "start_0": "03/12/2026",
            "start_1": "05:00",
            "mode": "phone",
            "topic": shared_consult.topic,
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Consult.objects.exclude(pk=shared_consult.pk).get().start == datetime(2026, 12, 3, 5, 0, tzinfo=UTC)


def test_no_zone_leaks_into_the_next_request(client, alice, bob, shared_consult):
    in_london(alice)
    page(client, alice, reverse("admin:consults_consult_changelist"))
    assert timezone.get_current_timezone_name() == "Asia/Kolkata"


# --- the care record and the patient-rights pages, written beside the dates branch ------------------------


def test_the_care_record_shows_a_note_time_in_the_viewers_zone(client, alice, record):
    in_london(alice)
    text = page(client, alice, reverse("admin:patients_patient_change", args=[record.pk]))
    assert "Alice, 30 Nov 2026, 14:15 GMT" in text


def test_the_care_record_shows_a_symptom_time_with_its_zone(client, alice, record):
    text = page(client, alice, reverse("admin:patients_patient_change", args=[record.pk]))
    assert "1 Dec 2026, 04:15 IST" in text  # reported 22:45 UTC on 30 Nov


@pytest.fixture
def correction(record, alice):
    return correction_request_record(
        actor=alice,
        patient=record,
        area="details",
        requested_change="Spell my name",
        received_via="phone",
        received_on=date(2026, 11, 30),
    )


@pytest.fixture
def erasure(record, alice):
    asked = erasure_request_record(actor=alice, patient=record, received_via="letter", received_on=date(2026, 11, 30))
    return erasure_request_complete(actor=alice, erasure=asked, confirm_reference=record.reference)


def rights_urls(record, correction, erasure) -> dict[str, str]:
    return {
        "correction": reverse("rights-console-correction", args=[record.pk, correction.pk]),
        "erasure confirmation": reverse("rights-console-erasure-confirmation", args=[record.pk, erasure.pk]),
        "care record with rights": reverse("admin:patients_patient_change", args=[record.pk]),
    }


@pytest.mark.parametrize("name", ["correction", "erasure confirmation", "care record with rights"])
def test_rights_pages_have_no_django_default_or_old_formats(client, alice, record, correction, erasure, name):
    text = page(client, alice, rights_urls(record, correction, erasure)[name])
    assert old_formats(text) == {}


@pytest.mark.parametrize("name", ["correction", "erasure confirmation", "care record with rights"])
def test_rights_pages_read_date_times_with_the_zone(client, alice, record, correction, erasure, name):
    text = page(client, alice, rights_urls(record, correction, erasure)[name])
    assert CONSOLE_DATETIME.search(text), text[:500]


def test_a_correction_request_reads_in_the_viewers_zone(client, alice, correction):
    in_london(alice)
    text = page(client, alice, reverse("rights-console-correction", args=[correction.patient_id, correction.pk]))
    assert "Asked 30 Nov 2026, on the phone; recorded by alice on 1 Dec 2026, 04:00 GMT" in text


def test_the_erasure_confirmation_shows_kept_until_as_a_date(client, alice, record, erasure):
    text = page(client, alice, reverse("rights-console-erasure-confirmation", args=[record.pk, erasure.pk]))
    assert re.search(rf"\b\d{{1,2}} (?:{MONTHS}) 20[3-9]\d\b", text), text[-800:]


def test_the_retention_page_shows_when_it_was_set_with_the_zone(client, ada, frozen):
    retention_policy_update(actor=ada, clinical_record_years=10, message_log_days=365, audit_log_years=8)
    text = page(client, ada, reverse("rights-retention"))
    assert "Set by ada on 1 Dec 2026, 09:30 IST." in text


@pytest.mark.usefixtures("outbox")
def test_the_package_link_message_says_until_when_with_the_zone(client, alice, record):
    record.consent_sms = True
    record.save()
    client.force_login(alice)
    response = client.post(reverse("rights-console-package", args=[record.pk]), {"package-channel": "sms"}, follow=True)
    assert "until 8 Dec 2026, 09:30 IST" in visible_text(response)
