"""Public pages: home and the three booking steps. They work without JavaScript.

Step 1 (/book/) and step 2 (/book/slots/) are GET forms, so the browser's back button and shared
links just work; step 3 (/book/details/) posts the booking and redirects to the confirmation.
"""

import hashlib
import re
import uuid
from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from consults.consent import BOOKING_NOTE, booking_intake
from consults.display import SlotChoice, group_by_day, long_label, slot_value, zone_or_default
from consults.errors import SlotTaken
from consults.forms import BookingDetailsForm, SlotSearchForm, parse_slot_value
from consults.models import ConsultSource, Expert, Topic
from consults.selectors import experts_matching, slots_for_days
from consults.services import consult_book_for_public
from consults.throttles import booking_wait, wait_message

DAYS_PER_PAGE = 7
BOOKING_KEY = re.compile(r"^[0-9a-f]{32}$")


def _booking_idempotency(form: BookingDetailsForm) -> tuple[str | None, str]:
    """(idempotency key, fingerprint) for this form's booking: the same form sent again for the same
    person and time finds the first booking; going back and choosing another time books anew."""
    key = form.cleaned_data.get("booking_key") or ""
    if not BOOKING_KEY.match(key):
        return None, ""
    fingerprint = hashlib.sha256(f"{form.cleaned_data['slot']}|{form.cleaned_data['phone']}".encode()).hexdigest()
    return f"web:{key}:{fingerprint[:16]}", fingerprint


def book_start(request: HttpRequest) -> HttpResponse:
    """Step 1: topic, optional expert and language, time zone."""
    initial = {key: request.GET.get(key) for key in ("topic", "expert", "language", "tz") if request.GET.get(key)}
    form = SlotSearchForm(initial={"tz": settings.TIME_ZONE, **initial}, tz_chosen="tz" in initial)
    return render(request, "public/book/start.html", {"form": form})


def _week_start(raw: str | None, today: date, last_day: date) -> date:
    try:
        chosen = date.fromisoformat(raw) if raw else today
    except ValueError:
        chosen = today
    return min(max(chosen, today), last_day)


def book_slots(request: HttpRequest) -> HttpResponse:
    """Step 2: free times for the chosen topic, a week at a time, in the patient's zone."""
    form = SlotSearchForm(request.GET, tz_chosen=True)
    if not form.is_valid():
        return render(request, "public/book/start.html", {"form": form}, status=400)
    data = form.cleaned_data
    tz = ZoneInfo(data["tz"])
    chosen_expert: Expert | None = data["expert"]
    experts = [chosen_expert] if chosen_expert else experts_matching(topic=data["topic"], language=data["language"])
    today = timezone.now().astimezone(tz).date()
    last_day = (timezone.now() + timedelta(days=settings.CONSULT_HORIZON_DAYS)).astimezone(tz).date()
    first = _week_start(request.GET.get("week"), today, last_day)
    last = min(first + timedelta(days=DAYS_PER_PAGE - 1), last_day)
    slots = slots_for_days(experts, day_from=first, day_to=last, tz=tz)
    names = {expert.pk: expert.display_name for expert in experts}
    base = {
        "topic": data["topic"],
        "expert": chosen_expert.pk if chosen_expert else "",
        "language": data["language"],
        "tz": data["tz"],
    }
    previous_week = first - timedelta(days=DAYS_PER_PAGE) if first > today else None
    next_week = last + timedelta(days=1) if last < last_day else None
    context = {
        "form": form,
        "tz": tz,
        "topic_label": Topic(data["topic"]).label,
        "chosen_expert": chosen_expert,
        "days": group_by_day(slots, tz, names, one_per_time=chosen_expert is None),
        "first": first,
        "last": last,
        "no_experts": not experts,
        "change_url": reverse("consults:book") + "?" + urlencode(base),
        "previous_url": _week_url(base, max(previous_week, today)) if previous_week else "",
        "next_url": _week_url(base, next_week) if next_week else "",
        "hidden": base,
    }
    return render(request, "public/book/slots.html", context)


def _week_url(base: dict, week: date) -> str:
    return reverse("consults:book-slots") + "?" + urlencode({**base, "week": week.isoformat()})


def _details_context(form: BookingDetailsForm, alternatives: list[SlotChoice] | None = None) -> dict:
    tz = zone_or_default(form.data.get("tz") or form.initial.get("tz"))
    chosen = parse_slot_value(form.data.get("slot") or form.initial.get("slot") or "")
    topic = form.data.get("topic") or form.initial.get("topic")
    return {
        "form": form,
        "tz": tz,
        "expert": chosen[0] if chosen else None,
        "when": long_label(chosen[1], tz) if chosen else "",
        "topic_label": Topic(topic).label if topic in Topic.values else "",
        "alternatives": alternatives or [],
        "booking_note": BOOKING_NOTE,
        "slots_url": reverse("consults:book-slots") + "?" + urlencode({"topic": topic or "", "tz": str(tz)}),
    }


@require_http_methods(["GET", "POST"])
def book_details(request: HttpRequest) -> HttpResponse:
    """Step 3: the patient's details; POST books the consult."""
    if request.method == "GET":
        initial = {key: request.GET.get(key, "") for key in ("slot", "topic", "tz")}
        if not parse_slot_value(initial["slot"]) or initial["topic"] not in Topic.values:
            query = urlencode({k: v for k, v in initial.items() if k != "slot" and v})
            return redirect(reverse("consults:book") + ("?" + query if query else ""))
        initial["booking_key"] = uuid.uuid4().hex
        return render(request, "public/book/details.html", _details_context(BookingDetailsForm(initial=initial)))

    form = BookingDetailsForm(request.POST)
    if not form.is_valid():
        return render(request, "public/book/details.html", _details_context(form), status=400)
    data = form.cleaned_data
    if data["website"]:
        # A person never sees the honeypot; nothing is stored and the bot learns little.
        form.add_error(None, _("We could not take this booking. Please call the clinic to book."))
        return render(request, "public/book/details.html", _details_context(form), status=400)
    minutes = booking_wait(request)
    if minutes is not None:
        form.add_error(None, wait_message(minutes))
        return render(request, "public/book/details.html", _details_context(form), status=429)
    expert, start = form.chosen
    tz = zone_or_default(data["tz"])
    # A new patient who books on the Hindi pages gets Hindi messages, the confirmation included.
    details = booking_intake(
        data, time_zone=str(tz), source=ConsultSource.WEB, language=translation.get_language() or ""
    )
    idempotency_key, fingerprint = _booking_idempotency(form)
    try:
        consult = consult_book_for_public(
            details=details,
            expert=expert,
            start=start,
            topic=data["topic"],
            mode=data["mode"],
            note=data["note"].strip(),
            source=ConsultSource.WEB,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
        )
    except SlotTaken as taken:
        names = taken.expert_names
        alternatives = [
            SlotChoice(slot_value(s), long_label(s.start, tz), names.get(s.expert_id, "")) for s in taken.next_slots
        ]
        add_service_errors(form, taken, moved={"start": None})  # above the form, with the times offered
        return render(request, "public/book/details.html", _details_context(form, alternatives), status=409)
    except DomainError as error:
        # The chosen time and expert travel in the hidden `slot` field, shown beside the summary.
        add_service_errors(form, error, moved={"start": "slot", "expert": "slot"})
        return render(request, "public/book/details.html", _details_context(form), status=error.status)
    return redirect(reverse("consults:booked", args=[consult.manage_token]) + "?" + urlencode({"tz": str(tz)}))
