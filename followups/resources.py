"""Resource follow-ups: the patient gets a resource's contact details when it is assigned, and a
"did you reach them?" message FOLLOWUPS_RESOURCE_FOLLOW_UP_DAYS (default 7) after a referral.

A resource's name can itself name a disease ("The Leukemia & Lymphoma Society"): for patients
without detailed messages such a name is replaced by "a support organisation" so the SMS can go.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from followups.pause import paused_patient_ids
from messaging.models import Message
from messaging.services import message_send
from messaging.texts import sensitive_term
from patients.models import AssignmentStatus, ResourceAssignment

GENERIC_NAME = ("a support organisation", "एक सहायता संस्था")


def resource_context(assignment: ResourceAssignment) -> dict[str, str]:
    resource, patient = assignment.resource, assignment.patient
    hide = not patient.detailed_messages and sensitive_term(resource.name) is not None
    return {
        "name_en": GENERIC_NAME[0] if hide else resource.name,
        "name_hi": GENERIC_NAME[1] if hide else resource.name,
        "phone": resource.phone,
        "url": "" if hide and sensitive_term(resource.url) else resource.url,
    }


def resource_follow_up_key(assignment: ResourceAssignment) -> str:
    return f"resource:{assignment.pk}:follow-up"


def resource_contact_send(*, assignment: ResourceAssignment) -> Message:
    """Send the assigned resource's contact details (once per assignment)."""
    return message_send(
        patient=assignment.patient,
        kind="resource_contact",
        context=resource_context(assignment),
        idempotency_key=f"resource:{assignment.pk}:contact",
        topic=f"resource:{assignment.pk}",
    )


def resource_follow_ups_send_due(*, now: datetime) -> int:
    """Ask patients referred N days ago whether they reached the service; returns messages written."""
    since = now - timedelta(days=settings.FOLLOWUPS_RESOURCE_FOLLOW_UP_DAYS)
    assignments = list(
        ResourceAssignment.objects.filter(status=AssignmentStatus.REFERRED, created_at__lte=since)
        .exclude(patient_id__in=paused_patient_ids())
        .select_related("patient", "resource")
    )
    keys = {a.pk: resource_follow_up_key(a) for a in assignments}
    written = set(Message.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", flat=True))
    sent = 0
    for assignment in assignments:
        if keys[assignment.pk] in written:
            continue
        with transaction.atomic():
            message_send(
                patient=assignment.patient,
                kind="resource_follow_up",
                context=resource_context(assignment),
                idempotency_key=keys[assignment.pk],
                topic=f"resource:{assignment.pk}",
            )
        sent += 1
    return sent
