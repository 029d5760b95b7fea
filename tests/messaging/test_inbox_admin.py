"""The coordinator inbox in the console, tried by each member of the cast."""

import datetime as dt

import pytest
from django.utils import timezone

from messaging.cards import message_cards
from messaging.models import Conversation, Message, Status, WhatsAppTemplate
from messaging.services import message_send
from patients.models import AuditEntry, Patient
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

LIST = "/admin/messaging/conversation/"


def thread_url(conversation):
    return f"{LIST}{conversation.pk}/change/"


def post_reply(client, conversation, text: str, *, channel: str, key: str):
    """A coordinator's reply posted from the thread page (`channel` "" lets the page choose)."""
    return client.post(
        thread_url(conversation), {"action": "reply", "text": text, "channel": channel, "idempotency_key": key}
    )


def inbound(patient, body="Hello", channel="sms", when=None, unread=True):
    """A routed patient message, as the routing task leaves it."""
    when = when or timezone.now()
    conversation, _ = Conversation.objects.get_or_create(patient=patient)
    field = "last_whatsapp_inbound_at" if channel == "whatsapp" else "last_sms_inbound_at"
    setattr(conversation, field, when)
    conversation.last_message_at = when
    conversation.unread_count += 1 if unread else 0
    conversation.save()
    return Message.objects.create(
        conversation=conversation,
        patient=patient,
        direction="in",
        channel=channel,
        kind="inbound",
        body=body,
        status=Status.RECEIVED,
        twilio_sid=f"SM{Message.objects.count() + 1:032d}",
        routed_at=when,
        seen_at=None if unread else when,
        created_at=when,
    )


@pytest.fixture
def alices_patient(alice):
    return PatientFactory(
        full_name="Asha Alice-Patient",
        phone="+919876511111",
        coordinator=alice,
        consent_sms=True,
        consent_whatsapp=True,
    )


@pytest.fixture
def bobs_patient(bob):
    return PatientFactory(full_name="Bina Bob-Patient", phone="+919876522222", coordinator=bob, consent_sms=True)


@pytest.fixture
def conversation(alices_patient):
    inbound(alices_patient, "When is my appointment?")
    return Conversation.objects.get(patient=alices_patient)


# --- who sees what -----------------------------------------------------------------------------


def test_coordinator_sees_own_and_unassigned_conversations_only(client, alice, alices_patient, bobs_patient):
    lead = PatientFactory(full_name="Lead Without-Coordinator", is_lead=True)
    for patient in (alices_patient, bobs_patient, lead):
        inbound(patient)
    client.force_login(alice)
    body = client.get(LIST).content.decode()
    assert "Asha Alice-Patient" in body
    assert "Lead Without-Coordinator (new lead)" in body
    assert "Bina Bob-Patient" not in body


def test_coordinator_cannot_open_another_coordinators_thread(client, bob, conversation):
    client.force_login(bob)
    response = client.get(thread_url(conversation))
    assert response.status_code == 404  # outside one's patients: the same answer as no such thread
    assert client.post(thread_url(conversation), {"action": "close"}).status_code in (302, 404)
    assert Conversation.objects.get().status == "open"
    assert not AuditEntry.objects.exists()


def test_admin_sees_every_conversation(client, ada, conversation, bobs_patient):
    inbound(bobs_patient)
    client.force_login(ada)
    body = client.get(LIST).content.decode()
    assert "Asha Alice-Patient" in body
    assert "Bina Bob-Patient" in body
    assert client.get(thread_url(conversation)).status_code == 200


def test_outsider_gets_the_login_page(client, charlie, conversation):
    client.force_login(charlie)
    for url in (LIST, thread_url(conversation), "/admin/messaging/message/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_anonymous_gets_the_login_page(client, conversation):
    assert "/admin/login/" in client.get(thread_url(conversation))["Location"]


def test_expert_reads_threads_of_their_consult_patients_without_marking_them_read(client, erin, conversation):
    ConsultFactory(
        patient=conversation.patient, expert=ExpertFactory(user=erin), start=timezone.now() + dt.timedelta(days=2)
    )
    client.force_login(erin)
    assert "Asha Alice-Patient" in client.get(LIST).content.decode()
    body = client.get(thread_url(conversation)).content.decode()
    assert "When is my appointment?" in body
    assert "Send reply" not in body
    assert Conversation.objects.get().unread_count == 1  # still unread for the coordinator
    assert (
        client.post(thread_url(conversation), {"action": "reply", "text": "hi", "idempotency_key": "e"}).status_code
        == 403
    )
    assert not Message.objects.filter(direction="out").exists()
    assert AuditEntry.objects.filter(actor=erin, action="view").exists()


def test_expert_without_consults_sees_no_conversations_and_cannot_reply(client, erin, conversation):
    client.force_login(erin)
    assert "Asha Alice-Patient" not in client.get(LIST).content.decode()
    assert client.get(thread_url(conversation)).status_code == 404
    assert client.post(thread_url(conversation), {"action": "reply", "text": "hi"}).status_code in (302, 403, 404)
    assert not Message.objects.filter(direction="out").exists()


# --- the list ----------------------------------------------------------------------------------


def test_unread_conversations_come_first_then_most_recent(client, alice):
    old_unread = PatientFactory(full_name="Old Unread", coordinator=alice)
    recent_read = PatientFactory(full_name="Recent Read", coordinator=alice)
    inbound(old_unread, when=timezone.now() - dt.timedelta(days=2))
    inbound(recent_read, unread=False)
    client.force_login(alice)
    body = client.get(LIST).content.decode()
    assert body.index("Old Unread") < body.index("Recent Read")


def test_assigned_to_me_filter(client, alice, bob, alices_patient):
    unassigned = PatientFactory(full_name="Unassigned Person")
    handed_to_alice = PatientFactory(full_name="Handed To Alice")
    for patient in (alices_patient, unassigned, handed_to_alice):
        inbound(patient)
    Conversation.objects.filter(patient=handed_to_alice).update(assignee=alice)
    client.force_login(alice)
    body = client.get(f"{LIST}?assigned=me").content.decode()
    assert "Asha Alice-Patient" in body
    assert "Handed To Alice" in body
    assert "Unassigned Person" not in body


def test_inbox_list_query_count_does_not_grow_with_rows(client, alice, django_assert_max_num_queries):
    client.force_login(alice)
    for index in range(3):
        inbound(PatientFactory(coordinator=alice, full_name=f"Patient {index}"))
    with django_assert_max_num_queries(12) as few:
        assert client.get(LIST).status_code == 200
    for index in range(3, 30):
        inbound(PatientFactory(coordinator=alice, full_name=f"Patient {index}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_message_log_query_count_does_not_grow_with_rows(client, alice, django_assert_max_num_queries):
    client.force_login(alice)
    patient = PatientFactory(coordinator=alice)
    for index in range(3):
        message_send(patient=patient, kind="help_reply", context={}, idempotency_key=f"a{index}")
    with django_assert_max_num_queries(14) as few:
        assert client.get("/admin/messaging/message/").status_code == 200
    for index in range(3, 40):
        message_send(patient=patient, kind="help_reply", context={}, idempotency_key=f"a{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/admin/messaging/message/").status_code == 200


def test_thread_query_count_does_not_grow_with_messages(client, alice, conversation, django_assert_max_num_queries):
    client.force_login(alice)
    client.get(thread_url(conversation))
    with django_assert_max_num_queries(40) as few:
        client.get(thread_url(conversation))
    for index in range(40):
        inbound(conversation.patient, f"message {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(thread_url(conversation)).status_code == 200


# --- the thread --------------------------------------------------------------------------------


def test_opening_a_thread_shows_bubbles_marks_read_and_is_audited(client, alice, conversation):
    client.force_login(alice)
    response = client.get(thread_url(conversation), REMOTE_ADDR="10.0.0.7")
    body = response.content.decode()
    assert response.status_code == 200
    assert "When is my appointment?" in body
    assert "ct-bubble ct-in" in body
    conversation.refresh_from_db()
    assert conversation.unread_count == 0
    assert Message.objects.get().seen_at is not None
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.patient, entry.ip_address) == (
        alice,
        "view",
        conversation.patient,
        "10.0.0.7",
    )


def test_failed_message_is_highlighted_with_its_reason(client, alice, conversation):
    message = message_send(patient=conversation.patient, kind="help_reply", context={}, idempotency_key="f")
    Message.objects.filter(pk=message.pk).update(
        status=Status.FAILED,
        error_code="21614",
        status_reason="This number is not a mobile phone and cannot receive SMS.",
    )
    client.force_login(alice)
    body = client.get(thread_url(conversation)).content.decode()
    assert "ct-problem" in body
    assert "not a mobile phone" in body
    assert "Try again" in body


def test_delivery_ticks_and_segments_are_shown(client, alice, conversation):
    message = message_send(patient=conversation.patient, kind="help_reply", context={}, idempotency_key="d")
    Message.objects.filter(pk=message.pk).update(status=Status.DELIVERED, twilio_sid="SM" + "1" * 32)
    client.force_login(alice)
    body = client.get(thread_url(conversation)).content.decode()
    assert "✓✓" in body
    assert "Delivered" in body
    assert f"{message.segments} SMS segments" in body


def test_reply_goes_through_the_outbox_and_is_audited(client, alice, conversation, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_reply(client, conversation, "Your appointment is on Monday.", channel="", key="abc")
    assert response.status_code == 302
    reply = Message.objects.get(direction="out")
    assert (reply.kind, reply.channel, reply.sent_by, reply.status) == ("staff_reply", "sms", alice, Status.QUEUED)
    assert reply.body.startswith("Your appointment is on Monday.")
    assert AuditEntry.objects.filter(action="send", actor=alice, patient=conversation.patient).exists()


def test_double_submitted_reply_is_sent_once(client, alice, conversation):
    client.force_login(alice)
    data = {"action": "reply", "text": "On my way", "channel": "sms", "idempotency_key": "same"}
    client.post(thread_url(conversation), data)
    client.post(thread_url(conversation), data)
    assert Message.objects.filter(direction="out").count() == 1


def test_reply_naming_a_medicine_by_sms_is_refused_and_text_kept(client, alice, conversation):
    client.force_login(alice)
    response = post_reply(client, conversation, "Keep taking imatinib daily", channel="sms", key="p")
    body = response.content.decode()
    assert response.status_code == 400
    assert "must not name a diagnosis or medicine" in body
    assert "Keep taking imatinib daily" in body
    assert not Message.objects.filter(direction="out").exists()


def test_empty_reply_gets_a_field_error(client, alice, conversation):
    client.force_login(alice)
    response = client.post(thread_url(conversation), {"action": "reply", "text": "", "idempotency_key": "e"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_whatsapp_reply_outside_the_window_is_refused_with_the_template_offered(client, alice, conversation):
    WhatsAppTemplate.objects.create(kind="conversation_reopen", language="en", content_sid="HX" + "d" * 32)
    Conversation.objects.filter(pk=conversation.pk).update(
        last_whatsapp_inbound_at=timezone.now() - dt.timedelta(hours=30)
    )
    client.force_login(alice)
    response = post_reply(client, conversation, "Hello again", channel="whatsapp", key="w")
    body = response.content.decode()
    assert response.status_code == 409
    assert "only allows an approved template" in body
    assert "Send the approved WhatsApp template" in body
    assert "Send this text by SMS instead" in body
    assert "Hello again" in body
    assert not Message.objects.filter(direction="out").exists()

    client.post(thread_url(conversation), {"action": "send_template", "idempotency_key": "w"})
    sent = Message.objects.get(direction="out")
    assert (sent.kind, sent.channel, sent.used_template) == ("conversation_reopen", "whatsapp", True)


def test_whatsapp_reply_inside_the_window_is_free_text(client, alice, conversation):
    inbound(conversation.patient, "hi on whatsapp", channel="whatsapp")
    client.force_login(alice)
    post_reply(client, conversation, "Hi!", channel="", key="i")
    sent = Message.objects.get(direction="out")
    assert (sent.channel, sent.used_template) == ("whatsapp", False)


def test_reply_to_an_opted_out_channel_is_refused(client, alice, conversation):
    Patient.objects.filter(pk=conversation.patient_id).update(sms_opted_out_at=timezone.now())
    client.force_login(alice)
    response = post_reply(client, conversation, "Hello", channel="sms", key="o")
    assert response.status_code == 409
    assert "opted out of SMS" in response.content.decode()


def test_assign_to_me_close_and_reopen(client, alice, conversation):
    client.force_login(alice)
    client.post(thread_url(conversation), {"action": "assign", "assignee": "me"})
    client.post(thread_url(conversation), {"action": "close"})
    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.status) == (alice, "closed")
    client.post(thread_url(conversation), {"action": "reopen"})
    assert Conversation.objects.get().status == "open"
    assert AuditEntry.objects.filter(action="change").count() == 3


def test_cannot_assign_to_someone_who_cannot_see_the_patient(client, alice, bob, conversation):
    client.force_login(alice)
    response = client.post(thread_url(conversation), {"action": "assign", "assignee": bob.pk}, follow=True)
    assert "cannot see this patient" in response.content.decode()
    assert Conversation.objects.get().assignee is None


def test_retry_a_failed_message(client, alice, conversation, django_capture_on_commit_callbacks):
    message = message_send(patient=conversation.patient, kind="help_reply", context={}, idempotency_key="r")
    Message.objects.filter(pk=message.pk).update(status=Status.FAILED, error_code="network", attempts=6)
    client.force_login(alice)
    client.post(thread_url(conversation), {"action": "retry", "message_id": message.pk})
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 0)


def test_unknown_action_changes_nothing(client, alice, conversation):
    client.force_login(alice)
    response = client.post(thread_url(conversation), {"action": "delete_everything"}, follow=True)
    assert "Unknown action" in response.content.decode()


# --- header badge and work-queue card ----------------------------------------------------------


def test_header_shows_unread_counts_for_staff(client, alice, alices_patient):
    inbound(alices_patient)
    inbound(PatientFactory(full_name="Unassigned"))
    client.force_login(alice)
    body = client.get("/admin/").content.decode()
    assert 'Inbox <span class="ct-badge">2</span>' in body
    assert "mine: 1" in body


def test_queue_cards_count_unread_and_undelivered(alice, bob, alices_patient, bobs_patient):
    inbound(alices_patient)
    inbound(bobs_patient)
    failed = message_send(patient=alices_patient, kind="help_reply", context={}, idempotency_key="x")
    Message.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    cards = {card.key: card for card in message_cards(alice, True)}
    assert cards["messaging-unread"].count == 1
    assert cards["messaging-unread"].url == f"{LIST}?unread=1&assigned=me"
    assert cards["messaging-not-delivered"].count == 1
    assert message_cards(bob, True)[1].count == 0


def test_queue_cards_run_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    for _ in range(5):
        inbound(PatientFactory(coordinator=alice))
    with django_assert_max_num_queries(3):
        message_cards(alice, False)


def test_card_links_open_filtered_lists(client, alice):
    client.force_login(alice)
    for card in message_cards(alice, True):
        response = client.get(card.url)
        assert response.status_code == 200
        assert "?e=1" not in response.get("Location", "")


# --- WhatsApp templates ------------------------------------------------------------------------


def add_reminder_template(client, **fields):
    """Post the console's "add WhatsApp template" form for the consult reminder."""
    return client.post("/admin/messaging/whatsapptemplate/add/", {"kind": "consult_reminder", **fields})


def test_coordinator_configures_a_whatsapp_template(client, alice):
    client.force_login(alice)
    response = add_reminder_template(
        client,
        language="hi",
        content_sid="HX" + "e" * 32,
        variables='{"1": "patient_name", "2": "starts_at|date:\'j F, H:i\'"}',
        description="",
        active="on",
    )
    assert response.status_code == 302, response.content.decode()
    assert WhatsAppTemplate.objects.get().variables["1"] == "patient_name"


def test_bad_content_sid_and_variables_get_field_errors(client, alice):
    client.force_login(alice)
    response = add_reminder_template(client, language="en", content_sid="12345", variables='{"one": ""}')
    body = response.content.decode()
    assert response.status_code == 200
    assert "HX followed by 32" in body
    assert "Each variable needs a number" in body
    assert not WhatsAppTemplate.objects.exists()


def test_outsider_cannot_see_whatsapp_templates(client, charlie):
    client.force_login(charlie)
    assert client.get("/admin/messaging/whatsapptemplate/").status_code == 302
