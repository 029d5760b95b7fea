"""Trying the two-way flow locally: `simulate_inbound` and the debug-only thread button run the
real inbound path (webhook minus signature); the console backend frames outgoing messages and
runserver's static-file lines are quieted in debug."""

import datetime as dt
import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from clinic.observability import QuietStaticRequestsFilter
from consults.models import ConsultStatus
from messaging.backends import ConsoleBackend, OutboundSend
from messaging.models import Conversation, Direction, Message
from messaging.replies import register_reply_handler, reply_handler_for, unregister_reply_handler
from patients.models import Patient
from tests.factories.consults import ConsultFactory
from tests.messaging.conftest import deliver_consult_reminder

PHONE = "+919876500001"


def simulate(*args: str) -> str:
    out = io.StringIO()
    call_command("simulate_inbound", *args, stdout=out)
    return out.getvalue()


def test_stop_opts_the_patient_out_of_sms(patient):
    simulate("--from", PHONE, "STOP")
    patient.refresh_from_db()
    assert patient.sms_opted_out_at is not None


def test_stop_is_reported_as_routed(patient):
    assert "opted-out" in simulate("--from", PHONE, "STOP")


def test_stop_on_whatsapp_opts_out_of_whatsapp_only(whatsapp_patient):
    simulate("--from", "+919876500002", "--channel", "whatsapp", "STOP")
    whatsapp_patient.refresh_from_db()
    assert whatsapp_patient.whatsapp_opted_out_at is not None
    assert whatsapp_patient.sms_opted_out_at is None


@pytest.fixture
def consult_reply_handler():
    # The consults app registers this in ready(); some routing tests swap it out, so make sure the
    # real one is in place (and leave the registry as found).
    from consults.replies import consult_reminder_reply

    before = reply_handler_for("consult_reminder")
    register_reply_handler("consult_reminder", consult_reminder_reply)
    yield
    unregister_reply_handler("consult_reminder")
    if before is not None:
        register_reply_handler("consult_reminder", before)


def test_c_to_a_consult_reminder_confirms_attendance(patient, consult_reply_handler):
    consult = ConsultFactory(patient=patient, start=timezone.now() + dt.timedelta(hours=20))
    deliver_consult_reminder(consult)
    output = simulate("--from", PHONE, "C")
    consult.refresh_from_db()
    assert consult.attendance_confirmed_at is not None
    assert consult.status != ConsultStatus.CANCELLED
    assert "handled:consult_reminder" in output


def test_a_free_text_message_lands_unread(patient):
    simulate("--from", PHONE, "Can I bring my son?")
    assert Conversation.objects.get(patient=patient).unread_count == 1


def test_an_unknown_number_becomes_a_lead_like_a_real_webhook(db):
    simulate("--from", "+919876500077", "Hello")
    assert Patient.objects.get(phone="+919876500077").is_lead is True


def test_a_bad_number_is_a_clear_command_error(db):
    with pytest.raises(CommandError, match="international format"):
        simulate("--from", "12", "Hello")


# --- the debug-only button on a console thread --------------------------------------------------


@pytest.fixture
def conversation(patient, alice):
    Patient.objects.filter(pk=patient.pk).update(coordinator=alice)
    return Conversation.objects.create(patient=patient)


def thread_url(conversation: Conversation) -> str:
    return reverse("admin:messaging_conversation_change", args=[conversation.pk])


def test_debug_button_is_absent_when_debug_is_off(client, alice, conversation, settings):
    settings.DEBUG = False
    client.force_login(alice)
    assert "Simulate patient message" not in client.get(thread_url(conversation)).content.decode()


def test_debug_action_is_404_when_debug_is_off(client, alice, conversation, settings):
    settings.DEBUG = False
    client.force_login(alice)
    response = client.post(thread_url(conversation), {"action": "simulate_inbound", "text": "STOP", "channel": "sms"})
    assert response.status_code == 404
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 0


def test_debug_button_is_shown_when_debug_is_on(client, alice, conversation, settings):
    settings.DEBUG = True
    client.force_login(alice)
    assert "Simulate patient message" in client.get(thread_url(conversation)).content.decode()


def test_debug_button_runs_the_real_inbound_path(client, alice, conversation, settings, patient):
    settings.DEBUG = True
    client.force_login(alice)
    client.post(thread_url(conversation), {"action": "simulate_inbound", "text": "STOP", "channel": "sms"})
    patient.refresh_from_db()
    assert patient.sms_opted_out_at is not None


def test_debug_button_is_refused_to_someone_who_may_not_act(client, erin, conversation, settings):
    settings.DEBUG = True
    client.force_login(erin)
    response = client.post(thread_url(conversation), {"action": "simulate_inbound", "text": "STOP", "channel": "sms"})
    assert response.status_code == 404  # a thread outside one's patients is not found (access rule)
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 0


# --- console clarity ----------------------------------------------------------------------------


def test_console_backend_prints_a_framed_block_with_to_channel_kind_and_body(capsys):
    ConsoleBackend().send(
        OutboundSend(message_id=7, channel="sms", to=PHONE, body="Your consult is at 5 PM.", kind="consult_reminder")
    )
    printed = capsys.readouterr().out
    assert "=" * 64 in printed
    assert f"to:      {PHONE}" in printed
    assert "channel: SMS" in printed
    assert "kind:    consult_reminder" in printed
    assert "  | Your consult is at 5 PM." in printed


def _server_record(request_line: str, status: int) -> logging.LogRecord:
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (request_line, str(status), "123"), None
    )
    record.status_code = status
    return record


def test_successful_static_file_lines_are_quieted():
    assert QuietStaticRequestsFilter().filter(_server_record("GET /static/css/site.css HTTP/1.1", 200)) is False


def test_page_request_lines_still_show():
    assert QuietStaticRequestsFilter().filter(_server_record("GET /chat/ HTTP/1.1", 200)) is True


def test_failed_static_file_lines_still_show():
    assert QuietStaticRequestsFilter().filter(_server_record("GET /static/missing.js HTTP/1.1", 404)) is True
