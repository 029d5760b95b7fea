"""What every consult message may say: time (rendered in the patient's zone, with its zone name),
the booking reference, links to manage and to join a video consult. One place, so the
confirmation, reminders and change notices can never disagree."""

from typing import Any

from django.conf import settings
from django.urls import reverse

from consults.models import Consult
from consults.video import consult_video_url


def consult_manage_url(consult: Consult) -> str:
    """Absolute URL of the patient's manage page (see, reschedule, cancel)."""
    return settings.PUBLIC_BASE_URL + reverse("consults:manage", args=[consult.manage_token])


def consult_ics_url(consult: Consult) -> str:
    """Absolute URL of the consult's calendar file, downloadable with the manage token alone."""
    return settings.PUBLIC_BASE_URL + reverse("consults:calendar", args=[consult.manage_token])


def consult_message_context(consult: Consult, *, links: bool = True) -> dict[str, Any]:
    context: dict[str, Any] = {
        "starts_at": consult.start,
        "expert_name": consult.expert.display_name,
        "reference": consult.reference,
        "video_url": consult_video_url(consult),
    }
    if links:
        context.update(manage_url=consult_manage_url(consult), ics_url=consult_ics_url(consult))
    return context
