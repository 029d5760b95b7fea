"""Wiring done once at start-up: reply handler, send guard, record panel, and the two model hooks
(a finished monitoring item cancels its queued reminders; an assigned resource sends its contact).

Signals here are side effects of writes made elsewhere (patients services, admin, API), so the
patients app never imports messaging. Imported only from FollowupsConfig.ready(), once every model is
loaded, so its imports sit at the top.
"""

from django.db import transaction
from django.db.models.signals import post_save

from clinic.panels import register_record_panel
from followups.kinds import PROMPT_KINDS
from followups.monitoring import monitoring_topic
from followups.panel import FOLLOW_UPS_PANEL
from followups.pause import follow_up_send_guard
from followups.replies import follow_up_reply
from followups.resources import resource_contact_send
from messaging.guards import register_send_guard
from messaging.replies import register_reply_handler
from messaging.services import messages_cancel_pending
from patients.models import ItemStatus, MonitoringItem, ResourceAssignment


def _item_saved(sender, instance, **kwargs) -> None:
    if instance.status != ItemStatus.PLANNED:
        messages_cancel_pending(topic=monitoring_topic(instance.pk))


def _assignment_saved(sender, instance, created, **kwargs) -> None:
    if created:
        # In the assigning transaction: the message exists only if the assignment does.
        with transaction.atomic():
            resource_contact_send(assignment=instance)


def connect() -> None:
    for kind in PROMPT_KINDS:
        register_reply_handler(kind, follow_up_reply)
    register_send_guard(follow_up_send_guard)
    register_record_panel(FOLLOW_UPS_PANEL)
    post_save.connect(_item_saved, sender=MonitoringItem, dispatch_uid="followups-item-saved")
    post_save.connect(_assignment_saved, sender=ResourceAssignment, dispatch_uid="followups-assignment-saved")
