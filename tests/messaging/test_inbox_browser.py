import pytest
from django.utils import timezone

from clinic.roles import COORDINATOR
from messaging.models import Conversation, Message, Status
from tests.factories.people import PatientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_reads_and_answers_a_patient_in_the_browser(live_server, page, screenshot):
    meera = UserFactory(username="meera", first_name="Meera", password="browser-test-pw", roles=[COORDINATOR])
    patient = PatientFactory(full_name="Asha Browser", phone="+919876599999", coordinator=meera, consent_sms=True)
    conversation = Conversation.objects.create(
        patient=patient, unread_count=1, last_message_at=timezone.now(), last_sms_inbound_at=timezone.now()
    )
    Message.objects.create(
        conversation=conversation,
        patient=patient,
        direction="in",
        channel="sms",
        kind="inbound",
        body="Can I bring my reports?",
        status=Status.RECEIVED,
        twilio_sid="SM" + "7" * 32,
        routed_at=timezone.now(),
    )

    page.goto(f"{live_server.url}/admin/login/?next=/admin/messaging/conversation/")
    page.fill("#id_username", "meera")
    page.fill("#id_password", "browser-test-pw")
    page.click("input[type=submit]")
    assert page.locator(".ct-inbox-link .ct-badge").inner_text() == "1"
    assert page.locator("td.field-unread .ct-unread").inner_text() == "1"
    screenshot("messaging-inbox")
    page.click("text=Asha Browser")
    page.wait_for_selector(".ct-bubble.ct-in")
    assert "Can I bring my reports?" in page.locator(".ct-bubbles").inner_text()
    page.fill("textarea[name=text]", "Yes, please bring them.")
    page.select_option("select[name=channel]", "sms")
    page.click("button:has-text('Send reply')")
    page.wait_for_selector(".ct-bubble.ct-out")
    assert "Yes, please bring them." in page.locator(".ct-bubble.ct-out").inner_text()
    assert "Reply sent to the outbox" in page.content()
    assert page.locator(".ct-inbox-link .ct-badge").count() == 0  # read now
    screenshot("messaging-thread")
    assert Message.objects.get(direction="out").sent_by == meera
