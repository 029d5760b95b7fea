"""Base ModelAdmin for anything holding patient data: role-based permissions, row visibility, audit.

Subclasses set `patient_path` to the lookup from their model to Patient ("" for Patient itself,
"patient" for a model with a `patient` foreign key, "consult__patient" and so on).
Forms opened from the care record carry `from=record`; saving them returns to the record.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from clinic.date_inputs import CONSOLE_DATE_OVERRIDES
from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from clinic.roles import COORDINATOR
from patients.audit import AuditedAdminMixin
from patients.capabilities import can_add_note, can_delete_patient_data, can_edit_care_record, can_use_console
from patients.selectors import patient_visibility_q, patients_visible_to


def nobody(user: Any) -> bool:
    """The capability no one holds: a read-only console list."""
    return False


class CapabilityPermissionsMixin:
    """Console permissions from two capability predicates (patients/capabilities.py), not Django's model permissions.

    `may_view` opens the module, its list and its pages; `may_edit` adds, changes and deletes. Works for
    ModelAdmins and inlines alike.
    """

    may_view: Callable[[Any], bool] = staticmethod(can_use_console)
    may_edit: Callable[[Any], bool] = staticmethod(nobody)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.may_view(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_view(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_edit(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_edit(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_edit(request.user)


class ServiceRefusalAdminMixin:
    """ModelAdmin mixin: a service that refuses at save time (a DomainError) rolls the save back, and the same
    form is shown again with the refusal next to its field, keeping what was typed."""

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except DomainError as error:
            if request.method != "POST" or hasattr(request, "_service_refusal"):
                raise
            request._service_refusal = error  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        refusal: DomainError | None = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        def clean(form: Any) -> Any:
            data = form_class.clean(form)
            add_service_errors(form, refusal)  # the form's own check may say it too: said once
            return data

        return type(form_class.__name__, (form_class,), {"clean": clean})


def adopt_saved_row(target: models.Model, saved: models.Model) -> None:
    """Make the admin's form object the row a service wrote, so the admin's history, message and links name it.

    The admin keeps the object its form built; a service that creates a row (or, moving a consult, replaces it)
    returns its own instance. Field values only: the form object's cached relations stay valid or are reset.
    """
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class PatientDataAdmin(ServiceRefusalAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    patient_path: str = "patient"
    record_anchor: str = ""  # the care record section to return to; default: the model's own inline
    # Native date pickers that also take dd/mm/yyyy, date-times read in the viewer's zone (clinic/date_inputs.py).
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
