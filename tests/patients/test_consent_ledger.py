"""The consent ledger: append-only rows written at every place consent changes (issue 16)."""

import pytest

from patients.intake import patient_intake_for_booking
from patients.models import ConsentEvent, LedgerIsAppendOnly, Patient
from patients.services.consent import ConsentReasonRequired, consent_record, consent_state
from tests.consults.helpers import details
from tests.factories.consent import consent_by_phone
from tests.factories.inbound import text_received
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


def test_booking_form_consent_writes_a_ledger_row_with_the_notice_version():
    patient = patient_intake_for_booking(details=details("+919876500011", consent_sms=True))
    event = ConsentEvent.objects.get(patient=patient)
    assert (event.purpose, event.channel, event.given, event.how) == ("messaging", "sms", True, "web_form")
    assert event.notice_version == patient.consent_text_version


def test_api_booking_consent_is_recorded_as_api():
    patient = patient_intake_for_booking(details=details("+919876500012", consent_sms=True, source="api"))
    assert ConsentEvent.objects.get(patient=patient).how == "api"


def test_stop_writes_a_withdrawal_by_keyword():
    patient = PatientFactory(phone="+919876500013", consent_sms=True)
    text_received("+919876500013", "STOP", sid="SM" + "3" * 32)
    event = ConsentEvent.objects.get(patient=patient)
    assert (event.given, event.how, event.channel) == (False, "keyword", "sms")


def test_start_after_stop_gives_consent_back_and_lets_messages_through():
    patient = PatientFactory(phone="+919876500014", consent_sms=True)
    text_received("+919876500014", "STOP", sid="SM" + "4" * 32)
    text_received("+919876500014", "START", sid="SM" + "5" * 32)
    patient.refresh_from_db()
    assert patient.can_receive("sms") is True
    assert list(ConsentEvent.objects.filter(patient=patient).order_by("id").values_list("given", flat=True)) == [
        False,
        True,
    ]


def test_a_second_stop_writes_no_second_row():
    patient = PatientFactory(phone="+919876500015", consent_sms=True)
    text_received("+919876500015", "STOP", sid="SM" + "6" * 32)
    text_received("+919876500015", "STOP", sid="SM" + "7" * 32)
    assert ConsentEvent.objects.filter(patient=patient).count() == 1


def test_staff_phone_consent_requires_a_reason(alice):
    patient = PatientFactory(coordinator=alice)
    with pytest.raises(ConsentReasonRequired):
        consent_record(patient=patient, purpose="messaging", channel="sms", given=True, how="staff_phone", by=alice)
    assert ConsentEvent.objects.filter(patient=patient).count() == 0


def test_staff_withdrawal_clears_the_cached_boolean(alice):
    patient = PatientFactory(coordinator=alice, consent_whatsapp=True)
    consent_by_phone(
        patient, by=alice, channel="whatsapp", given=False, reason="Patient called to stop WhatsApp messages"
    )
    assert Patient.objects.get(pk=patient.pk).consent_whatsapp is False


def test_detailed_messages_boolean_follows_the_ledger(alice):
    patient = PatientFactory(coordinator=alice, detailed_messages=False)
    consent_by_phone(patient, by=alice, purpose="detailed_messages", channel="sms", given=True)
    assert Patient.objects.get(pk=patient.pk).detailed_messages is True


def test_data_sharing_state_is_read_from_the_ledger(alice):
    patient = PatientFactory(coordinator=alice)
    consent_record(patient=patient, purpose="data_sharing", channel="web", given=True, how="web_form")
    consent_record(patient=patient, purpose="data_sharing", channel="web", given=False, how="web_form")
    assert consent_state(patient=patient) == {("data_sharing", "web"): False}


def test_an_existing_event_cannot_be_saved_again(alice):
    event = consent_record(
        patient=PatientFactory(coordinator=alice), purpose="messaging", channel="sms", given=True, how="web_form"
    )
    event.given = False
    with pytest.raises(LedgerIsAppendOnly):
        event.save()


def test_an_event_cannot_be_deleted(alice):
    event = consent_record(
        patient=PatientFactory(coordinator=alice), purpose="messaging", channel="sms", given=True, how="web_form"
    )
    with pytest.raises(LedgerIsAppendOnly):
        event.delete()


def test_bulk_update_of_events_is_refused(alice):
    consent_record(
        patient=PatientFactory(coordinator=alice), purpose="messaging", channel="sms", given=True, how="web_form"
    )
    with pytest.raises(LedgerIsAppendOnly):
        ConsentEvent.objects.update(given=False)


def test_bulk_delete_of_events_is_refused(alice):
    consent_record(
        patient=PatientFactory(coordinator=alice), purpose="messaging", channel="sms", given=True, how="web_form"
    )
    with pytest.raises(LedgerIsAppendOnly):
        ConsentEvent.objects.all().delete()
