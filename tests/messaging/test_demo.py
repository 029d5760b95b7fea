import io

from messaging import demo
from messaging.models import Conversation, Message
from patients import demo as patients_demo
from patients.models import Patient


def test_demo_seed_creates_conversations_once(db, settings):
    settings.MESSAGING_BACKEND = "console"
    patients_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    counts = (Message.objects.count(), Conversation.objects.count(), Patient.objects.filter(is_lead=True).count())
    demo.seed(io.StringIO())
    assert (Message.objects.count(), Conversation.objects.count()) == counts[:2]
    assert counts == (6, 4, 1)
    assert Conversation.objects.filter(unread_count__gt=0).count() == 3
    assert Message.objects.filter(status="failed", error_code="21614").exists()


def test_demo_seed_skips_without_demo_patients(db):
    out = io.StringIO()
    demo.seed(out)
    assert "skipped" in out.getvalue()
    assert not Message.objects.exists()
