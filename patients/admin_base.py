"""Base ModelAdmin for anything holding patient data: role-based permissions, row visibility, audit.

Subclasses set `patient_path` to the lookup from their model to Patient ("" for Patient itself,
"patient" for a model with a `patient` foreign key, "consult__patient" and so on).
"""

from django.contrib import admin

from patients.audit import AuditedAdminMixin
from patients.roles import is_admin, is_clinic_staff, is_coordinator
from patients.selectors import patient_visibility_q


class PatientDataAdmin(AuditedAdminMixin, admin.ModelAdmin):
    patient_path: str = "patient"
    # Experts read the records of their own patients; only coordinators and admins write.
    expert_can_add: bool = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        prefix = f"{self.patient_path}__" if self.patient_path else ""
        rule = patient_visibility_q(request.user, prefix=prefix)
        return queryset if rule is None else queryset.filter(rule).distinct()

    def has_module_permission(self, request):
        return is_clinic_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_clinic_staff(request.user)

    def has_add_permission(self, request):
        return is_admin(request.user) or is_coordinator(request.user) or (
            self.expert_can_add and is_clinic_staff(request.user)
        )

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user) or is_coordinator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user)
