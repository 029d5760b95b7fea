"""The expert's "My day" on the console dashboard: today's own consults, in the viewer's own zone (their
"My settings", else the clinic's), with
what a call needs (phone, the patient's local time, the video link, the patient's note) and the
completed / no-show buttons of consults/admin_consult_page.py."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from consults.admin_consult_page import patient_local_time
from consults.models import Consult, ConsultStatus
from consults.selectors import consults_visible_to
from consults.slots import local_day_bounds
from consults.video import consult_video_url


@dataclass(frozen=True)
class DayConsult:
    consult: Consult
    local_start: datetime
    patient_local_time: str
    video_url: str
    can_record_outcome: bool


@dataclass(frozen=True)
class ExpertDay:
    day: date
    zone: ZoneInfo
    consults: list[DayConsult]


def expert_day(*, user: AbstractBaseUser, now: datetime | None = None) -> ExpertDay:
    """One query whatever the number of consults: today's consults (not cancelled), today being the
    viewer's day in the zone every console page shows them (accounts.middleware.StaffTimeZoneMiddleware)."""
    zone = timezone.get_current_timezone()
    today = (now or timezone.now()).astimezone(zone).date()
    start, end = local_day_bounds(today, today, zone)
    consults = (
        consults_visible_to(user)
        .filter(expert__user=user, start__gte=start, start__lt=end)
        .exclude(status=ConsultStatus.CANCELLED)
        .order_by("start", "id")
    )
    rows = [
        DayConsult(
            consult=consult,
            local_start=consult.start.astimezone(zone),
            patient_local_time=patient_local_time(consult),
            video_url=consult_video_url(consult),
            can_record_outcome=consult.status == ConsultStatus.CONFIRMED,
        )
        for consult in consults
    ]
    return ExpertDay(day=today, zone=zone, consults=rows)
