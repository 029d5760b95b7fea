"""Staff endpoints for patient data: thin viewsets over the selectors and services."""

from django.db.models import OuterRef, Q, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic.ids import ID_REGEX
from clinic.timezones import clinic_today
from patients.api import serializers as s
from patients.api.base import ClinicStaffPermission, PatientDataViewSet
from patients.capabilities import can_edit_resource_directory
from patients.models import (
    CareRecord,
    CareTask,
    GeneticTest,
    ItemStatus,
    LabResult,
    MonitoringItem,
    Note,
    Patient,
    Resource,
    ResourceAssignment,
    SymptomReport,
    TestStatus,
    item_state_q,
)
from patients.models.monitoring import ItemState
from patients.services import (
    care_task_set_status,
    monitoring_item_complete,
    monitoring_item_override,
    monitoring_item_skip,
)


@extend_schema_view(list=extend_schema(summary="Patients I may see (?scope=mine, ?search=, ?diagnosis=)"))
class PatientViewSet(PatientDataViewSet):
    serializer_class = s.PatientSerializer
    patient_path = ""

    def base_queryset(self):
        next_due = MonitoringItem.objects.filter(patient=OuterRef("pk"), status=ItemStatus.PLANNED).order_by("due_on")
        # Tests and medications feed each patient's flags (the console's list) in two extra queries, not 2 × N.
        patients = (
            Patient.objects.select_related("care_record")
            .prefetch_related("genetic_tests", "medications")
            .annotate(next_due_on=Subquery(next_due.values("due_on")[:1]))
        )
        params = self.request.query_params
        if params.get("diagnosis"):
            patients = patients.filter(care_record__diagnosis=params["diagnosis"])
        if params.get("search"):
            term = params["search"].strip()
            patients = patients.filter(Q(full_name__icontains=term) | Q(phone__contains=term))
        return patients.order_by("full_name", "id")


class CareRecordViewSet(PatientDataViewSet):
    serializer_class = s.CareRecordSerializer

    def base_queryset(self):
        return (
            CareRecord.objects.select_related("patient")
            .prefetch_related("patient__genetic_tests", "patient__medications")
            .order_by("id")
        )


@extend_schema_view(list=extend_schema(summary="Genetic and molecular tests (?patient=, ?status=, ?kind=)"))
class GeneticTestViewSet(PatientDataViewSet):
    serializer_class = s.GeneticTestSerializer

    def base_queryset(self):
        tests = GeneticTest.objects.all()
        for name in ("status", "kind"):
            if self.request.query_params.get(name):
                tests = tests.filter(**{name: self.request.query_params[name]})
        return tests.order_by("-resulted_on", "-id")


@extend_schema_view(
    list=extend_schema(summary="Resulted tests with the worked-out response level and ELN 2020 assessment"),
    create=extend_schema(
        summary="Record a typed result; returns the test with its assessment",
        request=s.ResultInputSerializer,
        responses=s.GeneticTestSerializer,
    ),
)
class ResultViewSet(PatientDataViewSet):
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return s.ResultInputSerializer if self.action == "create" else s.GeneticTestSerializer

    def base_queryset(self):
        return GeneticTest.objects.filter(status=TestStatus.RESULTED).order_by("-resulted_on", "-id")


class LabResultViewSet(PatientDataViewSet):
    serializer_class = s.LabResultSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return LabResult.objects.order_by("-taken_on", "-id")


@extend_schema_view(list=extend_schema(summary="Monitoring schedule items (?state=upcoming|due|overdue|done|skipped)"))
class MonitoringItemViewSet(PatientDataViewSet):
    serializer_class = s.MonitoringItemSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        items = MonitoringItem.objects.all()
        state = self.request.query_params.get("state")
        if state in ItemState.values:
            items = items.filter(item_state_q(state, clinic_today()))
        return items.order_by("due_on", "id")

    def _act(self, request, serializer_class, run):
        item = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        item = run(item, data.validated_data)  # the service audits in its own transaction
        return Response(s.MonitoringItemSerializer(item, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ItemCompleteSerializer, responses=s.MonitoringItemSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._act(
            request,
            s.ItemCompleteSerializer,
            lambda item, data: monitoring_item_complete(
                item=item, completed_on=data["completed_on"], by=request.user, request=request, audit_via="api"
            ),
        )

    @extend_schema(request=s.ItemSkipSerializer, responses=s.MonitoringItemSerializer)
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        return self._act(
            request,
            s.ItemSkipSerializer,
            lambda item, data: monitoring_item_skip(
                item=item, reason=data["reason"], by=request.user, request=request, audit_via="api"
            ),
        )

    @extend_schema(request=s.ItemOverrideSerializer, responses=s.MonitoringItemSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        return self._act(
            request,
            s.ItemOverrideSerializer,
            lambda item, data: monitoring_item_override(
                item=item,
                due_on=data["due_on"],
                reason=data["reason"],
                by=request.user,
                request=request,
                audit_via="api",
            ),
        )


class SymptomReportViewSet(PatientDataViewSet):
    serializer_class = s.SymptomReportSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        reports = SymptomReport.objects.all()
        if self.request.query_params.get("urgent") == "1":
            reports = reports.filter(is_urgent=True)
        return reports.order_by("-reported_at", "-id")


class CareTaskViewSet(PatientDataViewSet):
    serializer_class = s.CareTaskSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        tasks = CareTask.objects.select_related("patient")
        if self.request.query_params.get("status"):
            tasks = tasks.filter(status=self.request.query_params["status"])
        return tasks.order_by("due_at", "id")

    @extend_schema(request=s.TaskStatusSerializer, responses=s.CareTaskSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        task = self.get_object()
        data = s.TaskStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = care_task_set_status(
            task=task, status=data.validated_data["status"], by=request.user, request=request, audit_via="api"
        )
        return Response(s.CareTaskSerializer(task, context=self.get_serializer_context()).data)


class ResourceViewSet(viewsets.ModelViewSet):
    """The directory: staff read it; only admins change it."""

    serializer_class = s.ResourceSerializer
    permission_classes = [ClinicStaffPermission]
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Resource.objects.order_by("category", "name")

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not can_edit_resource_directory(request.user):
            self.permission_denied(request, message="Only admins edit the resources directory.")


class ResourceAssignmentViewSet(PatientDataViewSet):
    serializer_class = s.ResourceAssignmentSerializer

    def base_queryset(self):
        return ResourceAssignment.objects.select_related("resource").order_by("follow_up_on", "id")


class NoteViewSet(PatientDataViewSet):
    serializer_class = s.NoteSerializer
    expert_can_create = True  # experts read their patients' records and may add notes
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return Note.objects.order_by("-created_at", "-id")
