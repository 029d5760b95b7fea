"""django-q2 task entry points: thin wrappers that take ids and call a service.

The sweeper runs every minute from a django-q2 Schedule created by the data migration
messaging/migrations/0002_sweeper_schedule.py (idempotent: update_or_create by name).
"""

from messaging.delivery import message_deliver, messages_sweep
from messaging.inbound import inbound_route


def deliver(message_id: int) -> str:
    return message_deliver(message_id=message_id)


def route_inbound(message_id: int) -> str:
    return inbound_route(message_id=message_id)


def sweep() -> str:
    return messages_sweep()
