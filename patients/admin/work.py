"""Symptom reports, care tasks and notes: the coordinator's daily work lists."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from patients import protocols
from patients.admin.filters import ScopeFilter, TaskDueFilter, TaskScopeFilter, UrgentOpenFilter
from patients.admin_base import PatientDataAdmin
from patients.capabilities import can_delete_patient_data
from patients.models import CareTask, Note, SymptomReport, TaskStatus
from patients.services.records import note_add
from patients.services.symptoms import symptom_report_record
from patients.services.tasks import care_task_create, care_task_set_status

PRIORITY_CLASS = {"urgent": "ct-danger", "high": "ct-warning"}
SOURCE_MODELS = {
    "symptom": "symptomreport",
    "monitoring_item": "monitoringitem",
    "genetic_test": "genetictest",
    "lab_result": "labresult",
    "authorisation": "insurancepolicy",
    "resource": "resourceassignment",
}


@admin.register(SymptomReport)
class SymptomReportAdmin(PatientDataAdmin):
    list_display = ["patient_link", "symptom", "grade", "urgent_badge", "source", "reported_at"]
    list_display_links = ["symptom"]
    list_filter = [ScopeFilter, UrgentOpenFilter, "is_red_flag", "grade", "source", "symptom"]
    search_fields = ["patient__full_name", "patient__phone", "note"]
    list_select_related = ["patient"]
    autocomplete_fields = ["patient"]
    date_hierarchy = "reported_at"
    fields = ["patient", "symptom", "grade", "source", "reported_at", "onset_on", "note"]

    def get_changeform_initial_data(self, request):
        return {"reported_at": timezone.now(), "source": "phone", **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        # A report is what the patient said: it is kept as entered.
        return self.fields if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "grade" in form.base_fields:
            form.base_fields["grade"].help_text = (
                f"{form.base_fields['grade'].help_text} Grade 3 or more, or a red flag "
                "(bleeding, fever, yellow skin, chest pain, sudden swelling…), opens an urgent task now."
            )
        return form

    @admin.display(description="urgent", ordering="is_urgent")
    def urgent_badge(self, obj: SymptomReport) -> str:
        if not obj.is_urgent:
            return ""
        return format_html('<span class="ct-pill ct-danger">{}</span>', "red flag" if obj.is_red_flag else "grade ≥ 3")

    def persist_model(self, request, obj, form, change):
        report, urgent = symptom_report_record(
            patient=obj.patient,
            symptom=obj.symptom,
            grade=obj.grade,
            source=obj.source,
            reported_at=obj.reported_at,
            note=obj.note,
            onset_on=obj.onset_on,
            recorded_by=request.user,
        )
        obj.pk, obj.is_red_flag, obj.is_urgent = report.pk, report.is_red_flag, report.is_urgent
        if urgent:
            messages.error(
                request,
                "This report is urgent: an urgent task was opened for the coordinator. "
                f"Tell the patient: {protocols.RED_FLAG_PATIENT_ADVICE}",
            )


class CareTaskForm(forms.ModelForm):
    class Meta:
        model = CareTask
        fields = ["patient", "title", "detail", "priority", "due_at", "assignee", "status"]


@admin.register(CareTask)
class CareTaskAdmin(PatientDataAdmin):
    form = CareTaskForm
    list_display = ["title", "patient_link", "priority_badge", "due_at", "assignee", "status", "source_link"]
    list_display_links = ["title"]
    list_filter = [TaskScopeFilter, "status", TaskDueFilter, "priority", "source_kind"]
    search_fields = ["title", "patient__full_name", "patient__phone"]
    list_select_related = ["patient", "assignee"]
    autocomplete_fields = ["patient"]
    actions = ["mark_done"]
    readonly_fields = ["source_link", "created_at", "completed_at", "completed_by"]

    def get_fields(self, request, obj=None):
        fields = ["patient", "title", "detail", "priority", "due_at", "assignee", "status"]
        return fields + (self.readonly_fields if obj is not None else [])

    def get_changeform_initial_data(self, request):
        return {"due_at": timezone.now(), "assignee": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="created by")
    def source_link(self, obj: CareTask) -> str:
        """What opened the task, linked when it is a row of this app (a message lives in messaging)."""
        model = SOURCE_MODELS.get(obj.source_kind)
        if model is None or obj.source_id is None:
            return obj.get_source_kind_display()
        url = reverse(f"admin:patients_{model}_change", args=[obj.source_id])
        return format_html('<a href="{}">{}</a>', url, obj.get_source_kind_display())

    @admin.display(description="priority", ordering="priority")
    def priority_badge(self, obj: CareTask) -> str:
        return format_html(
            '<span class="ct-pill {}">{}</span>', PRIORITY_CLASS.get(obj.priority, ""), obj.get_priority_display()
        )

    def persist_model(self, request, obj, form, change):
        if not change:
            task = care_task_create(
                patient=obj.patient,
                title=obj.title,
                priority=obj.priority,
                due=obj.due_at,
                assignee=obj.assignee,
                detail=obj.detail,
                created_by=request.user,
            )
            obj.pk = task.pk
            if obj.status != TaskStatus.OPEN:
                care_task_set_status(task=task, status=obj.status, by=request.user)
            return
        new_status = obj.status
        obj.status = form.initial.get("status", obj.status)
        obj.save()
        care_task_set_status(task=obj, status=new_status, by=request.user)
        obj.refresh_from_db()

    @admin.action(description="Mark selected tasks done")
    def mark_done(self, request, queryset):
        for task in queryset.filter(status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS]):
            care_task_set_status(task=task, status=TaskStatus.DONE, by=request.user, request=request, audit_via="admin")


@admin.register(Note)
class NoteAdmin(PatientDataAdmin):
    expert_can_add = True  # experts read their patients' records and may add notes
    list_display = ["patient_link", "author_name", "created_at", "short_body"]
    list_display_links = ["created_at"]
    list_filter = [ScopeFilter, "author_name"]
    search_fields = ["patient__full_name", "body"]
    list_select_related = ["patient"]
    autocomplete_fields = ["patient"]
    fields = ["patient", "body"]

    @admin.display(description="note")
    def short_body(self, obj: Note) -> str:
        return obj.body[:120]

    def get_readonly_fields(self, request, obj=None):
        return ["patient", "body", "author_name", "created_at"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["patient", "body", "author_name", "created_at"] if obj is not None else self.fields

    def has_change_permission(self, request, obj=None):
        return False  # notes are a timestamped record: add a new note instead of editing

    def has_delete_permission(self, request, obj=None):
        return can_delete_patient_data(request.user)

    def persist_model(self, request, obj, form, change):
        note = note_add(patient=obj.patient, body=obj.body, author=request.user)
        obj.pk, obj.author_name, obj.created_at = note.pk, note.author_name, note.created_at
