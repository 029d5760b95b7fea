"""Care console for consults: coordinators run the schedule; an expert sees their own.

Every write goes through consults.services, so the admin obeys the same rules as the website:
an overlapping consult is refused with a readable message on SQLite and PostgreSQL alike.
"""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from clinic.date_inputs import DATE_EXAMPLE, ConsoleDatesMixin
from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from clinic.roles import staff_user
from clinic.timezones import format_datetime
from consults import admin_consult_page as consult_page
from consults.expert_profiles import NOT_AN_EXPERT, expert_profile_save
from consults.models import (
    Consult,
    ConsultSource,
    ConsultStatus,
    Expert,
    SpokenLanguage,
    TimeOff,
    Topic,
    WeeklyAvailability,
)
from consults.rules import consult_check_staff_time
from consults.selectors import consults_visible_to
from consults.services import consult_cancel, consult_mark_completed, consult_mark_no_show
from consults.staff_edits import consult_book_by_staff, consult_update_by_staff
from consults.throttles import normalised_phone
from patients.admin_base import (
    CapabilityPermissionsMixin,
    PatientDataAdmin,
    ServiceRefusalAdminMixin,
    adopt_saved_row,
)
from patients.capabilities import (
    can_be_on_care_team,
    can_cancel_consult,
    can_change_expert_profile,
    can_change_expert_user,
    can_complete_consult,
    can_delete_expert,
    can_run_schedule,
    can_see_my_day,
    can_use_console,
    can_view_consult,
)


def _runs_schedule(request: HttpRequest) -> bool:
    return can_run_schedule(request.user)


class AvailabilityFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        blocks: dict[int, list[tuple]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or data.get("start_time") is None or data.get("end_time") is None:
                continue
            # Read the values first: add_error() removes the field from cleaned_data.
            weekday, block_start, block_end = data["weekday"], data["start_time"], data["end_time"]
            if block_start >= block_end:
                form.add_error("end_time", "The block must end after it starts.")
                continue
            if any(block_start < end and start < block_end for start, end in blocks.get(weekday, [])):
                form.add_error("start_time", "This block overlaps another block on the same day. Merge them.")
            blocks.setdefault(weekday, []).append((block_start, block_end))


class ScheduleInline(CapabilityPermissionsMixin, ConsoleDatesMixin, admin.TabularInline):
    """Coordinators set experts' hours: role-based, like the rest of the console (no model permissions)."""

    extra = 1
    may_view = may_edit = staticmethod(can_run_schedule)


class WeeklyAvailabilityInline(ScheduleInline):
    model = WeeklyAvailability
    formset = AvailabilityFormSet
    verbose_name_plural = "Weekly availability (in the expert's own time zone)"


class TimeOffInline(ScheduleInline):
    model = TimeOff
    fields = ["start", "end", "reason"]

    @property
    def verbose_name_plural(self) -> str:  # type: ignore[override]  # the viewer's zone: known per request
        # Typed times are read in the viewer's own zone (accounts.middleware.StaffTimeZoneMiddleware).
        return f"Time off (dates and times in your time zone, {timezone.get_current_timezone_name()})"


class ExpertAdminForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        choices=SpokenLanguage.choices, widget=forms.CheckboxSelectMultiple, help_text="Languages they consult in."
    )
    topics = forms.MultipleChoiceField(
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to use the usual topics for the role.",
    )

    class Meta:
        model = Expert
        fields = [
            "display_name",
            "role",
            "languages",
            "topics",
            "bio",
            "time_zone",
            "consult_minutes",
            "buffer_minutes",
            "active",
            "sort_order",
            "user",
            "video_url",
        ]

    def clean_user(self) -> Any:
        user = self.cleaned_data.get("user")
        if user is not None and not can_be_on_care_team(user):
            raise forms.ValidationError(NOT_AN_EXPERT)
        return user


@admin.register(Expert)
class ExpertAdmin(CapabilityPermissionsMixin, ConsoleDatesMixin, ServiceRefusalAdminMixin, admin.ModelAdmin):
    """Profiles, hours and time off; saved through expert_profile_save, which audits a change of login."""

    form = ExpertAdminForm
    list_display = ["display_name", "role", "languages", "time_zone", "consult_minutes", "buffer_minutes", "active"]
    list_filter = ["role", "active"]
    search_fields = ["display_name"]
    raw_id_fields = ["user"]
    inlines = [WeeklyAvailabilityInline, TimeOffInline]
    may_view = may_edit = staticmethod(can_change_expert_profile)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Experts with consults are kept for the record (PROTECT); switch them inactive instead.
        return can_delete_expert(request.user, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Expert | None = None) -> list[str]:
        # The login decides whose patients someone sees: only admins change it (expert_profile_save audits it).
        return [] if can_change_expert_user(request.user, obj) else ["user"]

    def save_model(self, request: HttpRequest, obj: Expert, form: forms.ModelForm, change: bool) -> None:
        # The service saves the profile and changes its login through the audited expert_user_set.
        expert_profile_save(expert=obj, by=staff_user(request), request=request)


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("today", "Today"), ("week", "This week"), ("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Consult]) -> QuerySet[Consult]:
        now = timezone.localtime()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.value() == "today":
            return queryset.filter(start__gte=midnight, start__lt=midnight + timedelta(days=1))
        if self.value() == "week":
            monday = midnight - timedelta(days=midnight.weekday())
            return queryset.filter(start__gte=monday, start__lt=monday + timedelta(days=7))
        if self.value() == "upcoming":
            return queryset.filter(start__gte=now, status=ConsultStatus.CONFIRMED)
        if self.value() == "past":
            return queryset.filter(start__lt=now)
        return queryset


class ConsultAdminForm(forms.ModelForm):
    """Checks the time with the same rule the services use; a refusal at save time comes back here."""

    request: HttpRequest | None = None  # set by ConsultAdmin.get_form

    class Meta:
        model = Consult
        fields = ["patient", "expert", "start", "mode", "topic", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "start" in self.fields:
            # Read in the viewer's own zone ("My settings"), which is what the inputs show.
            self.fields["start"].help_text = (
                f"In your time zone ({timezone.get_current_timezone_name()}). Staff may book outside published "
                f"slots. {DATE_EXAMPLE}"
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        expert, start = data.get("expert"), data.get("start")
        changed = self.instance.pk is None or {"expert", "start"} & set(self.changed_data)
        if expert and start and changed:
            try:
                consult_check_staff_time(expert=expert, start=start, exclude_consult_id=self.instance.pk)
            except DomainError as error:
                add_service_errors(self, error)
        return data


class CancelSelectedForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Reason (kept on each consult)")


@admin.register(Consult)
class ConsultAdmin(PatientDataAdmin):
    """Views and changes are audited (PatientDataAdmin); writes go through the consult services."""

    form = ConsultAdminForm
    patient_path = "patient"
    list_display = ["reference", "when", "expert", "patient", "topic", "mode", "status", "attendance", "source"]
    list_filter = [WhenFilter, "status", "expert", "topic", "mode"]
    search_fields = ["reference", "patient__phone", "patient__full_name"]
    list_select_related = ["patient", "expert"]
    raw_id_fields = ["patient"]
    date_hierarchy = "start"
    ordering = ["start"]
    actions = ["mark_completed", "mark_no_show", "cancel_selected"]
    readonly_fields = [
        "reference",
        "patient_phone",
        "patient_local_time",
        "video_link",
        "end",
        "status",
        "source",
        "attendance_confirmed_at",
        "cancellation_reason",
        "cancelled_at",
        "rescheduled_from",
        "created_at",
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Consult], search_term: str
    ) -> tuple[QuerySet[Consult], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Phones are stored as +E.164; let "98765 43210" or "098765-43210" find them too.
        phone = normalised_phone(search_term)
        if phone:
            results |= queryset.filter(patient__phone=phone)
        return results, may_have_duplicates

    @admin.display(description="When", ordering="start")
    def when(self, obj: Consult) -> str:
        return format_datetime(obj.start)

    # The expert's view of one consult (consults/admin_consult_page.py).
    patient_phone = staticmethod(admin.display(description="Patient's phone")(consult_page.patient_phone))
    patient_local_time = staticmethod(
        admin.display(description="Patient's local time")(consult_page.patient_local_time)
    )
    video_link = staticmethod(admin.display(description="Video link")(consult_page.video_link))

    def get_urls(self) -> list:
        return [consult_page.outcome_url(self), *super().get_urls()]

    def render_change_form(self, request: HttpRequest, context: dict, *args: Any, **kwargs: Any) -> HttpResponse:
        context["may_record_outcome"] = consult_page.outcome_buttons_shown(request, context.get("original"))
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description="Confirmed by patient", boolean=True)
    def attendance(self, obj: Consult) -> bool:
        return obj.attendance_confirmed_at is not None

    # --- who may do what ---
    def get_queryset(self, request: HttpRequest) -> QuerySet[Consult]:
        return consults_visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_console(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Consult | None = None) -> bool:
        # Which rows: get_queryset (consults_visible_to), the same rule as can_view_consult.
        return can_use_console(request.user) if obj is None else can_view_consult(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _runs_schedule(request)

    def has_change_permission(self, request: HttpRequest, obj: Consult | None = None) -> bool:
        return _runs_schedule(request)

    def has_delete_permission(self, request: HttpRequest, obj: Consult | None = None) -> bool:
        return False  # consults are cancelled, never deleted

    def has_outcome_permission(self, request: HttpRequest) -> bool:
        return can_complete_consult(request.user)

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return can_cancel_consult(request.user)

    def get_fields(self, request: HttpRequest, obj: Consult | None = None) -> list[Any]:
        editable = list(ConsultAdminForm.Meta.fields)
        # A new consult has no history yet: show only what staff fill in.
        return editable if obj is None else editable + [f for f in self.readonly_fields if f not in editable]

    def get_readonly_fields(self, request: HttpRequest, obj: Consult | None = None) -> list[str]:
        if obj is None:
            return []
        fields = [*self.readonly_fields, "patient"]
        if obj.status != ConsultStatus.CONFIRMED or obj.start <= timezone.now():
            fields += ["expert", "start", "mode", "topic"]  # a past or cancelled consult is history
        return fields

    def get_form(self, request: HttpRequest, obj: Consult | None = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if can_see_my_day(request.user) and not _runs_schedule(request):  # an expert: their own schedule
            if not request.GET:
                return HttpResponseRedirect(request.path + "?when=upcoming")
            extra_context = {**(extra_context or {}), "title": "My schedule"}
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: Consult, form: forms.ModelForm, change: bool) -> None:
        # The services check the capability, write, and audit in one transaction; a refusal comes back
        # to this form (ServiceRefusalAdminMixin). The form object then becomes the row they wrote.
        by = staff_user(request)
        if change:
            saved = consult_update_by_staff(
                consult=obj,
                expert=obj.expert,
                start=obj.start,
                mode=obj.mode,
                topic=obj.topic,
                note=obj.note,
                by=by,
                request=request,
            )
        else:
            saved = consult_book_by_staff(
                patient=obj.patient,
                expert=obj.expert,
                start=obj.start,
                mode=obj.mode,
                topic=obj.topic,
                note=obj.note,
                by=by,
                request=request,
            )
        adopt_saved_row(obj, saved)

    # --- actions ---
    def _apply(self, request: HttpRequest, queryset: QuerySet[Consult], service: Any, done: str) -> None:
        changed = 0
        for consult in queryset:
            try:
                service(consult=consult, by=request.user, request=request)  # audited in the service's transaction
                changed += 1
            except DomainError as error:
                self.message_user(request, f"{consult.reference}: {error.message}", messages.ERROR)
        if changed:
            self.message_user(request, f"{changed} consult(s) marked {done}.", messages.SUCCESS)

    @admin.action(description="Mark selected consults completed", permissions=["outcome"])
    def mark_completed(self, request: HttpRequest, queryset: QuerySet[Consult]) -> None:
        self._apply(request, queryset, consult_mark_completed, "completed")

    @admin.action(description="Mark selected consults no-show", permissions=["outcome"])
    def mark_no_show(self, request: HttpRequest, queryset: QuerySet[Consult]) -> None:
        self._apply(request, queryset, consult_mark_no_show, "no-show")

    @admin.action(description="Cancel selected consults (asks for a reason)", permissions=["cancel"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Consult]) -> HttpResponse | None:
        form = CancelSelectedForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            cancelled = 0
            for consult in queryset:
                try:
                    # The service checks the capability for this consult and audits in its own transaction.
                    consult_cancel(
                        consult=consult,
                        reason=form.cleaned_data["reason"],
                        source=ConsultSource.STAFF,
                        cancelled_by=staff_user(request),
                        request=request,
                    )
                    cancelled += 1
                except DomainError as error:
                    self.message_user(request, f"{consult.reference}: {error.message}", messages.ERROR)
            if cancelled:
                self.message_user(request, f"{cancelled} consult(s) cancelled.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Cancel consults",
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/consults/consult/cancel_selected.html", context)
