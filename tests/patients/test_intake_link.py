"""An anonymous booking for a known phone stays a separate intake until the phone holder replies YES
(consults move, the consent asked for applies, audited) or a coordinator merges it (no consent copied)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from consults.models import Consult, Topic
from consults.services import consult_book_for_public
from messaging.inbound import inbound_route
from messaging.models import Message, Status
from patients.intake_link import IntakeNotOpen, patient_intake_merge
from patients.models import AuditEntry, Patient, RecordState
from tests.consults.helpers import DEC_2, details, ist
from tests.factories.consults import ExpertFactory
from tests.factories.inbound import text_received
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
PHONE = "+919876500001"


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.MESSAGING_QUIET_HOURS_START = "00:00"
    settings.MESSAGING_QUIET_HOURS_END = "00:00"
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def known(bob):
    return PatientFactory(
        phone=PHONE,
        full_name="Known Kamala",
        coordinator=bob,
        consent_sms=True,
        consent_whatsapp=False,
        preferred_channel="sms",
    )


@pytest.fixture
def booking(known):
    """An anonymous web booking with the known phone, asking for WhatsApp messages."""
    return consult_book_for_public(
        details=details(PHONE, full_name="Booker", consent_whatsapp=True, preferred_channel="whatsapp"),
        expert=ExpertFactory(),
        start=ist(DEC_2, 10),
        topic=Topic.SIDE_EFFECTS,
    )


@pytest.fixture
def prompt(booking):
    """The verification message, as Twilio accepted it (replies are matched to accepted prompts)."""
    message = Message.objects.get(kind="intake_verification")
    Message.objects.filter(pk=message.pk).update(
        status=Status.DELIVERED, accepted_at=timezone.now(), twilio_sid="SM" + "5" * 32
    )
    return message


_sid = iter(range(1, 1000))


def reply(body: str) -> Message:
    """The phone holder's SMS, recorded as the webhook records it and routed as the task routes it."""
    message = text_received(PHONE, body, sid=f"SM{next(_sid):032d}")
    inbound_route(message_id=message.pk)
    return Message.objects.get(pk=message.pk)


def test_the_verification_prompt_goes_to_the_known_record(prompt, known):
    assert prompt.patient_id == known.pk


def test_yes_moves_the_intakes_consults_to_the_known_record(prompt, booking, known):
    reply("yes")
    booking.refresh_from_db()
    assert booking.patient_id == known.pk


def test_yes_closes_the_intake(prompt, booking):
    reply("YES")
    intake = Patient.objects.get(record_state__in=[RecordState.INTAKE, RecordState.MERGED], intake_of__isnull=False)
    assert intake.record_state == RecordState.MERGED


def test_yes_is_handled_by_the_intake_handler(prompt):
    inbound = reply("Yes.")
    assert inbound.handled_by == "intake_verification"


def test_yes_applies_the_consent_the_booker_asked_for(prompt, known):
    reply("YES")
    known.refresh_from_db()
    assert known.consent_whatsapp is True


def test_yes_applies_the_channel_the_booker_asked_for(prompt, known):
    reply("YES")
    known.refresh_from_db()
    assert known.preferred_channel == "whatsapp"


def test_yes_never_overwrites_the_known_name(prompt, known):
    reply("YES")
    known.refresh_from_db()
    assert known.full_name == "Known Kamala"


def test_the_consent_change_is_audited_as_a_keyword_reply(prompt, known):
    reply("YES")
    entry = AuditEntry.objects.get(action="consent", patient=known)
    assert entry.via == "keyword"
    assert "consent_whatsapp" in entry.changed_fields


def test_the_link_is_audited_as_a_merge(prompt, known):
    reply("YES")
    assert AuditEntry.objects.filter(action="merge", patient=known, via="keyword").count() == 1


def test_without_a_reply_the_intake_stays_separate(booking, known):
    booking.refresh_from_db()
    assert booking.patient_id != known.pk
    assert booking.patient.record_state == RecordState.INTAKE


def test_without_a_reply_the_known_consent_is_unchanged(booking, known):
    known.refresh_from_db()
    assert known.consent_whatsapp is False


def test_any_other_reply_leaves_the_intake_separate(prompt, booking, known):
    inbound = reply("Who is this?")
    booking.refresh_from_db()
    assert booking.patient_id != known.pk
    assert inbound.handled_by == ""


def test_inbound_messages_from_the_phone_go_to_the_verified_record(booking, known):
    inbound = reply("Hello, I have a question")
    assert inbound.patient_id == known.pk


def test_coordinator_merges_in_the_console(client, alice, booking, known):
    known.coordinator = alice
    known.save()
    client.force_login(alice)
    intake = booking.patient
    response = client.post("/admin/patients/patient/", {"action": "merge_intakes", "_selected_action": [intake.pk]})
    assert response.status_code == 302
    assert Consult.objects.get(pk=booking.pk).patient_id == known.pk


def test_coordinator_merge_is_audited_as_staff(alice, booking, known):
    known.coordinator = alice
    known.save()
    patient_intake_merge(intake=booking.patient, by=alice, source="staff")
    entry = AuditEntry.objects.get(action="merge")
    assert entry.actor_id == alice.pk
    assert entry.via == "staff"


def test_coordinator_merge_never_copies_the_anonymous_consent(alice, booking, known):
    known.coordinator = alice
    known.save()
    patient_intake_merge(intake=booking.patient, by=alice, source="staff")
    known.refresh_from_db()
    assert known.consent_whatsapp is False


def test_a_colleague_coordinator_cannot_merge_into_bobs_patient(client, alice, booking, known):
    client.force_login(alice)
    client.post("/admin/patients/patient/", {"action": "merge_intakes", "_selected_action": [booking.patient_id]})
    assert Consult.objects.get(pk=booking.pk).patient_id != known.pk


def test_an_expert_cannot_merge(client, erin, booking, known):
    client.force_login(erin)
    client.post("/admin/patients/patient/", {"action": "merge_intakes", "_selected_action": [booking.patient_id]})
    assert Consult.objects.get(pk=booking.pk).patient_id != known.pk


def test_an_intake_merges_only_once(bob, booking):
    patient_intake_merge(intake=booking.patient, by=bob, source="staff")
    with pytest.raises(IntakeNotOpen):
        patient_intake_merge(intake=booking.patient, by=bob, source="staff")
