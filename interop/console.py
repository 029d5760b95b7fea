"""The console's FHIR download page, linked from the care record: choose whether message texts go along."""

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from patients.capabilities import can_export_patient_record
from patients.models import Patient


def fhir_export_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A form whose button downloads the bundle from the API (which checks and audits again)."""
    patient = Patient.objects.filter(pk=pk).first()
    if patient is None or not can_export_patient_record(request.user, patient):
        raise Http404("No patient with this id whose record you may see.")
    context = {
        **admin.site.each_context(request),
        "patient": patient,
        "title": f"Download the record of {patient}",
        "opts": Patient._meta,
    }
    return render(request, "admin/interop/fhir_export.html", context)
