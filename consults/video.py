"""Where a video consult happens: the expert's own fixed link, else a room of its own made from
VIDEO_ROOM_URL_TEMPLATE and the consult's unguessable room name."""

from django.conf import settings

from consults.models import Consult, ConsultMode


def consult_video_url(consult: Consult) -> str:
    """The link patient and expert open for a video consult ("" for other modes or when none is set up)."""
    if consult.mode != ConsultMode.VIDEO:
        return ""
    if consult.expert.video_url:
        return consult.expert.video_url
    template = settings.VIDEO_ROOM_URL_TEMPLATE
    return template.replace("{room}", consult.video_room) if template and consult.video_room else ""
