"""The care record's forms as console pages: record a BCR::ABL1 result or a blood count, change a dose,
report a symptom. Each checks `can_edit_care_record`, hands the cleaned input to ONE service (which
writes the row, its follow-ups and its audit entry in one transaction) and returns to the record.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from clinic.roles import staff_user
from clinic.timezones import clinic_today, format_date
from patients import protocols
from patients.capabilities import can_edit_care_record
from patients.models import Medication, Patient, TestKind
from patients.record_forms import (
    BcrAbl1ResultForm,
    BloodCountForm,
    DoseChangeForm,
    RecordActionForm,
    SymptomForm,
)
from patients.selectors import patients_visible_to
from patients.services.records import medication_dose_change
from patients.services.results import genetic_test_result_record, lab_result_record
from patients.services.symptoms import symptom_report_record

AUDIT_VIA = "console"
FORM_TEMPLATE = "admin/patients/patient/record_form.html"


def record_url(patient: Patient, anchor: str = "") -> str:
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    return f"{url}#{anchor}" if anchor else url


def patient_to_edit(request: HttpRequest, pk: int) -> Patient:
    """The patient, when this user may write their record: 403 for roles that only read (experts),
    404 for a record outside the user's patients (the same answer as one that does not exist)."""
    if not can_edit_care_record(request.user):
        raise PermissionDenied("Only coordinators and admins record results, doses and symptoms.")
    patient = patients_visible_to(request.user).select_related("care_record").filter(pk=pk).first()
    if patient is None:
        raise Http404("No patient with this id is visible to you.")
    if not can_edit_care_record(request.user, patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can write to this record.")
    return patient


@dataclass(frozen=True)
class RecordForm:
    """One form page: what it asks, which service it feeds, where it returns."""

    title: str
    form_class: type[RecordActionForm]
    save: Callable[[HttpRequest, Patient, dict], str]  # calls the service; returns the message to show
    anchor: str  # the record's section to return to
    intro: str = ""
    moved: Mapping[str, str] = field(default_factory=dict)  # service field -> form field (add_service_errors)


def form_page(
    request: HttpRequest, patient: Patient, spec: RecordForm, *, initial: dict | None = None, extra: dict | None = None
) -> HttpResponse:
    form = spec.form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            message = spec.save(request, patient, form.service_arguments())
        except (DomainError, ValidationError) as error:
            add_service_errors(form, error, moved=spec.moved)
        else:
            messages.success(request, message)
            return HttpResponseRedirect(record_url(patient, spec.anchor))
    context = {
        **admin.site.each_context(request),
        "title": spec.title,
        "patient": patient,
        "form": form,
        "intro": spec.intro,
        "back_url": record_url(patient, spec.anchor),
        **(extra or {}),
    }
    return TemplateResponse(request, FORM_TEMPLATE, context)


def _save_bcr_abl1(request: HttpRequest, patient: Patient, data: dict) -> str:
    test = genetic_test_result_record(
        patient=patient,
        kind=TestKind.BCR_ABL1_QPCR,
        resulted_on=clinic_today(),
        recorded_by=staff_user(request),
        audit_via=AUDIT_VIA,
        request=request,
        **data,
    )
    assessment = f" ELN 2020: {test.get_eln_assessment_display()} — {test.eln_rule}" if test.eln_assessment else ""
    return f"BCR::ABL1 recorded: {test.result_display}.{assessment}"


BCR_ABL1 = RecordForm(
    title="Record a BCR::ABL1 result",
    form_class=BcrAbl1ResultForm,
    save=_save_bcr_abl1,
    anchor="genetictest",
    intro="Quantitative BCR::ABL1 (qPCR, International Scale). The response level and the ELN 2020 assessment "
    "are worked out from these values and shown on the record.",
    # The report date is today; a date problem between the two is the sample date's.
    moved={"resulted_on": "collected_on", "bcr_abl1_detected": "is_percent"},
)


def bcr_abl1_result(request: HttpRequest, pk: int) -> HttpResponse:
    return form_page(request, patient_to_edit(request, pk), BCR_ABL1)


def _save_blood_count(request: HttpRequest, patient: Patient, data: dict) -> str:
    result = lab_result_record(
        patient=patient, recorded_by=staff_user(request), audit_via=AUDIT_VIA, request=request, **data
    )
    if result.hold_findings:
        return (
            "Blood count recorded. Label hold criteria met: an urgent task was opened to tell the "
            "oncologist (guidance only; the oncologist decides)."
        )
    return "Blood count recorded."


BLOOD_COUNT = RecordForm(
    title="Record a blood count",
    form_class=BloodCountForm,
    save=_save_blood_count,
    anchor="labresult",
    intro="Type the values from the report; leave out any the lab did not measure. Values that meet the "
    "imatinib label's hold criteria open a task for the oncologist.",
)


def blood_count(request: HttpRequest, pk: int) -> HttpResponse:
    return form_page(request, patient_to_edit(request, pk), BLOOD_COUNT)


def dose_change(request: HttpRequest, pk: int, medication_id: int) -> HttpResponse:
    patient = patient_to_edit(request, pk)
    medication = Medication.objects.filter(patient=patient, pk=medication_id).first()
    if medication is None:
        raise Http404("No such drug course on this patient's record.")

    def save(request: HttpRequest, patient: Patient, data: dict) -> str:
        change = medication_dose_change(
            medication=medication, by=staff_user(request), audit_via=AUDIT_VIA, request=request, **data
        )
        return f"Dose of {medication.drug} changed: {change.from_mg} → {change.to_mg} mg/day."

    spec = RecordForm(
        title=f"Change the dose of {medication.drug}",
        form_class=DoseChangeForm,
        save=save,
        anchor="medication",
        intro=f"Now {medication.dose_mg_per_day} mg/day, {medication.get_schedule_display().lower()}, since "
        f"{format_date(medication.started_on)}. The old dose, the new one and the reason are kept.",
        moved={"medication": "to_mg"},
    )
    return form_page(request, patient, spec, initial={"changed_on": clinic_today()})


def _save_symptom(request: HttpRequest, patient: Patient, data: dict) -> str:
    _report, urgent = symptom_report_record(
        patient=patient,
        reported_at=timezone.now(),
        recorded_by=staff_user(request),
        audit_via=AUDIT_VIA,
        request=request,
        **data,
    )
    if urgent:
        # The service opened the urgent task in the same transaction; the person on the phone acts now.
        messages.error(
            request,
            "This report is urgent: an urgent task was opened for the coordinator. "
            f"Tell the patient: {protocols.RED_FLAG_PATIENT_ADVICE}",
        )
    return "Symptom recorded."


SYMPTOM = RecordForm(
    title="Report a symptom",
    form_class=SymptomForm,
    save=_save_symptom,
    anchor="symptomreport",
    intro="A red-flag symptom or grade 3 or more opens an urgent task at once.",
)


def symptom_report(request: HttpRequest, pk: int) -> HttpResponse:
    return form_page(request, patient_to_edit(request, pk), SYMPTOM)
