"""The clinic insights page (/admin/insights/) and its CSV downloads; thin: check, select, render."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from insights.reports import REPORTS
from insights.selectors import DEFAULT_WEEKS, MAX_WEEKS, Period, period_ending_this_week
from patients.capabilities import can_view_clinic_insights
from patients.csv_export import csv_response
from patients.selectors import patient_visibility_q

WEEK_CHOICES = [(4, "4 weeks"), (8, "8 weeks"), (12, "12 weeks"), (26, "26 weeks"), (52, "52 weeks")]


class PeriodForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label="Period",
        choices=WEEK_CHOICES,
        coerce=int,
        required=False,
        empty_value=DEFAULT_WEEKS,
        error_messages={"invalid_choice": f"Choose a period of 4, 8, 12, 26 or {MAX_WEEKS} weeks."},
    )


def _check_access(request: HttpRequest) -> HttpResponse | None:
    """Anonymous visitors go to the console login; signed-in people without the capability get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not can_view_clinic_insights(request.user):
        raise PermissionDenied("Clinic insights are for coordinators and admins.")
    return None


def _period(form: PeriodForm) -> Period:
    return period_ending_this_week(weeks=form.cleaned_data["weeks"] if form.is_valid() else DEFAULT_WEEKS)


def insights_page(request: HttpRequest) -> HttpResponse:
    if denied := _check_access(request):
        return denied
    form = PeriodForm({"weeks": request.GET.get("weeks", DEFAULT_WEEKS)})
    period = _period(form)
    reports = [build(request.user, period) for build in REPORTS.values()]
    context = {
        **admin.site.each_context(request),
        "title": "Clinic insights",
        "form": form,
        "period": period,
        "reports": reports,
        "weeks": period.weeks,
        "counts_everyone": patient_visibility_q(request.user) is None,
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "admin/insights/index.html", context)


def insights_csv(request: HttpRequest, key: str) -> HttpResponse:
    if denied := _check_access(request):
        return denied
    build = REPORTS.get(key)
    if build is None:
        raise Http404("There is no such insights table; go back to the insights page and pick a download link.")
    form = PeriodForm({"weeks": request.GET.get("weeks", DEFAULT_WEEKS)})
    if not form.is_valid():
        return HttpResponse(" ".join(form.errors["weeks"]), status=400, content_type="text/plain; charset=utf-8")
    period = _period(form)
    report = build(request.user, period)
    filename = f"carethread-{key}-{period.first_monday.isoformat()}-to-{period.last_day.isoformat()}.csv"
    return csv_response(filename=filename, header=report.header, rows=report.rows)
