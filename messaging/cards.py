"""Work-queue cards for the coordinator dashboard (clinic/queue.py): one query each."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone

from clinic.queue import QueueCard
from messaging.selectors import (
    assigned_to_q,
    conversations_visible_to,
    inbox_unread_counts,
    problem_messages_visible_to,
)
from messaging.whatsapp_templates import whatsapp_sending_for_real, whatsapp_template_gaps
from patients.capabilities import can_use_console

PROBLEM_LOOKBACK = dt.timedelta(days=7)


def message_cards(user: AbstractBaseUser, mine_only: bool) -> list[QueueCard]:
    if not can_use_console(user):
        return []
    inbox = reverse("admin:messaging_conversation_changelist")
    counts = inbox_unread_counts(user)
    unread = QueueCard(
        key="messaging-unread",
        title="Unread conversations (assigned to me)" if mine_only else "Unread conversations",
        count=counts["mine"] if mine_only else counts["total"],
        url=f"{inbox}?unread=1&assigned=me" if mine_only else f"{inbox}?unread=1",
        urgent=True,
        order=10,
    )
    since = timezone.now() - PROBLEM_LOOKBACK
    problems = problem_messages_visible_to(user, since=since)
    if mine_only:
        problems = problems.filter(conversation__in=conversations_visible_to(user).filter(assigned_to_q(user)))
    log = reverse("admin:messaging_message_changelist")
    failed = QueueCard(
        key="messaging-not-delivered",
        title="Messages not delivered (7 days)",
        count=problems.count(),
        url=f"{log}?status__in=blocked,failed,undelivered&direction__exact=out",
        order=20,
    )
    cards = [unread, failed]
    # Only where messages really go out: locally the demo's stand-ins are expected.
    if whatsapp_sending_for_real() and (gaps := whatsapp_template_gaps()):
        cards.append(
            QueueCard(
                key="messaging-whatsapp-templates",
                title="WhatsApp messages with no approved template (they cannot start a WhatsApp conversation)",
                count=len(gaps),
                url=reverse("admin:messaging_whatsapptemplate_changelist"),
                urgent=True,
                order=25,
            )
        )
    return cards
