"""patients.intake: find or create by phone, reveal nothing, never remove consent."""

import pytest

from consults.models import Topic
from consults.services import consult_book_for_public
from patients.intake import patient_intake_for_booking
from patients.models import Patient
from tests.consults.helpers import DEC_2, ist
from tests.consults.helpers import details as intake
from tests.factories.consults import ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def test_a_new_phone_creates_a_patient_with_the_consent_given():
    patient = patient_intake_for_booking(details=intake(consent_whatsapp=True, preferred_channel="whatsapp"))
    assert patient.full_name == "Meena Test"
    assert patient.consent_whatsapp and not patient.consent_sms
    assert patient.consent_at is not None and patient.consent_text_version == "2026-01"
    assert patient.preferred_channel == "whatsapp"


def test_no_consent_means_no_consent_time_recorded():
    patient = patient_intake_for_booking(details=intake())
    assert patient.consent_at is None and patient.consent_text_version == ""


def test_a_known_phone_reuses_the_patient_without_overwriting_their_record():
    known = PatientFactory(phone="+919876500001", full_name="Real Name", email="real@example.org")
    patient = patient_intake_for_booking(details=intake(full_name="Someone Else", email="other@example.org"))
    assert patient.pk == known.pk
    known.refresh_from_db()
    assert (known.full_name, known.email) == ("Real Name", "real@example.org")
    assert Patient.objects.count() == 1


def test_booking_only_ever_adds_consent():
    known = PatientFactory(phone="+919876500001", consent_sms=True, consent_whatsapp=False)
    patient_intake_for_booking(details=intake(consent_sms=False, consent_whatsapp=True))
    known.refresh_from_db()
    assert known.consent_sms and known.consent_whatsapp


def test_a_lead_who_books_is_no_longer_a_lead():
    PatientFactory(phone="+919876500001", is_lead=True, full_name="")
    patient = patient_intake_for_booking(details=intake())
    assert not patient.is_lead and patient.full_name == "Meena Test"


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
