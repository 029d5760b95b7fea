"""The monitoring schedule list and its actions (done, skip, move), and admin-only protocol overrides."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from clinic.date_inputs import ConsoleDateField, ConsoleDatesMixin
from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from clinic.tasks import task_enqueue
from clinic.timezones import clinic_today, format_day_range
from patients import protocols
from patients.admin.filters import ItemStateFilter, ScopeFilter
from patients.admin_base import CapabilityPermissionsMixin, PatientDataAdmin
from patients.capabilities import can_change_protocol_settings
from patients.models import ItemStatus, MonitoringItem, ProtocolSetting
from patients.services.monitoring import (
    monitoring_item_add,
    monitoring_item_complete,
    monitoring_item_override,
    monitoring_item_skip,
)

STATE_CLASS = {"overdue": "ct-danger", "due": "ct-warning", "done": "ct-ok"}


class CompleteForm(forms.Form):
    completed_on = ConsoleDateField(label="Done on")


class SkipForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}))


class OverrideForm(forms.Form):
    due_on = ConsoleDateField(label="New due date")
    reason = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}))


ACTIONS = {
    "complete": (
        "Mark done",
        CompleteForm,
        lambda item, data, request: monitoring_item_complete(
            item=item, completed_on=data["completed_on"], by=request.user, request=request, audit_via="admin"
        ),
    ),
    "skip": (
        "Skip with a reason",
        SkipForm,
        lambda item, data, request: monitoring_item_skip(
            item=item, reason=data["reason"], by=request.user, request=request, audit_via="admin"
        ),
    ),
    "override": (
        "Move to another date",
        OverrideForm,
        lambda item, data, request: monitoring_item_override(
            item=item, due_on=data["due_on"], reason=data["reason"], by=request.user, request=request, audit_via="admin"
        ),
    ),
}


class ManualItemForm(forms.ModelForm):
    override_reason = forms.CharField(label="Why is it needed?", max_length=300)

    class Meta:
        model = MonitoringItem
        fields = ["patient", "kind", "due_on", "override_reason"]


@admin.register(MonitoringItem)
class MonitoringItemAdmin(PatientDataAdmin):
    list_display = ["patient_link", "kind", "due_on", "window", "state_badge", "source", "result_link", "item_actions"]
    list_display_links = ["kind"]
    list_filter = [ScopeFilter, ItemStateFilter, "kind", "source", "patient__coordinator"]
    search_fields = ["patient__full_name", "patient__phone"]
    list_select_related = ["patient", "genetic_test", "lab_result"]
    autocomplete_fields = ["patient"]
    date_hierarchy = "due_on"
    readonly_fields = [
        "patient",
        "kind",
        "due_on",
        "window_starts_on",
        "window_ends_on",
        "reason",
        "source",
        "status",
        "completed_on",
        "skipped_reason",
        "override_reason",
        "genetic_test",
        "lab_result",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ManualItemForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Generated items are not hand-edited: use the actions (done / skip / move with a reason).
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["patient", "kind", "due_on", "override_reason"] if obj is None else self.readonly_fields

    def persist_model(self, request, obj, form, change):
        item = monitoring_item_add(
            patient=obj.patient, kind=obj.kind, due_on=obj.due_on, reason=obj.override_reason, by=request.user
        )
        obj.pk, obj.window_starts_on, obj.window_ends_on = item.pk, item.window_starts_on, item.window_ends_on

    @admin.display(description="window")
    def window(self, obj: MonitoringItem) -> str:
        return format_day_range(obj.window_starts_on, obj.window_ends_on)

    @admin.display(description="state", ordering="status")
    def state_badge(self, obj: MonitoringItem) -> str:
        state = obj.state_on(clinic_today())
        return format_html('<span class="ct-pill {}">{}</span>', STATE_CLASS.get(state, ""), state)

    @admin.display(description="result")
    def result_link(self, obj: MonitoringItem) -> str:
        target = obj.genetic_test or obj.lab_result
        if target is None:
            return obj.skipped_reason
        url = reverse(f"admin:patients_{target._meta.model_name}_change", args=[target.pk])
        label = obj.genetic_test.result_display if obj.genetic_test else str(obj.lab_result)
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="actions")
    def item_actions(self, obj: MonitoringItem) -> str:
        if obj.status != ItemStatus.PLANNED:
            return ""
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:patients_monitoringitem_action", args=[obj.pk, key]),
                label.split()[0],
            )
            for key, (label, _form, _run) in ACTIONS.items()
        ]
        return format_html(" · ".join(["{}"] * len(links)), *links)

    def get_urls(self):
        extra = [
            path(
                "<int:item_id>/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="patients_monitoringitem_action",
            )
        ]
        return extra + super().get_urls()

    def action_view(self, request, item_id: int, action: str):
        if action not in ACTIONS:
            raise Http404("No such action.")
        item = self.get_queryset(request).filter(pk=item_id).select_related("patient").first()
        if item is None:
            raise Http404("No such schedule item, or it is not one of your patients.")
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        label, form_class, run = ACTIONS[action]
        initial = {"completed_on": clinic_today(), "due_on": item.due_on}
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                run(item, form.cleaned_data, request)  # the service audits in its own transaction
            except DomainError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{item.get_kind_display()}: {label.lower()} — saved.")
                back = request.GET.get("from") == "record"
                url = (
                    reverse("admin:patients_patient_change", args=[item.patient_id]) + "#schedule"
                    if back
                    else reverse("admin:patients_monitoringitem_changelist")
                )
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: {item}",
            "item": item,
            "form": form,
            "opts": self.opts,
            "label": label,
        }
        return TemplateResponse(request, "admin/patients/monitoringitem/action.html", context)


@admin.register(ProtocolSetting)
class ProtocolSettingAdmin(CapabilityPermissionsMixin, ConsoleDatesMixin, admin.ModelAdmin):
    """Admins change a configurable default with a reason; coordinators and experts may look."""

    list_display = ["key", "value", "default", "reason", "updated_by", "updated_at"]
    readonly_fields = ["default", "updated_by"]
    fields = ["key", "default", "value", "reason", "updated_by"]

    @admin.display(description="brief's default")
    def default(self, obj: ProtocolSetting) -> str:
        item = protocols.CONFIGURABLE.get(obj.key)
        return f"{item.value} {item.unit} — {item.source}" if item else "—"

    may_edit = staticmethod(can_change_protocol_settings)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        self._regenerate(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._regenerate(request)

    def _regenerate(self, request) -> None:
        # Every schedule follows the new value: regenerate in the background once the change is committed.
        transaction.on_commit(lambda: task_enqueue("patients.tasks.schedules_regenerate"))
        messages.info(request, "Monitoring schedules are being regenerated with the new value.")
