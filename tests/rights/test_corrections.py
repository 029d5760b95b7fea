"""Correction requests through the services: recorded, decided once, each step audited."""

import pytest
from django.utils import timezone

from clinic.errors import DomainError
from patients.models import AuditEntry
from rights.services import correction_request_decide, correction_request_record

pytestmark = pytest.mark.django_db


def recorded(alice, patient, **overrides):
    values = {
        "area": "details",
        "item": "date of birth",
        "requested_change": "It is 9 March 1971",
        "received_via": "phone",
        "received_on": timezone.localdate(),
    }
    return correction_request_record(actor=alice, patient=patient, **{**values, **overrides})


def test_a_new_request_is_open(alice, patient):
    assert recorded(alice, patient).status == "requested"


def test_recording_is_audited(alice, patient):
    correction = recorded(alice, patient)
    entry = AuditEntry.objects.get(object_type="rights.CorrectionRequest", action="create")
    assert (entry.object_id, entry.patient_ref) == (str(correction.pk), patient.pk)


def test_accepting_records_who_and_what(alice, patient):
    correction = correction_request_decide(
        actor=alice,
        correction=recorded(alice, patient),
        status="accepted",
        outcome="Date of birth corrected to 9 March 1971",
    )
    assert (correction.status, correction.decided_by) == ("accepted", alice)


def test_deciding_is_audited(alice, patient):
    correction_request_decide(
        actor=alice,
        correction=recorded(alice, patient),
        status="declined",
        outcome="The birth certificate shows 19 March",
    )
    assert AuditEntry.objects.filter(object_type="rights.CorrectionRequest", action="change").count() == 1


def test_a_decided_request_cannot_be_decided_again(alice, patient):
    correction = recorded(alice, patient)
    correction_request_decide(actor=alice, correction=correction, status="accepted", outcome="Done")
    with pytest.raises(DomainError, match="already been decided"):
        correction_request_decide(actor=alice, correction=correction, status="declined", outcome="No")


def test_an_unknown_area_is_refused_naming_the_field(alice, patient):
    with pytest.raises(DomainError) as refused:
        recorded(alice, patient, area="astrology")
    assert refused.value.field == "area"


def test_a_decision_must_be_accepted_or_declined(alice, patient):
    with pytest.raises(DomainError) as refused:
        correction_request_decide(actor=alice, correction=recorded(alice, patient), status="requested", outcome="Hmm")
    assert refused.value.field == "status"
