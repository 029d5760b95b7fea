"""Console pages for patient rights, reached from the care record's "Patient rights" section, and the admins'
retention settings. Thin: check the capability, call one service, render inside the admin's chrome.

A patient the user may not see is a 404; one they see but may not act for (an expert) a 403.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from clinic.roles import staff_user
from clinic.timezones import format_datetime
from patients.audit import audit_record
from patients.capabilities import can_manage_patient_rights, can_run_erasure, can_set_retention
from patients.models import AuditAction, Patient
from patients.selectors import patients_visible_to
from rights import forms as f
from rights.models import CorrectionRequest, CorrectionStatus, DataPackageLink, ErasureRequest, ErasureStatus
from rights.selectors import erasure_preview
from rights.services import (
    correction_request_decide,
    correction_request_record,
    data_package_link_create,
    data_package_link_revoke,
    erasure_request_complete,
    erasure_request_record,
    retention_policy_current,
    retention_policy_update,
)


def _patient(request: HttpRequest, pk: int, allowed: Callable[..., bool]) -> Patient:
    patient = patients_visible_to(request.user).filter(pk=pk).first()
    if patient is None:
        raise Http404("No patient with this id whose record you may see.")
    if not allowed(request.user, patient):
        raise PermissionDenied("Patient rights are handled by the patient's coordinator or an admin.")
    return patient


def record_url(patient: Patient) -> str:
    return reverse("admin:patients_patient_change", args=[patient.pk]) + "#panel-rights"


def _page(
    request: HttpRequest, template: str, patient: Patient, title: str, status: int = 200, **context: Any
) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": title,
        "patient": patient,
        "record_url": record_url(patient),
        **context,
    }
    return render(request, template, context, status=status)


@require_POST
def package_send(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _patient(request, pk, can_manage_patient_rights)
    form = f.PackageLinkForm(request.POST, prefix="package")
    if not form.is_valid():
        messages.error(request, "The link was not sent: choose SMS, WhatsApp or the patient's preferred channel.")
        return HttpResponseRedirect(record_url(patient))
    try:
        link = data_package_link_create(
            actor=staff_user(request),
            patient=patient,
            channel=form.cleaned_data["channel"] or None,
            include_message_bodies=form.cleaned_data["include_message_bodies"],
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Data package link sent ({link.message.get_status_display().lower() if link.message else 'not sent'}); "
            f"it works once, until {format_datetime(link.expires_at)}.",
        )
    return HttpResponseRedirect(record_url(patient))


@require_POST
def package_revoke(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    patient = _patient(request, pk, can_manage_patient_rights)
    link = get_object_or_404(DataPackageLink.objects.select_related("patient"), pk=link_id, patient=patient)
    data_package_link_revoke(actor=staff_user(request), link=link, request=request)
    messages.success(request, "The data package link no longer works.")
    return HttpResponseRedirect(record_url(patient))


@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _patient(request, pk, can_manage_patient_rights)
    form = f.CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            correction_request_record(actor=staff_user(request), patient=patient, request=request, **form.cleaned_data)
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Correction request recorded. Make the correction in the record, then record the outcome."
            )
            return HttpResponseRedirect(record_url(patient))
    return _page(
        request,
        "admin/rights/correction_new.html",
        patient,
        f"Record a correction request · {patient.reference}",
        status=400 if form.is_bound else 200,
        form=form,
    )


@require_http_methods(["GET", "POST"])
def correction_decide(request: HttpRequest, pk: int, correction_id: int) -> HttpResponse:
    patient = _patient(request, pk, can_manage_patient_rights)
    correction = get_object_or_404(
        CorrectionRequest.objects.select_related("patient", "recorded_by", "decided_by"),
        pk=correction_id,
        patient=patient,
    )
    open_request = correction.status == CorrectionStatus.REQUESTED
    form = f.OutcomeForm(request.POST if request.method == "POST" else None) if open_request else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            correction_request_decide(
                actor=staff_user(request), correction=correction, request=request, **form.cleaned_data
            )
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Outcome recorded.")
            return HttpResponseRedirect(record_url(patient))
    if request.method == "GET":
        audit_record(
            actor=staff_user(request),
            action=AuditAction.VIEW,
            obj=correction,
            patient=patient,
            request=request,
            via="console",
        )
    return _page(
        request,
        "admin/rights/correction.html",
        patient,
        f"{correction} · {patient.reference}",
        status=400 if form is not None and form.is_bound else 200,
        correction=correction,
        form=form,
    )


@require_POST
def erasure_record(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _patient(request, pk, can_run_erasure)
    form = f.ErasureRequestForm(request.POST, prefix="erasure")
    if not form.is_valid():
        messages.error(request, "The erasure request was not recorded: say how and when the patient asked.")
        return HttpResponseRedirect(record_url(patient))
    try:
        erasure = erasure_request_record(
            actor=staff_user(request), patient=patient, request=request, **form.cleaned_data
        )
    except DomainError as error:
        messages.error(request, f"The erasure request was not recorded. {error.message}")
        return HttpResponseRedirect(record_url(patient))
    return HttpResponseRedirect(reverse("rights-console-erasure", args=[patient.pk, erasure.pk]))


@require_http_methods(["GET", "POST"])
def erasure_complete(request: HttpRequest, pk: int, erasure_id: int) -> HttpResponse:
    patient = _patient(request, pk, can_run_erasure)
    erasure = get_object_or_404(
        ErasureRequest.objects.select_related("patient", "requested_by"), pk=erasure_id, patient=patient
    )
    confirmation_url = reverse("rights-console-erasure-confirmation", args=[patient.pk, erasure.pk])
    if erasure.status == ErasureStatus.COMPLETED:
        return HttpResponseRedirect(confirmation_url)
    form = f.ErasureConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            erasure_request_complete(actor=staff_user(request), erasure=erasure, request=request, **form.cleaned_data)
        except DomainError as error:
            add_service_errors(form, error)
        else:
            return HttpResponseRedirect(confirmation_url)
    return _page(
        request,
        "admin/rights/erasure_complete.html",
        patient,
        f"Erase personal data · {patient.reference}",
        status=400 if form.is_bound else 200,
        erasure=erasure,
        form=form,
        preview=erasure_preview(patient),
    )


def erasure_confirmation(request: HttpRequest, pk: int, erasure_id: int) -> HttpResponse:
    patient = _patient(request, pk, can_run_erasure)
    erasure = get_object_or_404(
        ErasureRequest.objects.select_related("completed_by"),
        pk=erasure_id,
        patient=patient,
        status=ErasureStatus.COMPLETED,
    )
    audit_record(
        actor=staff_user(request), action=AuditAction.VIEW, obj=erasure, patient=patient, request=request, via="console"
    )
    return _page(
        request,
        "admin/rights/erasure_confirmation.html",
        patient,
        f"Erasure confirmation · {patient.reference}",
        erasure=erasure,
        kept=kept_rows(erasure),
    )


def kept_rows(erasure: ErasureRequest) -> list[dict[str, Any]]:
    """The confirmation's kept rows with "until" as a date (stored as ISO text), so the page shows "30 Nov 2036"."""
    return [
        {**line, "until": dt.date.fromisoformat(line["until"]) if line.get("until") else None}
        for line in (erasure.confirmation or {}).get("kept", [])
    ]


@require_http_methods(["GET", "POST"])
def retention_page(request: HttpRequest) -> HttpResponse:
    if not can_set_retention(request.user):
        raise PermissionDenied("Only admins can set retention periods.")
    policy = retention_policy_current()
    initial = {
        name: getattr(policy, name)
        for name in ("clinical_record_years", "message_log_days", "audit_log_years", "basis")
    }
    form = f.RetentionForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            retention_policy_update(actor=staff_user(request), request=request, **form.cleaned_data)
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Retention periods saved.")
            return HttpResponseRedirect(reverse("rights-retention"))
    context = {**admin.site.each_context(request), "title": "Retention periods", "form": form, "policy": policy}
    return render(request, "admin/rights/retention.html", context, status=400 if form.is_bound else 200)
