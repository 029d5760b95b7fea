"""Follow-ups API under /api/v1/: plans (coordinators edit, staff read), overview, pause and resume.

Same roles and row visibility as the patients API; every call is audited.
"""

from django.shortcuts import get_object_or_404
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


class MedicationPlanSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()

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
        return medication_plan_save(patient=data["patient"], active=data.get("active", True),
                                    local_time=data["local_time"], cutoff_hours=data.get("cutoff_hours", 12),
                                    by=_user(self))

    def update(self, instance, data):
        return medication_plan_save(patient=instance.patient, active=data.get("active", instance.active),
                                    local_time=data.get("local_time", instance.local_time),
                                    cutoff_hours=data.get("cutoff_hours", instance.cutoff_hours), by=_user(self))


class CheckinPlanSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()

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
        return checkin_plan_save(patient=data["patient"], active=data.get("active", True),
                                 weekday=data.get("weekday", 0), local_time=data["local_time"], by=_user(self))

    def update(self, instance, data):
        return checkin_plan_save(patient=instance.patient, active=data.get("active", instance.active),
                                 weekday=data.get("weekday", instance.weekday),
                                 local_time=data.get("local_time", instance.local_time), by=_user(self))


class MedicationPlanViewSet(PatientDataViewSet):
    serializer_class = MedicationPlanSerializer

    def base_queryset(self):
        return MedicationReminderPlan.objects.order_by("id")


class CheckinPlanViewSet(PatientDataViewSet):
    serializer_class = CheckinPlanSerializer

    def base_queryset(self):
        return CheckinPlan.objects.order_by("id")


class PauseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ResumeSerializer(serializers.Serializer):
    """No body: resuming needs only the patient in the URL."""


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

    def retrieve(self, request, pk=None):
        patient = self._patient(pk)
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=patient, request=request, via="api")
        return Response(follow_ups_overview(patient=patient).as_dict())

    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        patient = self._patient(pk)
        data = PauseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_ups_pause(patient=patient, reason=data.validated_data["reason"], by=request.user, request=request,
                         via="api")
        return Response(follow_ups_overview(patient=patient).as_dict(), status=201)

    @action(detail=True, methods=["post"], serializer_class=ResumeSerializer)
    def resume(self, request, pk=None):
        patient = self._patient(pk)
        follow_ups_resume(patient=patient, by=request.user, request=request, via="api")
        return Response(follow_ups_overview(patient=patient).as_dict())
