"""Medications and dose changes through the API: the same services as the console, same roles, audited.

Who may write is decided by ClinicStaffPermission (patients.capabilities.can_edit_care_record):
coordinators and admins write, experts read, outsiders are refused.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic.timezones import clinic_today
from patients.api.base import PatientDataViewSet
from patients.api.serializers import VisiblePatientField, label_field
from patients.audit import audit_record
from patients.models import AuditAction, DoseChange, Medication
from patients.models.care import DoseSchedule
from patients.services import medication_dose_change, medication_start, medication_stop


class DoseChangeSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = DoseChange
        fields = [
            "id",
            "patient",
            "medication",
            "changed_on",
            "from_mg",
            "to_mg",
            "reason",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_recorded_by(self, change: DoseChange) -> str:
        return change.recorded_by.get_username() if change.recorded_by else ""


class MedicationSerializer(serializers.ModelSerializer):
    """A drug course. Created with medication_start; its dose changes only through the dose-change action."""

    patient = VisiblePatientField()
    # Explicit defaults: medication_start takes every argument by keyword, so none may go missing.
    drug = serializers.CharField(max_length=100, default="imatinib")
    is_tki = serializers.BooleanField(default=True)
    schedule = serializers.ChoiceField(choices=DoseSchedule.choices, default=DoseSchedule.ONCE_DAILY)
    schedule_label = label_field("schedule")
    is_active = serializers.BooleanField(read_only=True)
    dose_changes = DoseChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Medication
        fields = [
            "id",
            "patient",
            "drug",
            "is_tki",
            "dose_mg_per_day",
            "schedule",
            "schedule_label",
            "started_on",
            "stopped_on",
            "stop_reason",
            "is_active",
            "dose_changes",
            "created_at",
        ]
        read_only_fields = ["stopped_on", "stop_reason", "created_at"]

    def create(self, validated_data):
        return medication_start(**validated_data, by=self.context["request"].user)


class DoseChangeInputSerializer(serializers.Serializer):
    to_mg = serializers.IntegerField(min_value=1, max_value=1000)
    changed_on = serializers.DateField(default=clinic_today)
    reason = serializers.CharField(max_length=300)


class MedicationStopSerializer(serializers.Serializer):
    stopped_on = serializers.DateField(default=clinic_today)
    reason = serializers.CharField(max_length=200)


@extend_schema_view(
    list=extend_schema(summary="Drug courses with their dose changes (?patient=)"),
    create=extend_schema(summary="Start a drug course (one active TKI course per patient)"),
)
class MedicationViewSet(PatientDataViewSet):
    serializer_class = MedicationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        changes = DoseChange.objects.select_related("recorded_by")
        return Medication.objects.prefetch_related(Prefetch("dose_changes", queryset=changes)).order_by(
            "-started_on", "-id"
        )

    def _answer(self, request, medication: Medication, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.base_queryset().get(pk=medication.pk)
        return Response(MedicationSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Change the daily dose, with the reason; returns the course and its dose changes",
        request=DoseChangeInputSerializer,
        responses={201: MedicationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="dose-change")
    def dose_change(self, request, pk=None):
        medication = self.get_object()
        data = DoseChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The service writes the audit entry in its own transaction, with the dose change.
        medication_dose_change(
            medication=medication, by=request.user, audit_via="api", request=request, **data.validated_data
        )
        return self._answer(request, medication, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Stop the course, with the reason", request=MedicationStopSerializer, responses=MedicationSerializer
    )
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        medication = self.get_object()
        data = MedicationStopSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        medication = medication_stop(
            medication=medication,
            stopped_on=data.validated_data["stopped_on"],
            reason=data.validated_data["reason"],
            by=request.user,
        )
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE,
            obj=medication,
            request=request,
            via="api",
            changed_fields=["stopped_on", "stop_reason"],
        )
        return self._answer(request, medication)


@extend_schema_view(list=extend_schema(summary="Dose changes, newest first (?patient=)"))
class DoseChangeViewSet(PatientDataViewSet):
    """Read-only: a dose change is written by POST /medications/{id}/dose-change/ and never edited."""

    serializer_class = DoseChangeSerializer
    http_method_names = ["get", "head", "options"]

    def base_queryset(self):
        return DoseChange.objects.select_related("recorded_by").order_by("-changed_on", "-id")
