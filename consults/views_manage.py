"""The patient's manage link /c/<token>/: see, add to calendar, reschedule, cancel.

The token is the only key. Unknown, expired and cancelled links get a page that says so plainly.
"""

from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from consults.calendar import consult_ics
from consults.display import group_by_day, long_label, zone_or_default
from consults.forms import CancelForm, RescheduleForm, parse_slot_value
from consults.models import Consult
from consults.selectors import (
    LinkState,
    ManageLink,
    consult_by_manage_token,
    consult_confirmation_status,
    slots_for_days,
)
from consults.services import consult_cancel, consult_manage_url, consult_reschedule
from consults.video import consult_video_url

DAYS_PER_PAGE = 7


def _link_problem(request: HttpRequest, link: ManageLink) -> HttpResponse | None:
    if link.state is LinkState.UNKNOWN:
        return render(request, "public/manage/unknown.html", status=404)
    if link.state is LinkState.EXPIRED:
        return render(request, "public/manage/expired.html", status=410)
    return None


def _zone(request: HttpRequest, consult: Consult) -> ZoneInfo:
    return zone_or_default(request.GET.get("tz") or request.POST.get("tz") or consult.patient.time_zone)


def _changeable(request: HttpRequest, token: str, *, refusal: str) -> tuple[Consult, ZoneInfo] | HttpResponse:
    """The consult behind a manage link that may still change, or the page that says why not."""
    link = consult_by_manage_token(token)
    if (problem := _link_problem(request, link)) is not None:
        return problem
    if link.state is not LinkState.ACTIVE:
        messages.error(request, refusal)
        return redirect(reverse("consults:manage", args=[token]))
    return link.consult, _zone(request, link.consult)


def _summary(consult: Consult, tz: ZoneInfo) -> dict:
    return {
        "consult": consult,
        "tz": tz,
        "when": long_label(consult.start, tz),
        "manage_url": consult_manage_url(consult),
        "ics_path": reverse("consults:calendar", args=[consult.manage_token]),
        "video_url": consult_video_url(consult),
    }


def manage(request: HttpRequest, token: str, *, just_booked: bool = False) -> HttpResponse:
    link = consult_by_manage_token(token)
    if (problem := _link_problem(request, link)) is not None:
        return problem
    context = {**_summary(link.consult, _zone(request, link.consult)), "state": link.state.value}
    context["just_booked"] = just_booked and link.state is LinkState.ACTIVE
    if context["just_booked"]:
        # What was really queued or blocked, not what the patient hoped for.
        context["confirmation"] = consult_confirmation_status(link.consult)
    return render(request, "public/manage/manage.html", context)


def booked(request: HttpRequest, token: str) -> HttpResponse:
    return manage(request, token, just_booked=True)


def calendar_file(request: HttpRequest, token: str) -> HttpResponse:
    link = consult_by_manage_token(token)
    if (problem := _link_problem(request, link)) is not None:
        return problem
    response = HttpResponse(consult_ics(link.consult), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consult-{link.consult.reference}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def _slot_page(consult: Consult, tz: ZoneInfo, week_raw: str | None) -> dict:
    today = timezone.now().astimezone(tz).date()
    last_day = (timezone.now() + timedelta(days=settings.CONSULT_HORIZON_DAYS)).astimezone(tz).date()
    try:
        first = date.fromisoformat(week_raw) if week_raw else today
    except ValueError:
        first = today
    first = min(max(first, today), last_day)
    last = min(first + timedelta(days=DAYS_PER_PAGE - 1), last_day)
    slots = slots_for_days([consult.expert], day_from=first, day_to=last, tz=tz)
    base_url = reverse("consults:reschedule", args=[consult.manage_token])
    previous_week = first - timedelta(days=DAYS_PER_PAGE)
    return {
        "days": group_by_day(slots, tz, {consult.expert_id: consult.expert.display_name}, one_per_time=True),
        "first": first,
        "last": last,
        "previous_url": (
            base_url + "?" + urlencode({"tz": str(tz), "week": max(previous_week, today).isoformat()})
            if first > today
            else ""
        ),
        "next_url": (
            base_url + "?" + urlencode({"tz": str(tz), "week": (last + timedelta(days=1)).isoformat()})
            if last < last_day
            else ""
        ),
    }


@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    found = _changeable(request, token, refusal=_("This consult can no longer be changed."))
    if isinstance(found, HttpResponse):
        return found
    consult, tz = found
    form = RescheduleForm(request.POST if request.method == "POST" else None, initial={"tz": str(tz)})
    status = 200
    if request.method == "POST" and form.is_valid():
        # No booking throttle here: the secret link already names one consult, and people behind one
        # address (mobile carrier NAT, clinic Wi-Fi) must still be able to move their own booking.
        chosen = parse_slot_value(form.cleaned_data["slot"])
        if chosen is None or chosen[0].pk != consult.expert_id:
            form.add_error("slot", _("That time could not be read. Please choose a time from the list."))
            status = 400
        else:
            try:
                new = consult_reschedule(consult=consult, new_start=chosen[1], source="web")
            except DomainError as error:
                add_service_errors(form, error, moved={"start": "slot"})
                status = error.status
            else:
                moved = _("Your consult has moved to %(when)s.") % {"when": long_label(new.start, tz)}
                messages.success(request, moved)
                return redirect(reverse("consults:manage", args=[token]) + "?" + urlencode({"tz": str(tz)}))
    elif request.method == "POST":
        status = 400
    context = {**_summary(consult, tz), "form": form, **_slot_page(consult, tz, request.GET.get("week"))}
    return render(request, "public/manage/reschedule.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    found = _changeable(request, token, refusal=_("This consult can no longer be cancelled online."))
    if isinstance(found, HttpResponse):
        return found
    consult, tz = found
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            consult_cancel(consult=consult, reason=form.reason_text(), source="web")
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your consult is cancelled. You can book a new one at any time."))
            return redirect(reverse("consults:manage", args=[token]) + "?" + urlencode({"tz": str(tz)}))
    status = 400 if request.method == "POST" else 200
    return render(request, "public/manage/cancel.html", {**_summary(consult, tz), "form": form}, status=status)
