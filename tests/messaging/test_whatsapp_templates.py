"""Issue 13: every message that can start a WhatsApp conversation has a template in the demo, and
coordinators are warned about any without a real one where messages go out for real."""

import pytest
from django.utils import timezone

from messaging.cards import message_cards
from messaging.models import Conversation, Message, Status, WhatsAppTemplate
from messaging.services import message_send, whatsapp_template_for
from messaging.texts import MESSAGES_DIR, kind_exists
from messaging.web_channel import web_reply_send
from messaging.whatsapp_templates import (
    CONVERSATION_STARTING_KINDS,
    DEMO_CONTENT_SID_PREFIX,
    REPLY_ONLY_KINDS,
    whatsapp_template_gaps,
    whatsapp_templates_seed_demo,
)
from patients.models import Language
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


MESSAGE_KINDS = sorted(path.name.removesuffix(".en.txt") for path in MESSAGES_DIR.glob("*.en.txt"))


def test_every_conversation_starting_kind_is_a_real_message_kind():
    assert [kind for kind in CONVERSATION_STARTING_KINDS if not kind_exists(kind)] == []


def test_every_message_kind_either_may_start_a_conversation_or_only_answers_one():
    assert [
        kind for kind in MESSAGE_KINDS if kind not in CONVERSATION_STARTING_KINDS and kind not in REPLY_ONLY_KINDS
    ] == []


def test_no_kind_is_listed_both_as_starting_and_as_answering():
    assert sorted(REPLY_ONLY_KINDS & set(CONVERSATION_STARTING_KINDS)) == []


@pytest.mark.parametrize("language", Language.values)
def test_every_kind_that_may_start_a_whatsapp_conversation_has_a_demo_template(language):
    whatsapp_templates_seed_demo()
    may_start = [kind for kind in MESSAGE_KINDS if kind not in REPLY_ONLY_KINDS]
    assert [kind for kind in may_start if whatsapp_template_for(kind, language) is None] == []


def test_a_web_chat_reply_reaches_a_whatsapp_only_patient_through_its_template(alice):
    whatsapp_templates_seed_demo()
    patient = PatientFactory(consent_whatsapp=True, preferred_channel="whatsapp")
    conversation = Conversation.objects.create(patient=patient)
    web_reply_send(conversation=conversation, actor=alice, text="Take it with food.", idempotency_key="r1")
    nudge = Message.objects.get(kind="webchat_reply")
    assert (nudge.status, nudge.channel, nudge.used_template) == (Status.QUEUED, "whatsapp", True)


def test_the_web_chat_templates_variable_is_the_chat_link(alice, settings):
    settings.PUBLIC_BASE_URL = "https://clinic.example.org"
    whatsapp_templates_seed_demo()
    patient = PatientFactory(consent_whatsapp=True, preferred_channel="whatsapp")
    conversation = Conversation.objects.create(patient=patient)
    web_reply_send(conversation=conversation, actor=alice, text="Take it with food.", idempotency_key="r1")
    assert Message.objects.get(kind="webchat_reply").content_variables == {"1": "https://clinic.example.org/chat/"}


def test_demo_seeds_a_template_for_every_conversation_starting_kind_in_each_language():
    whatsapp_templates_seed_demo()
    assert WhatsAppTemplate.objects.count() == len(CONVERSATION_STARTING_KINDS) * 2


def test_demo_templates_pass_the_admins_own_validation():
    whatsapp_templates_seed_demo()
    for template in WhatsAppTemplate.objects.all():
        template.full_clean()


def test_demo_templates_are_recognisably_fake():
    whatsapp_templates_seed_demo()
    assert all(
        sid.startswith(DEMO_CONTENT_SID_PREFIX)
        for sid in WhatsAppTemplate.objects.values_list("content_sid", flat=True)
    )


def test_demo_seed_keeps_a_template_someone_entered():
    WhatsAppTemplate.objects.create(kind="consult_reminder", language="en", content_sid="HX" + "a" * 32)
    whatsapp_templates_seed_demo()
    assert WhatsAppTemplate.objects.get(kind="consult_reminder", language="en").content_sid == "HX" + "a" * 32


def test_demo_seed_twice_adds_nothing_the_second_time():
    whatsapp_templates_seed_demo()
    assert whatsapp_templates_seed_demo() == 0


@pytest.mark.parametrize("kind", sorted(CONVERSATION_STARTING_KINDS))
def test_a_whatsapp_only_patient_gets_each_kind_through_its_demo_template(kind):
    whatsapp_templates_seed_demo()
    patient = PatientFactory(consent_whatsapp=True, preferred_channel="whatsapp")
    context = {
        "starts_at": timezone.now(),
        "due_on": timezone.now().date(),
        "test_en": "blood test",
        "test_hi": "खून की जांच",
        "name_en": "Support line",
        "name_hi": "सहायता",
        "phone": "+911234567890",
        "url": "https://example.org",
        "book_url": "https://example.org/book/",
        "manage_url": "https://x/c/t/",
        "chat_url": "https://example.org/chat/",
    }
    message = message_send(patient=patient, kind=kind, context=context, idempotency_key=f"t:{kind}", urgent=True)
    assert (message.status, message.channel, message.used_template) == (Status.QUEUED, "whatsapp", True)


def test_gaps_list_kinds_with_only_a_demo_template():
    whatsapp_templates_seed_demo()
    assert whatsapp_template_gaps() == sorted(CONVERSATION_STARTING_KINDS)


def test_gaps_leave_out_kinds_with_a_real_template():
    WhatsAppTemplate.objects.create(kind="consult_reminder", language="en", content_sid="HX" + "a" * 32)
    assert "consult_reminder" not in whatsapp_template_gaps()


def test_coordinators_get_a_queue_card_for_missing_templates_in_production(alice, settings):
    settings.MESSAGING_BACKEND = "twilio"
    cards = {card.key: card for card in message_cards(alice, mine_only=False)}
    assert cards["messaging-whatsapp-templates"].count == len(CONVERSATION_STARTING_KINDS)


def test_no_template_card_locally(alice, settings):
    settings.MESSAGING_BACKEND = "locmem"
    assert "messaging-whatsapp-templates" not in {card.key for card in message_cards(alice, mine_only=False)}


def test_the_template_list_names_the_missing_kinds(client, alice, settings):
    settings.MESSAGING_BACKEND = "twilio"
    client.force_login(alice)
    body = client.get("/admin/messaging/whatsapptemplate/").content.decode()
    assert "no approved WhatsApp template, so patients who only allow WhatsApp" in body
    assert "consult_confirmation" in body


def test_a_blocked_whatsapp_confirmation_keeps_its_reason_for_staff():
    patient = PatientFactory(consent_whatsapp=True, preferred_channel="whatsapp")
    message_send(
        patient=patient,
        kind="consult_confirmation",
        context={"starts_at": timezone.now()},
        idempotency_key="no-template",
        urgent=True,
    )
    assert "no approved WhatsApp template is set up for 'consult_confirmation'" in Message.objects.get().status_reason


def test_a_video_consults_whatsapp_confirmation_carries_the_video_link():
    whatsapp_templates_seed_demo()
    patient = PatientFactory(consent_whatsapp=True, preferred_channel="whatsapp")
    message = message_send(
        patient=patient,
        kind="consult_confirmation",
        context={"starts_at": timezone.now(), "video_url": "https://meet.jit.si/carethread-abc"},
        idempotency_key="video-template",
        urgent=True,
    )
    assert message.content_variables["5"] == "https://meet.jit.si/carethread-abc"
