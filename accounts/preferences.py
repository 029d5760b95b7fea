"""Each staff member's own time zone: chosen on "My settings" (or by an admin), shown in on every console page.

The zone is read once at sign-in and kept in the (server-side) session, like the two-step state in
accounts/sessions.py, so a console page costs no extra query; StaffTimeZoneMiddleware activates it.
Changing one's own zone updates the session at once; a change an admin makes applies from that
person's next sign-in.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import HttpRequest

from accounts.models import StaffProfile
from clinic.errors import DomainError
from clinic.roles import is_clinic_staff
from clinic.timezones import DisplayZone, zone_or_none
from patients.audit import audit_record
from patients.capabilities import can_change_staff_settings
from patients.models import AuditAction

ZONE_KEY = "accounts_time_zone"


def staff_time_zone_of(*, user: User | AnonymousUser) -> str:
    """The zone name the user chose, or "" for the clinic's zone (no settings row yet, or none chosen)."""
    if not user.is_authenticated:
        return ""
    return StaffProfile.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""


def viewer_zone(name: str) -> DisplayZone:
    """The zone to show times in for a chosen zone name ("" or an unknown name: the clinic's)."""
    return DisplayZone(name if zone_or_none(name) is not None else settings.TIME_ZONE)


def preloaded_zone(user: User) -> DisplayZone:
    """The user's zone from a `select_related("staff_profile")` load: no query (the API token path)."""
    try:
        name = user.staff_profile.time_zone
    except ObjectDoesNotExist:
        name = ""
    return viewer_zone(name)


def session_zone(request: HttpRequest) -> DisplayZone:
    """The signed-in user's zone, from the session; read from the database once for an older session."""
    name = request.session.get(ZONE_KEY)
    if name is None:
        name = staff_time_zone_of(user=request.user)
        request.session[ZONE_KEY] = name
    return viewer_zone(name)


def session_zone_start(sender: type, request: HttpRequest, user: User, **kwargs: object) -> None:
    """`user_logged_in` receiver: a new session starts with the user's own zone."""
    request.session[ZONE_KEY] = staff_time_zone_of(user=user)


def staff_time_zone_set(*, user: User, time_zone: str, by: User, request: HttpRequest | None = None) -> StaffProfile:
    """Set the zone `user` sees console times in ("" = the clinic's); by themself or an admin; audited."""
    if not can_change_staff_settings(by, user):
        raise DomainError("You can change only your own settings.", field="time_zone")
    if not is_clinic_staff(user):
        raise DomainError("Settings are for clinic staff accounts.", field="time_zone")
    time_zone = time_zone.strip()
    if time_zone and zone_or_none(time_zone) is None:
        raise DomainError(
            f"{time_zone!r} is not a time zone we know; choose one from the list, e.g. Asia/Kolkata or Europe/London.",
            field="time_zone",
        )
    with transaction.atomic():
        profile, created = StaffProfile.objects.select_for_update().get_or_create(
            user=user, defaults={"time_zone": time_zone}
        )
        changed = created or profile.time_zone != time_zone
        if changed and not created:
            profile.time_zone = time_zone
            profile.save(update_fields=["time_zone", "updated_at"])
        if changed:
            audit_record(
                actor=by,
                action=AuditAction.CREATE if created else AuditAction.CHANGE,
                obj=profile,
                request=request,
                via="console",
                changed_fields=["time_zone"],
            )
    if request is not None and request.user.pk == user.pk:
        request.session[ZONE_KEY] = time_zone
    return profile
