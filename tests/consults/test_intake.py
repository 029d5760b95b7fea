"""patients.intake: a new phone creates the patient; a known phone gets a separate unverified intake."""

import pytest

from consults.models import Topic
from consults.services import consult_book_for_public
from messaging.models import Message
from patients.intake import patient_intake_for_booking
from patients.models import AuditEntry, Patient, RecordState
from tests.consults.helpers import DEC_2, ist
from tests.consults.helpers import details as intake
from tests.factories.consults import ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def test_a_new_phone_creates_a_patient_with_the_consent_given():
    patient = patient_intake_for_booking(details=intake(consent_whatsapp=True, preferred_channel="whatsapp"))
    assert patient.full_name == "Meena Test"
    assert patient.consent_whatsapp
    assert not patient.consent_sms
    assert patient.consent_at is not None
    assert patient.consent_text_version == "2026-01"
    assert patient.preferred_channel == "whatsapp"


def test_no_consent_means_no_consent_time_recorded():
    patient = patient_intake_for_booking(details=intake())
    assert patient.consent_at is None
    assert patient.consent_text_version == ""


def test_a_known_phone_gets_a_separate_unverified_intake():
    known = PatientFactory(phone="+919876500001", full_name="Real Name", email="real@example.org")
    patient = patient_intake_for_booking(details=intake(full_name="Someone Else", email="other@example.org"))
    assert patient.pk != known.pk
    assert patient.record_state == RecordState.INTAKE
    assert patient.intake_of_id == known.pk


def test_a_known_phones_record_is_not_overwritten_by_a_booking():
    known = PatientFactory(phone="+919876500001", full_name="Real Name", email="real@example.org")
    patient_intake_for_booking(details=intake(full_name="Someone Else", email="other@example.org"))
    known.refresh_from_db()
    assert known.full_name == "Real Name"
    assert known.email == "real@example.org"


def test_anonymous_booking_never_changes_a_verified_patients_consent():
    known = PatientFactory(phone="+919876500001", consent_sms=True, consent_whatsapp=False)
    patient_intake_for_booking(details=intake(consent_sms=False, consent_whatsapp=True, preferred_channel="whatsapp"))
    known.refresh_from_db()
    assert known.consent_whatsapp is False
    assert known.preferred_channel == "sms"


def test_the_intake_holds_no_consent_of_its_own():
    PatientFactory(phone="+919876500001")
    patient = patient_intake_for_booking(details=intake(consent_sms=True, consent_whatsapp=True))
    assert patient.consent_sms is False
    assert patient.consent_whatsapp is False
    assert patient.requested_changes["consent_whatsapp"] is True


def test_a_second_booking_for_a_known_phone_reuses_the_open_intake():
    PatientFactory(phone="+919876500001")
    first = patient_intake_for_booking(details=intake(consent_sms=True))
    second = patient_intake_for_booking(details=intake(consent_whatsapp=True))
    assert second.pk == first.pk
    assert second.requested_changes["consent_sms"] is True
    assert Patient.objects.count() == 2


def test_a_lead_who_books_stays_a_lead_until_the_phone_holder_says_yes():
    lead = PatientFactory(phone="+919876500001", is_lead=True, full_name="")
    patient = patient_intake_for_booking(details=intake())
    lead.refresh_from_db()
    assert patient.pk != lead.pk
    assert lead.is_lead is True


def test_a_known_phone_is_asked_to_reply_yes_on_its_own_record():
    known = PatientFactory(phone="+919876500001")
    intake_record = patient_intake_for_booking(details=intake())
    message = Message.objects.get(kind="intake_verification")
    assert message.patient_id == known.pk
    assert message.topic == f"intake:{intake_record.pk}"


def test_the_verification_message_names_nothing_clinical():
    PatientFactory(phone="+919876500001")
    patient_intake_for_booking(details=intake())
    body = Message.objects.get(kind="intake_verification").body.lower()
    assert "reply yes" in body
    assert not any(word in body for word in ("imatinib", "cml", "gist", "cancer", "dr ", "oncolog"))


def test_a_new_phones_consent_is_audited_with_its_source():
    patient = patient_intake_for_booking(details=intake(consent_whatsapp=True))
    entry = AuditEntry.objects.get(action="consent", patient=patient)
    assert entry.via == "web"
    assert entry.changed_fields == ["consent_whatsapp"]


def test_booking_answers_the_same_for_known_and_unknown_phones(frozen):
    """The caller learns nothing about whether the phone was on file."""
    expert = ExpertFactory()
    PatientFactory(phone="+919876500001", full_name="Already Known")
    known = consult_book_for_public(
        details=intake("+919876500001"), expert=expert, start=ist(DEC_2, 10), topic=Topic.SIDE_EFFECTS
    )
    new = consult_book_for_public(
        details=intake("+919876500002"), expert=expert, start=ist(DEC_2, 11), topic=Topic.SIDE_EFFECTS
    )
    assert known.status == new.status == "confirmed"
    assert type(known) is type(new)
