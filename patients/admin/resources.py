"""Resources directory (admins edit), referrals, insurance, and dose changes (through the service)."""

from django.contrib import admin

from clinic.date_inputs import ConsoleDatesMixin
from patients.admin.filters import ExpiryFilter, ScopeFilter
from patients.admin_base import CapabilityPermissionsMixin, PatientDataAdmin
from patients.capabilities import can_edit_resource_directory
from patients.models import DoseChange, InsurancePolicy, Medication, Resource, ResourceAssignment
from patients.selectors import visible
from patients.services.records import medication_dose_change, resource_assign


@admin.register(Resource)
class ResourceAdmin(CapabilityPermissionsMixin, ConsoleDatesMixin, admin.ModelAdmin):
    """The directory is not patient data: all staff read it, admins edit it."""

    list_display = ["name", "category", "phone", "url", "is_active", "is_public"]
    list_filter = ["category", "is_active", "is_public"]
    search_fields = ["name", "description"]

    may_edit = staticmethod(can_edit_resource_directory)


@admin.register(ResourceAssignment)
class ResourceAssignmentAdmin(PatientDataAdmin):
    list_display = ["patient_link", "resource", "status", "follow_up_on", "updated_at"]
    list_display_links = ["resource"]
    list_filter = [ScopeFilter, "status", "resource__category", "follow_up_on"]
    search_fields = ["patient__full_name", "resource__name"]
    list_select_related = ["patient", "resource"]
    autocomplete_fields = ["patient"]
    fields = ["patient", "resource", "status", "follow_up_on", "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "resource":
            kwargs["queryset"] = Resource.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["patient", "resource"] if obj is not None else []

    def persist_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        created = resource_assign(
            patient=obj.patient,
            resource=obj.resource,
            status=obj.status,
            follow_up_on=obj.follow_up_on,
            note=obj.note,
            by=request.user,
        )
        obj.pk = created.pk


@admin.register(InsurancePolicy)
class InsurancePolicyAdmin(PatientDataAdmin):
    list_display = ["patient_link", "payer", "policy_number", "prior_auth_status", "prior_auth_expires_on"]
    list_display_links = ["payer"]
    list_filter = [ScopeFilter, ExpiryFilter, "prior_auth_status"]
    search_fields = ["patient__full_name", "payer", "policy_number", "prior_auth_reference"]
    list_select_related = ["patient"]
    autocomplete_fields = ["patient"]


@admin.register(DoseChange)
class DoseChangeAdmin(PatientDataAdmin):
    """Adding a dose change is how a dose changes; existing changes are a kept record."""

    list_display = ["patient_link", "medication", "changed_on", "from_mg", "to_mg", "reason", "recorded_by"]
    list_display_links = ["medication"]
    list_filter = [ScopeFilter, "changed_on"]
    search_fields = ["patient__full_name", "reason"]
    list_select_related = ["patient", "medication", "recorded_by"]
    fields = ["medication", "changed_on", "to_mg", "reason"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "medication":
            active = Medication.objects.filter(stopped_on__isnull=True).select_related("patient")
            if request.GET.get("patient"):
                active = active.filter(patient_id=request.GET["patient"])
            kwargs["queryset"] = visible(active, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("patient", None)
        return initial

    def get_readonly_fields(self, request, obj=None):
        return ["medication", "changed_on", "from_mg", "to_mg", "reason", "recorded_by"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) if obj is not None else self.fields

    def has_change_permission(self, request, obj=None):
        return False

    def record_url(self, obj):
        obj.patient_id = obj.patient_id or obj.medication.patient_id
        return super().record_url(obj)

    def persist_model(self, request, obj, form, change):
        change_row = medication_dose_change(
            medication=obj.medication, to_mg=obj.to_mg, changed_on=obj.changed_on, reason=obj.reason, by=request.user
        )
        obj.pk, obj.patient_id, obj.from_mg = change_row.pk, change_row.patient_id, change_row.from_mg
