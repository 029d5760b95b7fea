"""Console pages of the work queue: the triage list with "assign to me", and the header's patient search.

Thin: check the capability, call one selector or service, render inside the admin's chrome.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinic.errors import DomainError
from patients.audit import audit_record
from patients.capabilities import can_use_console, can_work_triage
from patients.models import AuditAction, Patient
from patients.selectors import patients_visible_to
from patients.services.triage import patient_take
from patients.worklist import SEARCH_LIMIT, patient_search, patients_unassigned

MAX_QUERY = 100


def triage_page(request: HttpRequest) -> HttpResponse:
    if not can_work_triage(request.user):
        raise PermissionDenied("The triage queue is for coordinators.")
    patients = list(patients_unassigned(request.user))
    audit_record(actor=request.user, action=AuditAction.VIEW, list_of=Patient, query="triage", request=request)
    context = {**admin.site.each_context(request), "title": "New / unassigned patients", "patients": patients}
    return render(request, "admin/patients/triage.html", context)


@require_POST
def triage_take(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(patients_visible_to(request.user), pk=pk)
    try:
        patient_take(patient=patient, by=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"You are now {patient}'s coordinator.")
    return HttpResponseRedirect(reverse("console-triage"))


def search_page(request: HttpRequest) -> HttpResponse:
    if not can_use_console(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    results = list(patient_search(user=request.user, query=query)) if query else []
    if query:
        audit_record(
            actor=request.user, action=AuditAction.VIEW, list_of=Patient, query=f"search {query}", request=request
        )
    context = {
        **admin.site.each_context(request),
        "title": "Find a patient",
        "query": query,
        "results": results,
        "limit": SEARCH_LIMIT,
    }
    return render(request, "admin/patients/search.html", context)
