"""Erasure requests: recorded, then carried out once after the reference is typed; what the erasure does to
messages, inbound texts, consent, consults and the confirmation."""

from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone

from clinic.errors import DomainError
from clinic.months import add_months
from consults.models import Consult
from messaging.models import Message, Status
from messaging.services import message_send
from patients.models import AuditEntry, ConsentEvent, GeneticTest, Patient
from rights.erasure import PLAN
from rights.models import ErasureRequest
from rights.services import erasure_request_complete, erasure_request_record
from rights.services.retention import retention_policy_update
from tests.factories.care import qpcr
from tests.factories.consults import ConsultFactory
from tests.factories.inbound import text_received
from tests.rights.conftest import NAME, PHONE

pytestmark = pytest.mark.django_db


def record(actor, patient) -> ErasureRequest:
    return erasure_request_record(actor=actor, patient=patient, received_via="phone", received_on=timezone.localdate())


def erase(actor, patient) -> ErasureRequest:
    return erasure_request_complete(actor=actor, erasure=record(actor, patient), confirm_reference=patient.reference)


def kept(erasure: ErasureRequest, item: str) -> dict:
    return next(line for line in erasure.confirmation["kept"] if line["item"] == item)


def test_every_model_that_points_at_a_patient_has_a_line_in_the_plan():
    pointing = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Patient
    }
    assert sorted(pointing - set(PLAN)) == []


def test_recording_a_request_erases_nothing(alice, patient):
    record(alice, patient)
    assert Patient.objects.get(pk=patient.pk).full_name == NAME


def test_recording_is_audited(alice, patient):
    erasure = record(alice, patient)
    entry = AuditEntry.objects.get(object_type="rights.ErasureRequest", action="create")
    assert (entry.object_id, entry.patient_ref) == (str(erasure.pk), patient.pk)


def test_a_second_open_request_for_the_same_patient_is_refused(alice, patient):
    record(alice, patient)
    with pytest.raises(DomainError, match="already open"):
        record(alice, patient)


def test_a_date_in_the_future_is_refused_naming_the_field(alice, patient):
    with pytest.raises(DomainError) as refused:
        erasure_request_record(
            actor=alice, patient=patient, received_via="phone", received_on=timezone.localdate() + timedelta(days=1)
        )
    assert refused.value.field == "received_on"


def test_the_wrong_reference_erases_nothing(alice, patient):
    erasure = record(alice, patient)
    with pytest.raises(DomainError) as refused:
        erasure_request_complete(actor=alice, erasure=erasure, confirm_reference="P-9999")
    assert refused.value.field == "confirm_reference"
    assert Patient.objects.get(pk=patient.pk).full_name == NAME


def test_the_reference_may_be_typed_in_lower_case(alice, patient):
    erasure = erasure_request_complete(
        actor=alice, erasure=record(alice, patient), confirm_reference=patient.reference.lower()
    )
    assert erasure.status == "completed"


def test_the_patient_gets_a_pseudonym(alice, patient):
    erase(alice, patient)
    patient.refresh_from_db()
    assert (patient.full_name, patient.email, patient.date_of_birth) == (
        f"Erased patient {patient.reference}",
        "",
        None,
    )


def test_the_phone_is_replaced_by_an_unroutable_placeholder(alice, patient):
    erase(alice, patient)
    assert str(Patient.objects.get(pk=patient.pk).phone).startswith("+999")


def test_carrying_out_twice_is_refused(alice, patient):
    erasure = erase(alice, patient)
    with pytest.raises(DomainError, match="already been carried out"):
        erasure_request_complete(actor=alice, erasure=erasure, confirm_reference=patient.reference)


def test_completion_is_audited_with_what_was_erased(alice, patient):
    erase(alice, patient)
    entry = AuditEntry.objects.get(object_type="rights.ErasureRequest", action="delete")
    assert "Name, phone number, e-mail and date of birth" in entry.changed_fields


def test_messages_to_an_erased_patient_are_refused_with_a_plain_reason(alice, patient):
    erase(alice, patient)
    message = message_send(
        patient=Patient.objects.get(pk=patient.pk),
        kind="staff_reply",
        context={"text": "Hello", "staff_name": "Alice"},
        idempotency_key="after-erasure",
    )
    assert message.status == Status.BLOCKED
    assert "personal data was erased" in message.status_reason


def test_queued_messages_are_cancelled(alice, patient, settings):
    settings.MESSAGING_QUIET_HOURS_START = "00:00"
    settings.MESSAGING_QUIET_HOURS_END = "23:59"
    queued = message_send(
        patient=patient, kind="staff_reply", context={"text": "Later", "staff_name": "A"}, idempotency_key="queued-one"
    )
    erase(alice, patient)
    assert Message.objects.get(pk=queued.pk).status == Status.CANCELED


@pytest.fixture
def sms_after_the_erasure(alice, patient) -> Message:
    """An SMS from the erased patient's old number, received after the erasure."""
    erase(alice, patient)
    return text_received(PHONE, "Hi", sid="SM" + "1" * 32, to_address="+15005550006")


def test_an_sms_from_the_old_number_does_not_reach_the_erased_record(patient, sms_after_the_erasure):
    assert sms_after_the_erasure.patient_id != patient.pk


def test_an_sms_from_the_old_number_makes_a_new_lead(sms_after_the_erasure):
    assert Patient.objects.get(pk=sms_after_the_erasure.patient_id).is_lead is True


def test_consent_is_withdrawn_in_the_ledger(alice, patient):
    erase(alice, patient)
    event = ConsentEvent.objects.filter(patient=patient).order_by("-id").first()
    assert (event.purpose, event.channel, event.given) == ("messaging", "sms", False)


def test_upcoming_consults_are_cancelled(alice, patient):
    start = datetime.combine(timezone.localdate() + timedelta(days=2), time(10), tzinfo=timezone.get_current_timezone())
    consult = ConsultFactory(patient=patient, start=start)
    erase(alice, patient)
    assert Consult.objects.get(pk=consult.pk).status == "cancelled"


def test_old_manage_links_stop_working(alice, patient, client):
    start = datetime.combine(timezone.localdate() + timedelta(days=2), time(10), tzinfo=timezone.get_current_timezone())
    consult = ConsultFactory(patient=patient, start=start)
    erase(alice, patient)
    assert client.get(f"/c/{consult.manage_token}/").status_code == 404


def test_a_report_file_named_after_the_patient_gets_a_neutral_name(alice, patient, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    test = qpcr(patient, timezone.localdate() - timedelta(days=5), "0.5")
    test.report_file.save("asha-verma.pdf", ContentFile(b"%PDF"), save=True)
    erase(alice, patient)
    assert GeneticTest.objects.get(pk=test.pk).report_file.name == f"lab-reports/erased/genetic-test-{test.pk}.pdf"


def test_results_are_kept_until_the_clinical_retention_period_ends(alice, patient, ada):
    retention_policy_update(actor=ada, clinical_record_years=8, message_log_days=90, audit_log_years=6)
    qpcr(patient, timezone.localdate() - timedelta(days=5), "0.5")
    erasure = erase(alice, patient)
    until = kept(erasure, "Genetic and molecular test results")["until"]
    assert until == add_months(timezone.localdate(), 8 * 12).isoformat()


def test_the_confirmation_says_why_results_are_kept(alice, patient):
    qpcr(patient, timezone.localdate() - timedelta(days=5), "0.5")
    erasure = erase(alice, patient)
    assert kept(erasure, "Genetic and molecular test results")["reason"].startswith("Clinical record")


def test_the_confirmation_lists_the_message_texts_as_erased(alice, patient):
    message_send(patient=patient, kind="staff_reply", context={"text": "Hi", "staff_name": "A"}, idempotency_key="one")
    erasure = erase(alice, patient)
    erased = {line["item"]: line["count"] for line in erasure.confirmation["erased"]}
    assert erased["Message texts, attachments and phone addresses"] == 1


def test_an_erased_record_cannot_be_erased_again(alice, patient):
    erase(alice, patient)
    with pytest.raises(DomainError, match="already been erased"):
        record(alice, Patient.objects.get(pk=patient.pk))


def test_a_failure_inside_the_erasure_leaves_everything_as_it_was(alice, patient, monkeypatch):
    erasure = record(alice, patient)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("rights.services.erasure.steps.erase_audit_text", broken)
    with pytest.raises(RuntimeError):
        erasure_request_complete(actor=alice, erasure=erasure, confirm_reference=patient.reference)
    assert Patient.objects.get(pk=patient.pk).full_name == NAME
    assert ErasureRequest.objects.get(pk=erasure.pk).status == "requested"
