"""Console side of the consent ledger: the history panel on the care record and the staff phone form."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from clinic.errors import DomainError
from clinic.panels import RecordPanel
from patients.capabilities import can_edit_care_record
from patients.models import ConsentChannel, ConsentEvent, ConsentHow, ConsentPurpose, Patient
from patients.services.consent import consent_record

HISTORY_ROWS = 50


class PhoneConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    channel = forms.ChoiceField(choices=ConsentChannel.choices)
    given = forms.TypedChoiceField(
        choices=[("1", "Given"), ("0", "Withdrawn")], coerce=lambda v: v == "1", label="Consent"
    )
    reason = forms.CharField(max_length=300, label="Reason (who called, what they said)")


def history_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """Two queries: the latest ledger rows with who recorded them, and whether this user may record."""
    events = list(ConsentEvent.objects.filter(patient=patient).select_related("by")[:HISTORY_ROWS])
    can_record = can_edit_care_record(request.user, patient)
    return {
        "events": events,
        "form": PhoneConsentForm(prefix="consent") if can_record else None,
        "action": reverse("patient-consent-phone", args=[patient.pk]),
    }


CONSENT_HISTORY_PANEL = RecordPanel(
    key="consent",
    title="Consent history",
    template="patients/consent_panel.html",
    context=history_context,
    order=60,
    menu_title="Consent",
)


def consent_phone_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff record a consent given or withdrawn on the phone; the reason is required and audited."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    patient = Patient.objects.filter(pk=pk).first()
    if patient is None or not can_edit_care_record(request.user, patient):
        raise Http404("No patient with this id whose consent you may record.")
    record_url = reverse("admin:patients_patient_change", args=[patient.pk]) + "#panel-consent"
    form = PhoneConsentForm(request.POST, prefix="consent")
    if not form.is_valid():
        problems = "; ".join(f"{form.fields[f].label or f}: {' '.join(e)}" for f, e in form.errors.items())
        messages.error(request, f"Consent was not recorded. {problems}")
        return redirect(record_url)
    try:
        consent_record(
            patient=patient,
            purpose=form.cleaned_data["purpose"],
            channel=form.cleaned_data["channel"],
            given=form.cleaned_data["given"],
            how=ConsentHow.STAFF_PHONE,
            by=request.user,
            reason=form.cleaned_data["reason"],
            source_detail="console phone form",
        )
    except DomainError as error:
        messages.error(request, f"Consent was not recorded. {error.message}")
        return redirect(record_url)
    messages.success(request, "Consent recorded.")
    return redirect(record_url)
