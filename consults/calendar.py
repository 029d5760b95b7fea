"""The .ics file a patient adds to their calendar (RFC 5545, built with the icalendar library)."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from consults.models import Consult, ConsultStatus
from consults.services import consult_manage_url
from consults.video import consult_video_url


def consult_ics(consult: Consult) -> bytes:
    """One VEVENT; the UID and SEQUENCE survive reschedules so calendars update the same event."""
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "carethread"
    manage_url = consult_manage_url(consult)
    video_url = consult_video_url(consult)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CLINIC_NAME}//CareThread//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{consult.calendar_uid}@{host}")
    event.add("sequence", consult.calendar_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", consult.start)
    event.add("dtend", consult.end)
    # Calendars are often shared or shown on lock screens: the summary names no diagnosis or topic.
    event.add("summary", f"Free consult with {consult.expert.display_name} ({settings.CLINIC_NAME})")
    how = (
        f"Video call: join at {video_url} at the time of the consult."
        if video_url
        else f"{consult.get_mode_display()}: the expert will contact you at the time of the consult."
    )
    event.add(
        "description",
        f"Reference {consult.reference}. {how}\nChange or cancel: {manage_url}\nClinic phone: {settings.CLINIC_PHONE}",
    )
    # Calendar apps turn a LOCATION or URL that is a link into a "join" button.
    event.add("location", video_url or consult.get_mode_display())
    event.add("url", video_url or manage_url)
    event.add("status", "CANCELLED" if consult.status == ConsultStatus.CANCELLED else "CONFIRMED")
    if consult.status == ConsultStatus.CONFIRMED:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Free consult with {consult.expert.display_name} in 30 minutes")
        alarm.add("trigger", timedelta(minutes=-30))
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
