"""Base ModelAdmin for anything holding patient data: role-based permissions, row visibility, audit.

Subclasses set `patient_path` to the lookup from their model to Patient ("" for Patient itself,
"patient" for a model with a `patient` foreign key, "consult__patient" and so on).
Forms opened from the care record carry `from=record`; saving them returns to the record.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from patients.audit import AuditedAdminMixin
from patients.capabilities import can_add_note, can_delete_patient_data, can_edit_care_record, can_use_console
from patients.date_inputs import CONSOLE_DATE_OVERRIDES
from patients.roles import COORDINATOR
from patients.selectors import patient_visibility_q, patients_visible_to


class PatientDataAdmin(AuditedAdminMixin, admin.ModelAdmin):
    patient_path: str = "patient"
    record_anchor: str = ""  # the care record section to return to; default: the model's own inline
    # Native date pickers that also take dd/mm/yyyy, date-times read in the viewer's zone (patients/date_inputs.py).
    formfield_overrides = CONSOLE_DATE_OVERRIDES

    class Media:
        css = {"all": ["patients/console.css"]}

    # Experts read the records of their own patients; only coordinators and admins write.
    expert_can_add: bool = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        prefix = f"{self.patient_path}__" if self.patient_path else ""
        rule = patient_visibility_q(request.user, prefix=prefix)
        # No .distinct(): the rule uses direct foreign keys and `__in` subqueries, which never repeat a row,
        # and DISTINCT over annotated rows made the 10,000-patient list pages slow.
        return queryset if rule is None else queryset.filter(rule)

    def has_module_permission(self, request):
        return can_use_console(request.user)

    def has_view_permission(self, request, obj=None):
        return can_use_console(request.user)  # which rows: get_queryset

    def has_add_permission(self, request):
        return can_edit_care_record(request.user) or (self.expert_can_add and can_add_note(request.user))

    def has_change_permission(self, request, obj=None):
        return can_edit_care_record(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_delete_patient_data(request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's default bounces to the index with "doesn't exist"; a record outside someone's care
        # relationship answers 404 instead, the same as one that does not exist.
        raise Http404(f"No {opts.verbose_name} with this id is visible to you.")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A patient picked in a form must be one this user may see, whatever id is posted.
        if db_field.name == "patient":
            kwargs["queryset"] = patients_visible_to(request.user)
        elif db_field.name in ("assignee", "coordinator"):
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=COORDINATOR, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="patient", ordering="patient__full_name")
    def patient_link(self, obj) -> str:
        """The patient's name, linking to their care record."""
        url = self.record_url(obj)
        return format_html('<a href="{}">{}</a>', url, obj.patient) if url else "—"

    def record_url(self, obj) -> str | None:
        patient_id = getattr(obj, "patient_id", None)
        return reverse("admin:patients_patient_change", args=[patient_id]) if patient_id else None

    def _back_to_record(self, request, obj, default):
        url = self.record_url(obj)
        if request.GET.get("from") == "record" and url and "_addanother" not in request.POST:
            return HttpResponseRedirect(f"{url}#{self.record_anchor or self.opts.model_name}")
        return default

    def response_add(self, request, obj, post_url_continue=None):
        return self._back_to_record(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._back_to_record(request, obj, super().response_change(request, obj))
