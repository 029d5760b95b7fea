"""Console forms for the plans (coordinators edit, opened from the care record) and the pause history."""

from django.contrib import admin

from clinic.roles import staff_user
from followups.models import CheckinPlan, FollowUpPause, MedicationReminderPlan
from followups.plans import checkin_plan_save, medication_plan_save
from patients.admin_base import PatientDataAdmin, adopt_saved_row


class PlanAdmin(PatientDataAdmin):
    list_display = ["patient_link", "active", "local_time", "next_at"]
    list_filter = ["active"]
    readonly_fields = ["next_at"]
    autocomplete_fields: list[str] = []
    record_anchor = "panel-followups"
    # Saved through the plan services (as the API does): they check the values and compute the next reminder.


@admin.register(MedicationReminderPlan)
class MedicationReminderPlanAdmin(PlanAdmin):
    fields = ["patient", "active", "local_time", "cutoff_hours", "next_at"]
    list_display = [*PlanAdmin.list_display, "cutoff_hours"]

    def persist_model(self, request, obj, form, change):
        plan = medication_plan_save(
            patient=obj.patient,
            active=obj.active,
            local_time=obj.local_time,
            cutoff_hours=obj.cutoff_hours,
            by=staff_user(request),
        )
        adopt_saved_row(obj, plan)


@admin.register(CheckinPlan)
class CheckinPlanAdmin(PlanAdmin):
    fields = ["patient", "active", "weekday", "local_time", "next_at"]
    list_display = [*PlanAdmin.list_display, "weekday"]

    def persist_model(self, request, obj, form, change):
        by = staff_user(request)
        plan = checkin_plan_save(
            patient=obj.patient, active=obj.active, weekday=obj.weekday, local_time=obj.local_time, by=by
        )
        adopt_saved_row(obj, plan)


@admin.register(FollowUpPause)
class FollowUpPauseAdmin(PatientDataAdmin):
    """History only: pausing and resuming happen on the care record (or the API)."""

    list_display = ["patient_link", "reason", "paused_at", "paused_by", "resumed_at", "resumed_by"]
    readonly_fields = list_display[1:]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
