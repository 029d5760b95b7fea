from django.contrib import admin

from clinic.date_inputs import ConsoleDatesMixin
from patients.admin_base import CapabilityPermissionsMixin
from patients.capabilities import can_view_audit_log
from patients.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(CapabilityPermissionsMixin, ConsoleDatesMixin, admin.ModelAdmin):
    """Read-only for admins: the trail cannot be edited or deleted from the console."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "patient_ref", "via", "ip_address"]
    list_filter = ["action", "via", "object_type"]
    search_fields = ["actor_name", "object_repr", "=patient_ref", "=request_id"]
    date_hierarchy = "at"

    may_view = staticmethod(can_view_audit_log)  # may_edit: nobody
