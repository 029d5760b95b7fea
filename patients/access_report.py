"""Breach readiness: who viewed or changed which patients in a period (issue 16), for admins only.

Read from the audit log; filterable by date range and user; downloadable as CSV (spreadsheet-safe)
for a breach notice within 72 hours. Two queries whatever the period (the users for the filter, the entries).
"""

import datetime as dt

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from clinic.date_inputs import ConsoleDateField
from patients.capabilities import can_view_access_report
from patients.csv_export import csv_response
from patients.models import AuditEntry

MAX_ROWS = 5000  # a page beyond this asks for a narrower period; the CSV holds them all
HEADER = ["When (UTC)", "User", "Action", "Patient id", "Object", "Fields", "Via", "IP address"]


class AccessReportForm(forms.Form):
    start = ConsoleDateField(label="From (date)")
    end = ConsoleDateField(label="To (date, included)")
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, label="User", empty_label="Everyone"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.order_by("username")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date; pick an end on or after the start.")
        return data


def access_entries(*, start: dt.date, end: dt.date, user=None):
    """Entries naming a patient (views and changes) in [start, end], newest first."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    entries = AuditEntry.objects.filter(at__gte=since, at__lt=until, patient_ref__isnull=False)
    if user is not None:
        entries = entries.filter(actor=user)
    return entries.order_by("-at", "-id")


def _row(entry: AuditEntry) -> list:
    return [
        entry.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        entry.actor_name,
        entry.get_action_display(),
        entry.patient_ref,
        entry.object_repr,
        ", ".join(entry.changed_fields),
        entry.via,
        entry.ip_address or "",
    ]


@never_cache
def access_report(request: HttpRequest) -> HttpResponse:
    # Not wrapped in admin_view: that would send a signed-in outsider to the login page; they get a 403 here.
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_view_access_report(request.user):
        raise PermissionDenied("Only admins can see the access report.")
    today = timezone.localdate()
    form = AccessReportForm(request.GET or {"start": today - dt.timedelta(days=3), "end": today})
    rows: list[list] = []
    truncated = False
    if form.is_valid():
        data = form.cleaned_data
        selected = access_entries(start=data["start"], end=data["end"], user=data["user"])
        if request.GET.get("format") == "csv":
            # The file holds every entry of the period (a breach notice needs all of them), streamed in chunks.
            return csv_response(
                filename=f"access-report-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv",
                header=HEADER,
                rows=(_row(entry) for entry in selected.iterator(chunk_size=2000)),
            )
        entries = list(selected[: MAX_ROWS + 1])
        truncated = len(entries) > MAX_ROWS
        rows = [_row(entry) for entry in entries[:MAX_ROWS]]
    context = {
        **admin.site.each_context(request),
        "title": "Access report",
        "form": form,
        "rows": rows,
        "header": HEADER,
        "truncated": truncated,
        "max_rows": MAX_ROWS,
        "csv_query": request.GET.urlencode(),
    }
    return render(request, "admin/patients/access_report.html", context)
