"""django-q2 tasks for consults: thin wrappers that call a service with the current time."""

from django.utils import timezone

from consults.reminders import consult_reminders_send_due


def send_due_consult_reminders() -> int:
    return consult_reminders_send_due(now=timezone.now())
