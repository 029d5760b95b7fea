"""The patient list, the care record page and the "Edit details" form.

GET of the patient's change URL is the care record (patients/record_page.py): a summary, then the
sections behind a menu. The admin form with its inlines (details, diagnosis, medication, insurance)
is its own page at `<id>/edit/`; the record's purpose-built forms (patients/record_views.py) hang
under the same URL prefix.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from clinic.date_inputs import ConsoleDatesMixin
from clinic.errors import DomainError
from clinic.roles import staff_user
from clinic.timezones import clinic_today, format_date
from patients import record_views
from patients.admin.filters import (
    DiagnosisFilter,
    FlagFilter,
    OverdueFilter,
    PatientScopeFilter,
    PendingTestFilter,
)
from patients.admin_base import PatientDataAdmin
from patients.audit import audit_record
from patients.capabilities import can_break_glass, can_delete_patient_data, can_edit_care_record, can_merge_intake
from patients.intake_link import SOURCE_STAFF, patient_intake_merge
from patients.models import (
    AuditAction,
    CareRecord,
    ConcomitantMedication,
    InsurancePolicy,
    ItemStatus,
    Medication,
    MonitoringItem,
    Patient,
    RecordState,
)
from patients.record_page import care_record_context
from patients.services.consent import patient_form_consent_record
from patients.services.records import care_record_refresh


class PatientInlineMixin(ConsoleDatesMixin):
    """Inlines follow the parent's role rules: coordinators and admins write, experts read."""

    def has_add_permission(self, request, obj=None):
        return can_edit_care_record(request.user)

    def has_change_permission(self, request, obj=None):
        return can_edit_care_record(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_delete_patient_data(request.user)

    def has_view_permission(self, request, obj=None):
        return True  # the parent admin has already decided the user may see this patient


class CareRecordInline(PatientInlineMixin, admin.StackedInline):
    model = CareRecord
    can_delete = False
    max_num = 1
    verbose_name_plural = "Diagnosis and treatment"
    fieldsets = [
        (None, {"fields": [("diagnosis", "diagnosis_detail"), ("icd10_code", "diagnosed_on"), "treating_oncologist"]}),
        ("CML", {"fields": ["cml_phase"], "classes": ["collapse"]}),
        ("GIST", {"fields": [("gist_site", "gist_risk", "gist_extent"), "resected_on"], "classes": ["collapse"]}),
        ("Treatment", {"fields": [("treatment_phase", "tki_started_on", "phase_started_on")]}),
    ]


class DoseText(forms.Widget):
    """An existing course's dose as plain text with its "Change dose" link: a new dose needs a reason and
    is kept, so it is never typed over here. (The field is disabled too, so a posted value is ignored.)"""

    def __init__(self, change_url: str = ""):
        super().__init__()
        self.change_url = change_url

    def render(self, name, value, attrs=None, renderer=None):
        element_id = (attrs or {}).get("id", "")
        link = (
            format_html('<a class="ct-inline-link" href="{}">Change dose</a>', self.change_url)
            if self.change_url
            else ""
        )
        return format_html('<span class="ct-readonly" id="{}">{} mg/day</span>{}', element_id, value, link)


class MedicationInline(PatientInlineMixin, admin.StackedInline):
    model = Medication
    extra = 0
    # Stacked, in rows: seven columns side by side made the page scroll sideways at 1366 px.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("drug", "is_tki"),
                    ("dose_mg_per_day", "schedule"),
                    ("started_on", "stopped_on", "stop_reason"),
                ]
            },
        )
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        original_init = formset.form.__init__
        may_change_dose = can_edit_care_record(request.user)

        def init(form, *args, **inner):
            original_init(form, *args, **inner)
            if form.instance.pk and "dose_mg_per_day" in form.fields:
                field = form.fields["dose_mg_per_day"]
                field.disabled = True
                url = reverse("admin:patients_patient_record_dose", args=[form.instance.patient_id, form.instance.pk])
                field.widget = DoseText(url if may_change_dose and form.instance.stopped_on is None else "")
                field.help_text = ""

        formset.form = type(formset.form.__name__, (formset.form,), {"__init__": init})
        return formset


class ConcomitantMedicationInline(PatientInlineMixin, admin.StackedInline):
    model = ConcomitantMedication
    extra = 0
    fieldsets = [(None, {"fields": [("name", "dose_text"), ("started_on", "stopped_on"), "note"]})]


class InsurancePolicyInline(PatientInlineMixin, admin.StackedInline):
    model = InsurancePolicy
    extra = 0
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("payer", "policy_number"),
                    ("prior_auth_status", "prior_auth_reference", "prior_auth_expires_on"),
                    "note",
                ]
            },
        )
    ]


ERASED_IDENTITY_FIELDS = (
    "full_name",
    "date_of_birth",
    "phone",
    "email",
    "consent_sms",
    "consent_whatsapp",
    "detailed_messages",
)


@admin.register(Patient)
class PatientAdmin(PatientDataAdmin):
    patient_path = ""
    change_form_template = "admin/patients/patient/edit.html"
    list_display = ["full_name", "diagnosis", "coordinator", "next_due", "flag_badge", "phone"]
    list_filter = [
        PatientScopeFilter,
        DiagnosisFilter,
        "coordinator",
        OverdueFilter,
        PendingTestFilter,
        FlagFilter,
        "is_lead",
        "record_state",
    ]
    search_fields = ["full_name", "phone", "email", "care_record__icd10_code"]
    list_select_related = ["coordinator", "care_record"]
    raw_id_fields = ["coordinator"]
    readonly_fields = ["record_state", "intake_of"]
    actions = ["merge_intakes"]
    inlines = [CareRecordInline, MedicationInline, ConcomitantMedicationInline, InsurancePolicyInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("full_name", "date_of_birth"),
                    ("phone", "email"),
                    "coordinator",
                    "is_lead",
                    "source",
                    ("record_state", "intake_of"),
                ]
            },
        ),
        (
            "Messages",
            {
                "fields": [
                    ("language", "time_zone", "preferred_channel"),
                    ("consent_sms", "consent_whatsapp"),
                    "consent_text_version",
                    "detailed_messages",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def has_merge_permission(self, request):
        return can_merge_intake(request.user)

    @admin.action(description="Merge selected unverified intakes into the record they name", permissions=["merge"])
    def merge_intakes(self, request, queryset):
        merged = 0
        for intake in queryset.select_related("intake_of"):
            if intake.record_state != RecordState.INTAKE:
                self.message_user(request, f"{intake}: not an unverified intake, nothing to merge.", messages.WARNING)
                continue
            try:
                # The service checks the coordinator may see both records and audits the merge; consent is not copied.
                patient_intake_merge(intake=intake, by=request.user, source=SOURCE_STAFF, request=request)
            except (DomainError, PermissionDenied) as error:
                self.message_user(request, f"{intake}: {getattr(error, 'message', None) or error}", messages.ERROR)
                continue
            merged += 1
        if merged:
            self.message_user(
                request,
                f"{merged} intake(s) merged: their consults are now on the patient's record. "
                "Consent was not copied; ask the patient.",
                messages.SUCCESS,
            )

    def get_queryset(self, request):
        next_due = MonitoringItem.objects.filter(patient=OuterRef("pk"), status=ItemStatus.PLANNED).order_by("due_on")
        return super().get_queryset(request).annotate(next_due_on=Subquery(next_due.values("due_on")[:1]))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        if not can_break_glass(request.user):
            return super()._get_obj_does_not_exist_redirect(request, opts, object_id)
        # Experts get a 404 that offers break-glass access; it looks the same for any number, so it reveals nothing.
        context = {
            **self.admin_site.each_context(request),
            "title": "Not one of your patients",
            "object_id": object_id if str(object_id).isdigit() else "",
            "hours": settings.EXPERT_BREAK_GLASS_HOURS,
        }
        return TemplateResponse(request, "admin/patients/patient/not_visible.html", context, status=404)

    def get_fieldsets(self, request, obj=None):
        if can_merge_intake(request.user):
            return self.fieldsets
        # Which record an intake may belong to is for coordinators to judge: an expert booked by the
        # anonymous person must not learn the existing patient's name from it.
        main = [row for row in self.fieldsets[0][1]["fields"] if row != ("record_state", "intake_of")]
        return [(None, {"fields": main}), *self.fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.erased_at is not None:
            # An erased record keeps its pseudonym: no one types a name or number back into it (rights app).
            return [*self.readonly_fields, *ERASED_IDENTITY_FIELDS]
        return self.readonly_fields

    def get_list_filter(self, request):
        # Experts see their consult patients only; the coordinator filter would list colleagues for nothing.
        return (
            self.list_filter
            if can_edit_care_record(request.user)
            else [DiagnosisFilter, OverdueFilter, PendingTestFilter, FlagFilter]
        )

    @admin.display(description="diagnosis", ordering="care_record__diagnosis")
    def diagnosis(self, obj: Patient) -> str:
        record = getattr(obj, "care_record", None)
        return record.diagnosis_text if record else "—"

    @admin.display(description="next due", ordering="next_due_on")
    def next_due(self, obj: Patient) -> str:
        if not obj.next_due_on:
            return "—"
        overdue = obj.next_due_on < clinic_today()
        return format_html('<span class="{}">{}</span>', "ct-overdue" if overdue else "", format_date(obj.next_due_on))

    @admin.display(description="flags", ordering="care_record__has_flags")
    def flag_badge(self, obj: Patient) -> str:
        record = getattr(obj, "care_record", None)
        if not record or not record.has_flags:
            return ""
        return format_html('<span class="ct-pill ct-danger" title="{}">review</span>', record.flag_summary)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/record/bcr-abl1/", view(record_views.bcr_abl1_result), name="patients_patient_record_bcr_abl1"
            ),
            path(
                "<int:pk>/record/blood-count/",
                view(record_views.blood_count),
                name="patients_patient_record_blood_count",
            ),
            path("<int:pk>/record/symptom/", view(record_views.symptom_report), name="patients_patient_record_symptom"),
            path(
                "<int:pk>/medication/<int:medication_id>/change-dose/",
                view(record_views.dose_change),
                name="patients_patient_record_dose",
            ),
            path("<path:object_id>/edit/", view(self.edit_view), name="patients_patient_edit"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method in ("GET", "HEAD") and not (extra_context or {}).get("editing"):
            return self.record_view(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def record_view(self, request, object_id):
        """The care record: read-only sections for everyone who may see the patient, forms linked for writers."""
        patient = self.get_object(request, unquote(object_id))
        if patient is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, patient):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **care_record_context(request, patient, today=clinic_today()),
            "title": str(patient),
            "opts": self.opts,
            "original": patient,
        }
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=patient, request=request)
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/patients/patient/record.html", context)

    def edit_view(self, request, object_id):
        """The admin form for the patient's details and their inlines (experts: the same, read-only)."""
        title = "Edit details" if self.has_change_permission(request) else "Details"
        return self.change_view(request, object_id, extra_context={"editing": True, "title": title})

    def response_post_save_change(self, request, obj):
        # "Save" on the edit page returns to the record it was opened from, not to the patient list.
        return HttpResponseRedirect(reverse("admin:patients_patient_change", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The consent and channel fields the form changed: audited and added to the consent ledger by the service
        # (the admin runs this in the same transaction as the save).
        patient_form_consent_record(patient=obj, changed=form.changed_data, by=staff_user(request), request=request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inline edits (diagnosis, phase, medication) change flags and the schedule.
        care_record_refresh(patient=form.instance)
