"""What every patient-data endpoint shares: who may call it, which rows they see, the audit trail."""

from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission

from clinic.ids import ID_REGEX, query_id
from patients.audit import AuditedAPIMixin
from patients.capabilities import can_add_note, can_delete_patient_data, can_edit_care_record, can_use_console
from patients.selectors import mine_q, patient_visibility_q


class ClinicStaffPermission(BasePermission):
    """The admin's rules: clinic staff read; coordinators and admins write; only admins delete.

    A view with `expert_can_create = True` (notes) also lets experts add rows for patients they can see.
    """

    message = "Only clinic staff may use this endpoint; writing needs the coordinator role."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not can_use_console(user):
            return False
        if request.method in SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return can_delete_patient_data(user)
        creating = request.method == "POST" and getattr(view, "action", "") == "create"
        if creating and getattr(view, "expert_can_create", False):
            return can_add_note(user)
        return can_edit_care_record(user)


class PatientDataViewSet(AuditedAPIMixin, viewsets.ModelViewSet):
    """Rows limited to patients the caller may see; `?scope=mine` narrows to their own patients."""

    permission_classes = [ClinicStaffPermission]
    lookup_value_regex = ID_REGEX  # /abc/ or a 30-digit id is a 404, not a database error
    patient_path = "patient"
    expert_can_create = False
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.base_queryset()
        prefix = f"{self.patient_path}__" if self.patient_path else ""
        rule = patient_visibility_q(self.request.user, prefix=prefix)
        if rule is not None:
            queryset = queryset.filter(rule)
        if self.request.query_params.get("scope") == "mine":
            queryset = queryset.filter(mine_q(self.request.user, prefix))
        patient = query_id(self.request.query_params, "patient")
        if patient is not None and self.patient_path:
            queryset = queryset.filter(**{f"{self.patient_path}_id": patient})
        return queryset
