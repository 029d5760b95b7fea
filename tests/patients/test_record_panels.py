"""Sections other apps add to the care record: the message thread from messaging."""

import pytest
from django.utils import timezone

from messaging.models import Conversation
from messaging.record_panel import thread_context
from messaging.services import message_send
from tests.factories.care import cml_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(alice):
    return cml_patient(started_on=timezone.localdate(), coordinator=alice)


def test_care_record_shows_the_latest_messages_read_only_with_a_link_to_the_inbox(client, alice, patient):
    message_send(
        patient=patient,
        kind="staff_reply",
        context={"text": "Your next blood test is on Monday.", "staff_name": "Alice"},
        idempotency_key="panel-test-1",
        sent_by=alice,
    )
    conversation = Conversation.objects.get(patient=patient)
    Conversation.objects.filter(pk=conversation.pk).update(unread_count=2)
    client.force_login(alice)
    body = client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    section = body.split('id="panel-messages"')[1].split("</section>")[0]
    assert "Messages with the patient" in section
    assert "Your next blood test is on Monday." in section
    assert f"/admin/messaging/conversation/{conversation.pk}/change/" in section
    assert "<form" not in section  # replying happens in the inbox
    assert Conversation.objects.get(pk=conversation.pk).unread_count == 2  # looking here does not mark read


def test_patient_without_messages_gets_an_empty_thread_section(client, alice, patient):
    client.force_login(alice)
    body = client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    assert "No messages with this patient yet." in body.split('id="panel-messages"')[1]


def test_message_panel_context_uses_a_fixed_number_of_queries(rf, alice, patient, django_assert_num_queries):
    for n in range(5):
        message_send(
            patient=patient,
            kind="staff_reply",
            context={"text": f"Message {n}", "staff_name": "Alice"},
            idempotency_key=f"panel-count-{n}",
            sent_by=alice,
        )
    request = rf.get("/")
    request.user = alice
    # The messages panel alone: other apps' panels (e.g. the consent history) count their own queries.
    with django_assert_num_queries(2):
        context = thread_context(request, patient)
    assert len(context["bubbles"]) == 5
