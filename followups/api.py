"""Follow-ups API under /api/v1/: plans (coordinators edit, staff read), overview, pause and resume.

Same roles and row visibility as the patients API; every call is audited.
"""

import re

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from followups.models import CheckinPlan, MedicationReminderPlan
from followups.pause import follow_ups_pause, follow_ups_resume
from followups.plans import checkin_plan_save, medication_plan_save
from followups.selectors import follow_ups_overview
from patients.api.base import PatientDataViewSet
from patients.api.serializers import VisiblePatientField
from patients.audit import audit_record
from patients.models import AuditAction, Patient
from patients.selectors import patients_visible_to


def _user(serializer):
    return serializer.context["request"].user


LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


@extend_schema_field({"type": "string", "pattern": LOCAL_TIME_PATTERN, "example": "09:00"})
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the patient's zone as "HH:MM" (no seconds, no offset), in and out.

    OpenAPI's `format: time` means an RFC 3339 time with an offset, which a local time has not;
    and the whole value must match, so "09:00\x00" is refused rather than read as 09:00.
    """

    default_error_messages = {"invalid": "Give the time as HH:MM on a 24-hour clock, like 09:00 or 21:30."}

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2}:[0-9]{2}(:[0-9]{2})?", value):
            self.fail("invalid")
        return super().to_internal_value(value)


class MedicationPlanSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()
    # Required on create: a reminder at a time nobody chose could go out at the wrong hour for the dose.
    local_time = LocalTimeField()

    class Meta:
        model = MedicationReminderPlan
        fields = ["id", "patient", "active", "local_time", "cutoff_hours", "next_at", "updated_at"]
        read_only_fields = ["next_at", "updated_at"]
        validators: list = []

    def validate_patient(self, patient):
        if self.instance is None and MedicationReminderPlan.objects.filter(patient=patient).exists():
            raise serializers.ValidationError("This patient already has a dose reminder plan; change that one.")
        return patient

    def create(self, data):
        return medication_plan_save(
            patient=data["patient"],
            active=data.get("active", True),
            local_time=data["local_time"],
            cutoff_hours=data.get("cutoff_hours", 12),
            by=_user(self),
        )

    def update(self, instance, data):
        return medication_plan_save(
            patient=instance.patient,
            active=data.get("active", instance.active),
            local_time=data.get("local_time", instance.local_time),
            cutoff_hours=data.get("cutoff_hours", instance.cutoff_hours),
            by=_user(self),
        )


class CheckinPlanSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()
    # Required on create: a reminder at a time nobody chose could go out at the wrong hour for the dose.
    local_time = LocalTimeField()

    class Meta:
        model = CheckinPlan
        fields = ["id", "patient", "active", "weekday", "local_time", "next_at", "updated_at"]
        read_only_fields = ["next_at", "updated_at"]
        validators: list = []

    def validate_patient(self, patient):
        if self.instance is None and CheckinPlan.objects.filter(patient=patient).exists():
            raise serializers.ValidationError("This patient already has a check-in plan; change that one.")
        return patient

    def create(self, data):
        return checkin_plan_save(
            patient=data["patient"],
            active=data.get("active", True),
            weekday=data.get("weekday", 0),
            local_time=data["local_time"],
            by=_user(self),
        )

    def update(self, instance, data):
        return checkin_plan_save(
            patient=instance.patient,
            active=data.get("active", instance.active),
            weekday=data.get("weekday", instance.weekday),
            local_time=data.get("local_time", instance.local_time),
            by=_user(self),
        )


class MedicationPlanViewSet(PatientDataViewSet):
    serializer_class = MedicationPlanSerializer

    def base_queryset(self):
        return MedicationReminderPlan.objects.order_by("id")


class CheckinPlanViewSet(PatientDataViewSet):
    serializer_class = CheckinPlanSerializer

    def base_queryset(self):
        return CheckinPlan.objects.order_by("id")


class _OverviewMedicationPlan(serializers.Serializer):
    active = serializers.BooleanField()
    local_time = LocalTimeField()
    cutoff_hours = serializers.IntegerField()
    next_at = serializers.DateTimeField(allow_null=True)


class _OverviewCheckinPlan(serializers.Serializer):
    active = serializers.BooleanField()
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday.")
    local_time = LocalTimeField()
    next_at = serializers.DateTimeField(allow_null=True)


class _OverviewAdherence(serializers.Serializer):
    percent = serializers.IntegerField(allow_null=True, help_text="Null until a day is settled.")
    taken = serializers.IntegerField()
    missed = serializers.IntegerField()
    not_confirmed = serializers.IntegerField()
    days = serializers.IntegerField()


class _OverviewCheckin(serializers.Serializer):
    occurs_on = serializers.DateField()
    status = serializers.CharField()
    grades = serializers.DictField(child=serializers.IntegerField(), help_text="Question number → grade 0–3.")
    comment = serializers.CharField(allow_blank=True)
    urgent = serializers.BooleanField()


class _OverviewUpcoming(serializers.Serializer):
    at = serializers.DateTimeField()
    what = serializers.CharField()


class _OverviewMessage(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    status_reason = serializers.CharField(allow_blank=True)
    channel = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    not_before = serializers.DateTimeField()


class FollowUpsOverviewSerializer(serializers.Serializer):
    """A patient's follow-ups as the care record shows them (followups.selectors.follow_ups_overview)."""

    paused = serializers.BooleanField()
    pause_reason = serializers.CharField(allow_blank=True)
    paused_at = serializers.DateTimeField(allow_null=True)
    medication_plan = _OverviewMedicationPlan(allow_null=True)
    checkin_plan = _OverviewCheckinPlan(allow_null=True)
    adherence_week = _OverviewAdherence()
    checkins = _OverviewCheckin(many=True)
    upcoming = _OverviewUpcoming(many=True)
    recent = _OverviewMessage(many=True)


def _overview(patient: Patient) -> dict:
    return FollowUpsOverviewSerializer(follow_ups_overview(patient=patient).as_dict()).data


class PauseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ResumeSerializer(serializers.Serializer):
    """No body: resuming needs only the patient in the URL."""


# The router adds list and create; neither exists (they answer 404/405), so the schema leaves them out.
@extend_schema_view(list=extend_schema(exclude=True), create=extend_schema(exclude=True))
class FollowUpsViewSet(PatientDataViewSet):
    """GET /follow-ups/<patient id>/: overview; POST …/pause/ {reason}; POST …/resume/."""

    patient_path = ""
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = PauseSerializer

    def base_queryset(self):
        return Patient.objects.all()

    def list(self, request, *args, **kwargs):
        return Response({"detail": "Ask for one patient: /api/v1/follow-ups/<patient id>/."}, status=404)

    def create(self, request, *args, **kwargs):
        return Response({"detail": "Use /api/v1/follow-ups/<patient id>/pause/ or …/resume/."}, status=405)

    def _patient(self, pk) -> Patient:
        return get_object_or_404(patients_visible_to(self.request.user), pk=pk)

    @extend_schema(responses=FollowUpsOverviewSerializer)
    def retrieve(self, request, pk=None):
        patient = self._patient(pk)
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=patient, request=request, via="api")
        return Response(_overview(patient))

    @extend_schema(request=PauseSerializer, responses={201: FollowUpsOverviewSerializer})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        patient = self._patient(pk)
        data = PauseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_ups_pause(
            patient=patient, reason=data.validated_data["reason"], by=request.user, request=request, via="api"
        )
        return Response(_overview(patient), status=201)

    @extend_schema(request=None, responses=FollowUpsOverviewSerializer)
    @action(detail=True, methods=["post"], serializer_class=ResumeSerializer)
    def resume(self, request, pk=None):
        patient = self._patient(pk)
        follow_ups_resume(patient=patient, by=request.user, request=request, via="api")
        return Response(_overview(patient))
