"""Property: after any sequence of form, keyword and staff actions, the consent the messaging code
reads (`Patient.can_receive`, `detailed_messages`) equals the ledger's last word per purpose and channel."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.intake import patient_intake_for_booking
from patients.models import Patient
from patients.services.consent import consent_record, consent_state
from tests.consults.helpers import details
from tests.factories.consent import consent_by_phone
from tests.factories.inbound import text_received

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)

CHANNELS = ("sms", "whatsapp")
keyword_actions = st.tuples(st.just("keyword"), st.sampled_from(CHANNELS), st.sampled_from(["STOP", "START", "YES"]))
staff_actions = st.tuples(st.just("staff"), st.sampled_from(CHANNELS), st.booleans())
detailed_actions = st.tuples(st.just("detailed"), st.sampled_from(CHANNELS), st.booleans())
form_actions = st.tuples(st.just("form"), st.sampled_from(CHANNELS), st.just(True))
actions = st.lists(st.one_of(keyword_actions, staff_actions, detailed_actions, form_actions), max_size=12)


def _reply(patient: Patient, channel: str, word: str) -> None:
    sid = ("SM" if channel == "sms" else "WA") + f"{next(_numbers):032d}"
    text_received(str(patient.phone), word, sid=sid, channel=channel)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(booked_sms=st.booleans(), booked_whatsapp=st.booleans(), steps=actions)
def test_consent_state_equals_the_ledgers_last_word(alice, booked_sms, booked_whatsapp, steps):
    phone = f"+9198{next(_numbers):08d}"
    patient = patient_intake_for_booking(
        details=details(phone, consent_sms=booked_sms, consent_whatsapp=booked_whatsapp)
    )
    for kind, channel, value in steps:
        if kind == "keyword":
            _reply(patient, channel, value)
        elif kind == "staff":
            consent_by_phone(Patient.objects.get(pk=patient.pk), by=alice, channel=channel, given=value)
        elif kind == "detailed":
            consent_by_phone(
                Patient.objects.get(pk=patient.pk), by=alice, purpose="detailed_messages", channel=channel, given=value
            )
        else:
            consent_record(
                patient=Patient.objects.get(pk=patient.pk),
                purpose="messaging",
                channel=channel,
                given=True,
                how="web_form",
                notice_version="2026-01",
            )
    current = Patient.objects.get(pk=patient.pk)
    ledger = consent_state(patient=current)
    observed = {channel: current.can_receive(channel) for channel in CHANNELS}
    expected = {channel: ledger.get(("messaging", channel), False) for channel in CHANNELS}
    assert observed == expected
    assert current.detailed_messages == consent_state_last_detailed(current)


def consent_state_last_detailed(patient: Patient) -> bool:
    """The last detailed-messages word across channels (the boolean is one for all channels)."""
    last = patient.consent_events.filter(purpose="detailed_messages").order_by("-at", "-id").first()
    return last.given if last else False
