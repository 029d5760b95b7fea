"""What the expert needs on one consult's page in the console: how to reach the patient (phone,
their local time, the video link) and the two outcome buttons, completed and no-show."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clinic.errors import DomainError
from clinic.timezones import format_datetime, zone_or_none
from consults.models import Consult, ConsultStatus
from consults.services import consult_mark_completed, consult_mark_no_show
from consults.video import consult_video_url
from patients.capabilities import can_complete_consult

OUTCOMES: dict[str, tuple[Callable[..., Consult], str]] = {
    "completed": (consult_mark_completed, "completed"),
    "no_show": (consult_mark_no_show, "a no-show"),
}


def outcome_buttons_shown(request: HttpRequest, consult: Consult | None) -> bool:
    return bool(consult and consult.status == ConsultStatus.CONFIRMED and can_complete_consult(request.user, consult))


def outcome_url(model_admin: Any) -> URLPattern:
    view = model_admin.admin_site.admin_view(outcome_view(model_admin))
    return path("<path:object_id>/outcome/", view, name="consults_consult_outcome")


def patient_phone(consult: Consult) -> str:
    return format_html('<a href="tel:{}">{}</a>', consult.patient.phone, consult.patient.phone)


def patient_local_time(consult: Consult) -> str:
    zone = zone_or_none(consult.patient.time_zone)
    if zone is None:
        return "Unknown time zone"
    return f"{format_datetime(consult.start, zone)} ({zone})"


def video_link(consult: Consult) -> str:
    url = consult_video_url(consult)
    if not url:
        return "—"
    return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', url, url)


def outcome_view(model_admin: Any) -> Callable[[HttpRequest, str], HttpResponse]:
    @require_POST
    def view(request: HttpRequest, object_id: str) -> HttpResponse:
        consult = model_admin.get_object(request, object_id)  # only consults this user may see
        if consult is None or not model_admin.has_view_permission(request, consult):
            raise PermissionDenied
        if not can_complete_consult(request.user, consult):
            raise PermissionDenied
        chosen = OUTCOMES.get(request.POST.get("outcome", ""))
        back = reverse("admin:consults_consult_change", args=[consult.pk])
        # "My day" on the dashboard posts here too and wants the expert back on the dashboard.
        wanted = request.POST.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = wanted
        if chosen is None:
            messages.error(request, "Choose completed or no-show; nothing was changed.")
            return HttpResponseRedirect(back)
        service, label = chosen
        try:
            service(consult=consult, by=request.user, request=request)  # audited in the service's transaction
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{consult.reference} marked {label}.")
        return HttpResponseRedirect(back)

    return view
