"""Reads for the coordinator inbox: who sees which conversation, unread counts, a thread."""

from datetime import datetime
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from messaging.models import Conversation, Direction, Message, Status
from patients.capabilities import can_use_console
from patients.selectors import patient_visibility_q

THREAD_LENGTH = 200


def assigned_to_q(user: User, prefix: str = "") -> Q:
    """Conversations this user works: assigned to them, or unassigned and they coordinate the patient."""
    return Q(**{f"{prefix}assignee": user}) | Q(
        **{f"{prefix}assignee__isnull": True, f"{prefix}patient__coordinator": user}
    )


def conversations_visible_to(user: User | AnonymousUser) -> QuerySet[Conversation]:
    if not can_use_console(user):
        return Conversation.objects.none()
    rule = patient_visibility_q(user, prefix="patient__")
    conversations = Conversation.objects.all()
    return conversations if rule is None else conversations.filter(rule)


def conversation_list_for(user: User | AnonymousUser) -> QuerySet[Conversation]:
    """The inbox list: patient, assignee and a preview of the last message in one query."""
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    # The patient's latest unread message matters more than our latest automatic text.
    unread = Message.objects.filter(
        conversation=OuterRef("pk"), direction=Direction.INBOUND, seen_at__isnull=True, routed_at__isnull=False
    ).order_by("-created_at", "-pk")
    return (
        conversations_visible_to(user)
        .select_related("patient", "patient__coordinator", "assignee")
        .annotate(
            last_body=Subquery(last.values("body")[:1]),
            last_direction=Subquery(last.values("direction")[:1]),
            last_status=Subquery(last.values("status")[:1]),
            unread_body=Subquery(unread.values("body")[:1]),
        )
    )


def inbox_unread_counts(user: User | AnonymousUser) -> dict[str, int]:
    """Conversations with unread patient messages: all the user may see, and those assigned to them."""
    if not can_use_console(user):
        return {"total": 0, "mine": 0}
    unread = Q(unread_count__gt=0)
    counts = conversations_visible_to(user).aggregate(
        # clinic staff are signed-in Users
        total=Count("pk", filter=unread),
        mine=Count("pk", filter=unread & assigned_to_q(cast(User, user))),
    )
    return {"total": counts["total"] or 0, "mine": counts["mine"] or 0}


def conversation_thread(conversation: Conversation, *, limit: int = THREAD_LENGTH) -> list[Message]:
    """The latest `limit` messages, oldest first."""
    latest = (
        Message.objects.filter(conversation=conversation)
        .select_related("sent_by")
        .order_by("-created_at", "-pk")[:limit]
    )
    return list(reversed(latest))


def problem_messages_visible_to(user: User | AnonymousUser, *, since: datetime) -> QuerySet[Message]:
    """Outbound messages that did not reach the patient (blocked, failed, undelivered) since `since`."""
    if not can_use_console(user):
        return Message.objects.none()
    rule = patient_visibility_q(user, prefix="patient__")
    messages = Message.objects.filter(
        direction=Direction.OUTBOUND,
        status__in=(Status.BLOCKED, Status.FAILED, Status.UNDELIVERED),
        status_changed_at__gte=since,
    )
    return messages if rule is None else messages.filter(rule)
