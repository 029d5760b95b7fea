"""Who besides the coordinators may read a record: care-team assignments and break-glass access.

Coordinators and admins put experts on a patient's care team and end assignments (audited).
An expert who needs a record outside any care relationship opens break-glass access with a
reason; it lasts EXPERT_BREAK_GLASS_HOURS and every one is listed on the admins' report.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from clinic.date_inputs import ConsoleDatesMixin
from clinic.roles import EXPERT
from clinic.timezones import format_datetime
from patients.admin_base import PatientDataAdmin, ServiceRefusalAdminMixin, adopt_saved_row
from patients.audit import AuditedAdminMixin
from patients.capabilities import (
    can_assign_care_team,
    can_break_glass,
    can_view_break_glass_report,
)
from patients.models import BreakGlassAccess, CareTeamAssignment, Patient, RecordState
from patients.services.access import break_glass_open, care_team_assign, care_team_end


@admin.register(CareTeamAssignment)
class CareTeamAssignmentAdmin(PatientDataAdmin):
    list_display = ["started_at", "patient_link", "member", "reason", "assigned_by", "ended_at"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter), "member"]
    list_select_related = ["patient", "member", "assigned_by"]
    search_fields = ["patient__full_name", "member__username", "member__first_name", "member__last_name"]
    fields = ["patient", "member", "reason"]
    readonly_fields = ["started_at", "assigned_by", "ended_at", "ended_by"]
    raw_id_fields = ["patient"]
    actions = ["end_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_assign_care_team(request.user)

    def has_change_permission(self, request: HttpRequest, obj: CareTeamAssignment | None = None) -> bool:
        return False  # an assignment is made or ended, never edited: the trail stays true

    def has_delete_permission(self, request: HttpRequest, obj: CareTeamAssignment | None = None) -> bool:
        return False

    def has_end_permission(self, request: HttpRequest) -> bool:
        return can_assign_care_team(request.user)

    def get_fields(self, request: HttpRequest, obj: CareTeamAssignment | None = None) -> list[str]:
        return self.fields if obj is None else [*self.fields, *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: CareTeamAssignment | None = None) -> list[str]:
        return [] if obj is None else [*self.fields, *self.readonly_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            kwargs["queryset"] = (
                get_user_model().objects.filter(groups__name=EXPERT, is_active=True).order_by("username")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "patient":
            field.queryset = field.queryset.filter(record_state=RecordState.VERIFIED)
        return field

    def save_model(self, request: HttpRequest, obj: CareTeamAssignment, form: forms.ModelForm, change: bool) -> None:
        # care_team_assign checks the capability and writes the audit entry in its transaction.
        assignment = care_team_assign(
            patient=obj.patient, member=obj.member, by=request.user, reason=obj.reason, request=request
        )
        adopt_saved_row(obj, assignment)

    @admin.action(description="End selected care-team assignments", permissions=["end"])
    def end_selected(self, request: HttpRequest, queryset: QuerySet[CareTeamAssignment]) -> None:
        ended = 0
        for assignment in queryset.filter(ended_at__isnull=True).select_related("patient"):
            care_team_end(assignment=assignment, by=request.user, request=request)
            ended += 1
        self.message_user(request, f"{ended} assignment(s) ended.", messages.SUCCESS)


class BreakGlassForm(forms.ModelForm):
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.filter(record_state=RecordState.VERIFIED),
        widget=forms.NumberInput,
        label="Patient number",
        help_text="The number at the end of the record's address, e.g. 42 in …/patient/42/change/.",
        error_messages={"invalid_choice": "No patient record has this number. Check it with the coordinator."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="Why you need this record now. Admins review every break-glass access.",
    )

    class Meta:
        model = BreakGlassAccess
        fields = ["patient", "reason"]


@admin.register(BreakGlassAccess)
class BreakGlassAccessAdmin(ConsoleDatesMixin, ServiceRefusalAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Experts open access here; the list is the admins' report of every break-glass access.

    ServiceRefusalAdminMixin shows a refusal of the service (already visible, reason too short) on the form.
    """

    form = BreakGlassForm
    list_display = ["started_at", "user", "patient_link", "reason", "expires_at", "open_now"]
    list_filter = ["user"]
    list_select_related = ["user", "patient"]
    search_fields = ["user__username", "patient__full_name", "reason"]
    date_hierarchy = "started_at"

    class Media:
        css = {"all": ["patients/console.css"]}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_view_break_glass_report(request.user) or can_break_glass(request.user)

    def has_view_permission(self, request: HttpRequest, obj: BreakGlassAccess | None = None) -> bool:
        return can_view_break_glass_report(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_break_glass(request.user)

    def has_change_permission(self, request: HttpRequest, obj: BreakGlassAccess | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: BreakGlassAccess | None = None) -> bool:
        return False

    @admin.display(description="patient", ordering="patient__full_name")
    def patient_link(self, obj: BreakGlassAccess) -> str:
        url = reverse("admin:patients_patient_change", args=[obj.patient_id])
        return format_html('<a href="{}">{}</a>', url, obj.patient)

    @admin.display(description="open now", boolean=True)
    def open_now(self, obj: BreakGlassAccess) -> bool:
        return obj.is_open(timezone.now())

    def save_model(self, request: HttpRequest, obj: BreakGlassAccess, form: forms.ModelForm, change: bool) -> None:
        access = break_glass_open(patient=obj.patient, user=request.user, reason=obj.reason, request=request)
        adopt_saved_row(obj, access)

    def response_add(self, request: HttpRequest, obj: BreakGlassAccess, post_url_continue: str | None = None):
        self.message_user(
            request,
            f"Break-glass access open until {format_datetime(obj.expires_at)}. Admins are told of every access.",
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:patients_patient_change", args=[obj.patient_id]))
