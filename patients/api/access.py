"""Care-team assignments in the staff API: list (anyone who may see the patient), add and end
(coordinators of the patient and admins). Writes go through patients.services.access, which checks
the same capability as the console and audits in its own transaction."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.roles import EXPERT
from patients.api.base import PatientDataViewSet
from patients.api.serializers import VisiblePatientField
from patients.models import CareTeamAssignment
from patients.services.access import care_team_assign, care_team_end


class CareTeamAssignmentSerializer(serializers.ModelSerializer):
    patient = VisiblePatientField()
    member = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(groups__name=EXPERT, is_active=True),
        help_text="Id of a staff login holding the expert role.",
    )
    member_name = serializers.CharField(source="member.get_full_name", read_only=True)
    assigned_by = serializers.CharField(
        source="assigned_by.get_username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = CareTeamAssignment
        fields = ["id", "patient", "member", "member_name", "reason", "started_at", "assigned_by", "ended_at"]
        read_only_fields = ["started_at", "ended_at"]


@extend_schema_view(
    list=extend_schema(summary="Care-team assignments of patients I may see (?patient=)"),
    create=extend_schema(summary="Put an expert on a patient's care team (coordinators, admins)"),
)
class CareTeamAssignmentViewSet(PatientDataViewSet):
    serializer_class = CareTeamAssignmentSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return CareTeamAssignment.objects.select_related("member", "assigned_by").order_by("-started_at", "-id")

    def perform_create(self, serializer: CareTeamAssignmentSerializer) -> None:
        # The service audits inside its transaction; AuditedAPIMixin's create audit would be a second entry.
        data = serializer.validated_data
        serializer.instance = care_team_assign(
            patient=data["patient"],
            member=data["member"],
            by=self.request.user,
            reason=data.get("reason", ""),
            request=self.request,
            via="api",
        )

    @extend_schema(summary="End a care-team assignment from now", request=None, responses=CareTeamAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        assignment = care_team_end(assignment=self.get_object(), by=request.user, request=request, via="api")
        return Response(self.get_serializer(assignment).data)
