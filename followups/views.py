"""Console actions on the care record: pause and resume a patient's follow-ups (coordinators, admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinic.errors import DomainError
from followups.pause import follow_ups_pause, follow_ups_resume
from patients.capabilities import can_pause_follow_ups
from patients.selectors import patients_visible_to


def _patient_for_change(request: HttpRequest, patient_id: int):
    if not can_pause_follow_ups(request.user):
        raise PermissionDenied("Only coordinators and admins may pause or resume follow-ups.")
    return get_object_or_404(patients_visible_to(request.user), pk=patient_id)  # then the patient: 404


def _back(patient_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:patients_patient_change", args=[patient_id]) + "#panel-followups")


@login_required
@require_POST
def pause(request: HttpRequest, patient_id: int) -> HttpResponseRedirect:
    patient = _patient_for_change(request, patient_id)
    try:
        follow_ups_pause(patient=patient, reason=request.POST.get("reason", ""), by=request.user, request=request)
        messages.success(request, "Follow-ups paused. Queued reminders were cancelled.")
    except DomainError as error:
        messages.error(request, str(error))
    return _back(patient.pk)


@login_required
@require_POST
def resume(request: HttpRequest, patient_id: int) -> HttpResponseRedirect:
    patient = _patient_for_change(request, patient_id)
    try:
        follow_ups_resume(patient=patient, by=request.user, request=request)
        messages.success(request, "Follow-ups resumed from the next scheduled time.")
    except DomainError as error:
        messages.error(request, str(error))
    return _back(patient.pk)
