"""Genetic / molecular tests and blood test results; every save goes through the results services."""

from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html

from patients.admin.filters import ScopeFilter
from patients.admin_base import PatientDataAdmin
from patients.audit import audit_record
from patients.models import AuditAction, GeneticTest, LabResult, TestStatus
from patients.services.results import genetic_test_save, lab_result_save

ASSESSMENT_CLASS = {"optimal": "ct-ok", "warning": "ct-warning", "failure": "ct-danger"}


def assessment_badge(test: GeneticTest) -> str:
    if not test.eln_assessment:
        return ""
    return format_html(
        '<span class="ct-pill {}">{}</span>',
        ASSESSMENT_CLASS.get(test.eln_assessment, ""),
        test.get_eln_assessment_display(),
    )


class _ReportLink:
    """What the file widget shows for a stored report: our audited download link, never the storage path."""

    def __init__(self, url: str, name: str):
        self.url, self.name = url, name

    def __str__(self) -> str:
        return self.name


class ProtectedReportInput(forms.ClearableFileInput):
    download_url = ""

    def format_value(self, value):
        value = super().format_value(value)
        if value and self.download_url:
            return _ReportLink(self.download_url, PurePath(value.name).name)
        return value


@admin.register(GeneticTest)
class GeneticTestAdmin(PatientDataAdmin):
    list_display = ["patient_link", "kind", "status", "sample_on", "result", "assessment", "lost_mmr"]
    list_display_links = ["kind"]
    list_filter = [ScopeFilter, "kind", "status", "eln_assessment", "lost_mmr"]
    search_fields = ["patient__full_name", "patient__phone", "lab", "variant_detail", "kd_mutation"]
    list_select_related = ["patient"]
    autocomplete_fields = ["patient"]
    date_hierarchy = "resulted_on"
    readonly_fields = ["derived_result", "derived_assessment"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "patient",
                    "kind",
                    "status",
                    ("ordered_on", "collected_on", "resulted_on"),
                    ("lab", "method"),
                    "report_file",
                    "cancelled_reason",
                ]
            },
        ),
        (
            "BCR::ABL1 qPCR (International Scale)",
            {
                "fields": [("bcr_abl1_detected", "is_percent", "control_copies")],
                "description": "Type the IS % and the ABL1 control copies from the report. The response level and the "
                "ELN 2020 assessment are worked out from them.",
            },
        ),
        (
            "Ph chromosome / cytogenetics / BCR::ABL1 transcript",
            {"fields": [("ph_result", "high_risk_aca"), "transcript", "kd_mutation"]},
        ),
        ("GIST mutation (KIT / PDGFRA)", {"fields": [("gist_finding", "variant_detail")]}),
        ("Other result", {"fields": ["result_text"]}),
        ("Worked out from the result", {"fields": ["derived_result", "derived_assessment"]}),
    ]

    @admin.display(description="sample date", ordering="collected_on")
    def sample_on(self, obj: GeneticTest):
        return obj.sample_on

    @admin.display(description="result")
    def result(self, obj: GeneticTest) -> str:
        return obj.result_display

    @admin.display(description="ELN 2020", ordering="eln_assessment")
    def assessment(self, obj: GeneticTest) -> str:
        return assessment_badge(obj)

    @admin.display(description="result")
    def derived_result(self, obj: GeneticTest) -> str:
        return obj.result_display or "—"

    @admin.display(description="ELN 2020 assessment")
    def derived_assessment(self, obj: GeneticTest) -> str:
        if not obj.eln_assessment:
            return "—"
        return format_html("{} {}", assessment_badge(obj), obj.eln_rule)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("status", TestStatus.RESULTED if request.GET.get("kind") else TestStatus.ORDERED)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("report_file")
        if field is not None:
            field.widget = ProtectedReportInput()
            if obj is not None and obj.report_file:
                field.widget.download_url = reverse("admin:patients_genetictest_report", args=[obj.pk])
        return form

    def get_urls(self):
        return [
            path(
                "<int:test_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="patients_genetictest_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request, test_id: int):
        """Stream the report to staff who may see this patient; every download is audited."""
        test = self.get_queryset(request).filter(pk=test_id).first()
        if test is None or not test.report_file:
            raise Http404("No report for this test, or it is not one of your patients.")
        if not self.has_view_permission(request, test):
            raise PermissionDenied
        audit_record(
            actor=request.user, action=AuditAction.EXPORT, obj=test, request=request, changed_fields=["report_file"]
        )
        return FileResponse(
            test.report_file.open("rb"), as_attachment=True, filename=PurePath(test.report_file.name).name
        )

    def persist_model(self, request, obj, form, change):
        genetic_test_save(test=obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        self._result_message(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._result_message(request, obj)
        return super().response_change(request, obj)

    def _result_message(self, request, obj: GeneticTest) -> None:
        if obj.status == TestStatus.RESULTED and obj.eln_assessment:
            level = {"warning": messages.WARNING, "failure": messages.ERROR}.get(obj.eln_assessment, messages.INFO)
            messages.add_message(
                request, level, f"{obj.result_display}. ELN 2020: {obj.get_eln_assessment_display()} — {obj.eln_rule}"
            )


@admin.register(LabResult)
class LabResultAdmin(PatientDataAdmin):
    list_display = ["patient_link", "taken_on", "anc", "platelets", "alt_x_uln", "bilirubin_x_uln", "holds"]
    list_display_links = ["taken_on"]
    list_filter = [ScopeFilter, "taken_on"]
    search_fields = ["patient__full_name", "patient__phone"]
    list_select_related = ["patient"]
    autocomplete_fields = ["patient"]
    readonly_fields = ["hold_guidance_text"]
    fields = [
        "patient",
        "taken_on",
        "lab",
        ("wbc", "anc", "platelets", "haemoglobin"),
        ("alt_x_uln", "ast_x_uln", "bilirubin_x_uln"),
        "hold_guidance_text",
    ]

    @admin.display(description="label hold criteria met")
    def holds(self, obj: LabResult) -> str:
        return ", ".join(h.finding for h in obj.hold_guidance)

    @admin.display(description="guidance for the oncologist (imatinib label; never automatic)")
    def hold_guidance_text(self, obj: LabResult) -> str:
        return "; ".join(f"{h.finding} (CTCAE {h.grade}): {h.guidance}" for h in obj.hold_guidance) or "—"

    def persist_model(self, request, obj, form, change):
        lab_result_save(result=obj, by=request.user)
