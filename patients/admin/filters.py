"""List filters that fit the coordinator's work: mine/all, overdue, pending tests, flags, urgent, expiring."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from clinic.timezones import clinic_today
from patients.dashboard import end_of_today
from patients.models import Diagnosis, GeneticTest, MonitoringItem, item_state_q
from patients.models.labs import PENDING_TEST_STATUSES
from patients.models.monitoring import ItemState
from patients.models.work import OPEN_TASK_STATUSES
from patients.selectors import mine_q, urgent_symptoms_open
from patients.services.monitoring import protocol_values


class ScopeFilter(admin.SimpleListFilter):
    """ "Mine" (my patients) or "All" I may see; the dashboard links with scope=mine by default."""

    title = "scope"
    parameter_name = "scope"
    patient_prefix = "patient__"

    def lookups(self, request, model_admin):
        # "All" (no value, or scope=all from the dashboard) is everything the user may see.
        return [("mine", "My patients")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(mine_q(request.user, self.patient_prefix))
        return queryset


class PatientScopeFilter(ScopeFilter):
    patient_prefix = ""


class TaskScopeFilter(ScopeFilter):
    def lookups(self, request, model_admin):
        return [("mine", "Mine (assigned to me, or unassigned on my patients)")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            user = request.user
            return queryset.filter(Q(assignee=user) | Q(assignee__isnull=True, patient__coordinator=user))
        return queryset


class DiagnosisFilter(admin.SimpleListFilter):
    title = "diagnosis"
    parameter_name = "diagnosis"

    def lookups(self, request, model_admin):
        return [*Diagnosis.choices, ("none", "No care record yet")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(care_record__isnull=True)
        if self.value():
            return queryset.filter(care_record__diagnosis=self.value())
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "monitoring"
    parameter_name = "monitoring"

    def lookups(self, request, model_admin):
        return [("overdue", "Has overdue monitoring"), ("due", "Has monitoring due now")]

    def queryset(self, request, queryset):
        if self.value() in ("overdue", "due"):
            items = MonitoringItem.objects.filter(item_state_q(self.value(), clinic_today()), patient=OuterRef("pk"))
            return queryset.filter(Exists(items))
        return queryset


class PendingTestFilter(admin.SimpleListFilter):
    title = "genetic test"
    parameter_name = "test"

    def lookups(self, request, model_admin):
        return [("pending", "Test pending (ordered or sample collected)")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            pending = GeneticTest.objects.filter(patient=OuterRef("pk"), status__in=PENDING_TEST_STATUSES)
            return queryset.filter(Exists(pending))
        return queryset


class FlagFilter(admin.SimpleListFilter):
    title = "flags"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [("yes", "Has a flag to review"), ("no", "No flags")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(care_record__has_flags=True)
        if self.value() == "no":
            return queryset.exclude(care_record__has_flags=True)
        return queryset


class ItemStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ItemState.choices

    def queryset(self, request, queryset):
        if self.value() in ItemState.values:
            return queryset.filter(item_state_q(self.value(), clinic_today()))
        return queryset


class UrgentOpenFilter(admin.SimpleListFilter):
    title = "urgency"
    parameter_name = "urgent"

    def lookups(self, request, model_admin):
        return [("open", "Urgent, task still open"), ("yes", "All urgent")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(pk__in=urgent_symptoms_open().values("pk"))
        if self.value() == "yes":
            return queryset.filter(is_urgent=True)
        return queryset


class ExpiryFilter(admin.SimpleListFilter):
    title = "authorisation expiry"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("soon", "Approved, expiring soon or expired")]

    def queryset(self, request, queryset):
        if self.value() == "soon":
            horizon = clinic_today() + timedelta(days=protocol_values()["auth_reminder_days"])
            return queryset.filter(prior_auth_status="approved", prior_auth_expires_on__lte=horizon)
        return queryset


class TaskDueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("today", "Due today or earlier"), ("week", "Due within 7 days")]

    def queryset(self, request, queryset):
        now = timezone.now()
        limits = {"overdue": now, "today": end_of_today(), "week": end_of_today() + timedelta(days=7)}
        if self.value() in limits:
            return queryset.filter(due_at__lte=limits[self.value()], status__in=OPEN_TASK_STATUSES)
        return queryset
