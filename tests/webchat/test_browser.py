"""End to end in Chromium: a patient without WhatsApp chats from the website, gets the code, writes;
a coordinator answers in the console inbox; the patient sees the answer on the chat page. Every
chat page passes axe-core at phone width."""

import re

import pytest
from django.test import Client

from messaging.models import Conversation, Message
from messaging.texts import sensitive_term
from messaging.verify import LocmemVerifyBackend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = "+919876500031"
PHONE_WIDTH = {"width": 375, "height": 812}


def patient_opens_chat(page, live_server, assert_accessible) -> None:
    page.set_viewport_size(PHONE_WIDTH)
    page.goto(f"{live_server.url}/chat/")
    assert_accessible()
    page.fill("input[name=name]", "Meera Iyer")
    page.fill("input[name=phone]", "98765 00031")
    page.check("input[name=consent_sms]")
    page.click("button:has-text('Send me a code')")
    page.wait_for_url(re.compile(r"/chat/code/$"))
    assert_accessible()
    page.fill("input[name=code]", LocmemVerifyBackend.last_code_for(PHONE))
    page.click("button:has-text('Open my chat')")
    page.wait_for_url(re.compile(r"/chat/t/[^/]+/$"))


def test_patient_chats_and_sees_the_coordinators_answer(
    live_server, page, browser, alice, assert_accessible, screenshot
):
    patient_opens_chat(page, live_server, assert_accessible)
    assert_accessible()
    page.fill("textarea[name=text]", "Can I take my tablets with tea?")
    page.click("button:has-text('Send')")
    page.wait_for_selector(".chat-mine")
    assert "Can I take my tablets with tea?" in page.locator("#chat-messages").inner_text()
    assert_accessible()
    screenshot("webchat-thread-patient")

    # The coordinator answers in the console inbox, in a browser of her own.
    staff = Client()
    staff.force_login(alice)
    coordinator = browser.new_context(viewport={"width": 1280, "height": 900})
    coordinator.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}])
    console = coordinator.new_page()
    conversation = Conversation.objects.get()
    console.goto(f"{live_server.url}/admin/messaging/conversation/{conversation.pk}/change/")
    assert "Can I take my tablets with tea?" in console.locator(".ct-bubbles").inner_text()
    console.fill("textarea[name=text]", "Yes, tea is fine. Avoid grapefruit.")
    console.click("button:has-text('Send reply')")
    console.wait_for_selector(".ct-bubble.ct-out")
    coordinator.close()

    page.reload()
    assert "Yes, tea is fine. Avoid grapefruit." in page.locator(".chat-theirs").inner_text()
    assert_accessible()
    nudge = Message.objects.get(kind="webchat_reply")
    assert sensitive_term(nudge.body) is None
    assert "grapefruit" not in nudge.body


def test_the_thread_url_from_another_browser_shows_nothing(live_server, page, browser, assert_accessible):
    patient_opens_chat(page, live_server, assert_accessible)
    thread_url = page.url
    stranger = browser.new_context()
    other = stranger.new_page()
    response = other.goto(thread_url)
    assert response.status == 404
    assert "Meera" not in other.content()
    stranger.close()


def test_the_refresh_script_shows_a_reply_without_a_reload(live_server, page, alice, assert_accessible):
    patient_opens_chat(page, live_server, assert_accessible)
    from messaging.inbox import conversation_reply
    from messaging.services import conversation_for_patient
    from webchat.models import WebChat

    conversation = conversation_for_patient(WebChat.objects.get().patient)
    conversation_reply(
        conversation=conversation, actor=alice, text="We will call you at 4.", channel="web", idempotency_key="refresh"
    )
    # No reload: the self-hosted script fetches the list every 15 seconds.
    page.wait_for_selector("text=We will call you at 4.", timeout=20_000)


def test_leaving_the_chat_returns_to_an_accessible_start_page(live_server, page, assert_accessible):
    patient_opens_chat(page, live_server, assert_accessible)
    page.click("button:has-text('Leave chat')")
    page.wait_for_url(re.compile(r"/chat/\?left=1$"))
    assert "You left the chat" in page.content()
    assert_accessible()


def test_form_errors_on_the_start_page_are_accessible(live_server, page, assert_accessible):
    page.set_viewport_size(PHONE_WIDTH)
    page.goto(f"{live_server.url}/chat/")
    page.click("button:has-text('Send me a code')")
    page.wait_for_selector(".form-errors")
    assert_accessible()


def test_the_debug_simulate_box_on_a_console_thread_is_accessible(
    live_server, page, alice, settings, assert_accessible
):
    from messaging.services import conversation_for_patient
    from tests.factories.people import PatientFactory

    settings.DEBUG = True
    conversation = conversation_for_patient(PatientFactory(phone="+919876500041", coordinator=alice))
    staff = Client()
    staff.force_login(alice)
    page.context.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/messaging/conversation/{conversation.pk}/change/")
    page.fill("#ct-simulate-text", "STOP")
    page.click("button:has-text('Simulate patient message')")
    page.wait_for_selector("text=Simulated patient message routed: opted-out.")
    assert_accessible()


def test_the_hindi_chat_pages_are_accessible(live_server, page, assert_accessible):
    """/hi/chat/: the start page, its errors, the code page and the thread, all in Hindi and axe-clean."""
    page.set_viewport_size(PHONE_WIDTH)
    page.goto(f"{live_server.url}/hi/chat/")
    assert page.locator("html").get_attribute("lang") == "hi"
    assert_accessible()
    page.click("button:has-text('मुझे कोड भेजें')")
    page.wait_for_selector(".form-errors")
    assert_accessible()
    page.fill("input[name=name]", "मीरा अय्यर")
    page.fill("input[name=phone]", "98765 00031")
    page.click("button:has-text('मुझे कोड भेजें')")
    page.wait_for_url(re.compile(r"/hi/chat/code/$"))
    assert_accessible()
    page.fill("input[name=code]", LocmemVerifyBackend.last_code_for(PHONE))
    page.click("button:has-text('मेरी चैट खोलें')")
    page.wait_for_url(re.compile(r"/hi/chat/t/[^/]+/$"))
    page.fill("textarea[name=text]", "क्या मैं गोली चाय के साथ ले सकती हूँ?")
    page.click("button:has-text('भेजें')")
    page.wait_for_selector(".chat-mine")
    assert_accessible()


def test_the_language_switcher_opens_the_chat_in_hindi(live_server, page):
    page.goto(f"{live_server.url}/chat/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="हिन्दी").click()
    page.wait_for_url(re.compile(r"/hi/chat/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "क्लिनिक से चैट करें"
