"""Console forms for the plans (coordinators edit, opened from the care record) and the pause history."""

from django.contrib import admin

from followups.models import CheckinPlan, FollowUpPause, MedicationReminderPlan
from followups.plans import plan_refresh_next_at
from patients.admin_base import PatientDataAdmin


class PlanAdmin(PatientDataAdmin):
    list_display = ["patient_link", "active", "local_time", "next_at"]
    list_filter = ["active"]
    readonly_fields = ["next_at"]
    autocomplete_fields: list[str] = []
    record_anchor = "panel-followups"

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        plan_refresh_next_at(obj)  # next reminder from the (possibly new) local time
        super().save_model(request, obj, form, change)


@admin.register(MedicationReminderPlan)
class MedicationReminderPlanAdmin(PlanAdmin):
    fields = ["patient", "active", "local_time", "cutoff_hours", "next_at"]
    list_display = [*PlanAdmin.list_display, "cutoff_hours"]


@admin.register(CheckinPlan)
class CheckinPlanAdmin(PlanAdmin):
    fields = ["patient", "active", "weekday", "local_time", "next_at"]
    list_display = [*PlanAdmin.list_display, "weekday"]


@admin.register(FollowUpPause)
class FollowUpPauseAdmin(PatientDataAdmin):
    """History only: pausing and resuming happen on the care record (or the API)."""

    list_display = ["patient_link", "reason", "paused_at", "paused_by", "resumed_at", "resumed_by"]
    readonly_fields = list_display[1:]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
