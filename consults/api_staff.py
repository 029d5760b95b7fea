"""Staff API: consult lists for coordinators and experts, and recording outcomes.

Admins see every consult, coordinators those of patients they may see (their own and unassigned),
an expert only their own while in a care relationship with the patient (others answer 404);
anyone else is refused. What each may do is asked of patients.capabilities, like the console:
an expert records outcomes of their consults but cannot cancel (403). Session or token authentication.
"""

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.errors import NotFound
from clinic.ids import MAX_ID
from clinic.roles import staff_user
from consults.api_common import DayField, InZoneDateTimeField, StaffPagination, TimeZoneField
from consults.models import Consult, ConsultSource, ConsultStatus
from consults.selectors import consult_list_for_staff, consults_visible_to
from consults.services import consult_cancel, consult_mark_completed, consult_mark_no_show
from patients.audit import AuditedAPIMixin
from patients.capabilities import can_cancel_consult, can_complete_consult, can_use_console


class IsClinicStaff(BasePermission):
    message = "Only clinic staff (coordinators, experts, admins) can use this endpoint."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_use_console(request.user)


class StaffApi(APIView):
    permission_classes = [IsAuthenticated, IsClinicStaff]

    def zone(self) -> ZoneInfo:
        raw = self.request.query_params.get("tz")
        return TimeZoneField().run_validation(raw) if raw else ZoneInfo(settings.TIME_ZONE)

    def get_consult(self, consult_id: int) -> Consult:
        consult = consults_visible_to(self.request.user).filter(pk=consult_id).first()
        if consult is None:
            raise NotFound("No consult with this id is visible to you.")
        return consult

    def consult_response(self, consult: Consult) -> Response:
        return Response(ConsultStaffOutput(consult, context={"tz": self.zone()}).data)


class ConsultStaffExpert(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ConsultStaffPatient(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    phone = serializers.CharField()


class ConsultStaffOutput(serializers.Serializer):
    """A consult as staff see it, times in the zone asked for (tz)."""

    # Context: `tz` for the times.
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    start = InZoneDateTimeField()
    end = InZoneDateTimeField()
    mode = serializers.CharField()
    topic = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source: DRF collects it
    note = serializers.CharField()
    attendance_confirmed_at = InZoneDateTimeField(allow_null=True)
    cancellation_reason = serializers.CharField()
    expert = ConsultStaffExpert()
    patient = ConsultStaffPatient()


class ConsultStaffListApi(StaffApi):
    pagination_class = StaffPagination  # read by the schema: the answer is a page, not a bare list

    class Filters(serializers.Serializer):
        expert = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
        status = serializers.ChoiceField(choices=ConsultStatus.choices, required=False)
        date = DayField(required=False, help_text="One day, in tz.")
        date_from = DayField(required=False)
        date_to = DayField(required=False)
        tz = TimeZoneField(required=False)

    @extend_schema(
        summary="Consults visible to you, filtered",
        parameters=[
            OpenApiParameter("expert", int),
            OpenApiParameter("status", str, enum=ConsultStatus.values),
            OpenApiParameter("date", str, description="YYYY-MM-DD in tz"),
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("tz", str),
        ],
        responses=ConsultStaffOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        tz = values.get("tz") or ZoneInfo(settings.TIME_ZONE)
        consults = consult_list_for_staff(
            user=staff_user(request),
            expert_id=values.get("expert"),
            status=values.get("status"),
            day=values.get("date"),
            day_from=values.get("date_from"),
            day_to=values.get("date_to"),
            tz=tz,
        )
        paginator = StaffPagination()
        page = paginator.paginate_queryset(consults, request, view=self)
        return paginator.get_paginated_response(ConsultStaffOutput(page, many=True, context={"tz": tz}).data)


class ConsultStaffDetailApi(AuditedAPIMixin, generics.RetrieveAPIView, StaffApi):
    """One consult; AuditedAPIMixin writes each view to the audit trail."""

    serializer_class = ConsultStaffOutput

    def get_object(self) -> Consult:
        return self.get_consult(self.kwargs["consult_id"])

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "tz": self.zone()}

    @extend_schema(summary="One consult", responses=ConsultStaffOutput)
    def get(self, request: Request, consult_id: int) -> Response:
        return self.retrieve(request, consult_id=consult_id)


class ConsultCompleteApi(StaffApi):
    @extend_schema(summary="Mark a consult that has started as completed", request=None, responses=ConsultStaffOutput)
    def post(self, request: Request, consult_id: int) -> Response:
        consult = self.get_consult(consult_id)
        if not can_complete_consult(request.user, consult):
            raise PermissionDenied("You cannot record the outcome of this consult.")
        # The service audits the change in its own transaction.
        consult = consult_mark_completed(consult=consult, by=staff_user(request), request=request, via="api")
        return self.consult_response(consult)


class ConsultNoShowApi(StaffApi):
    @extend_schema(summary="Mark a consult that has started as a no-show", request=None, responses=ConsultStaffOutput)
    def post(self, request: Request, consult_id: int) -> Response:
        consult = self.get_consult(consult_id)
        if not can_complete_consult(request.user, consult):
            raise PermissionDenied("You cannot record the outcome of this consult.")
        consult = consult_mark_no_show(consult=consult, by=staff_user(request), request=request, via="api")
        return self.consult_response(consult)


class ConsultStaffCancelApi(StaffApi):
    class StaffCancelInput(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        summary="Cancel an upcoming consult, with a reason (coordinators and admins; experts get 403)",
        request=StaffCancelInput,
        responses=ConsultStaffOutput,
    )
    def post(self, request: Request, consult_id: int) -> Response:
        consult = self.get_consult(consult_id)
        if not can_cancel_consult(request.user, consult):
            raise PermissionDenied("Only coordinators and admins can cancel consults. Ask the patient's coordinator.")
        data = self.StaffCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        # The service audits the cancellation in its own transaction.
        consult = consult_cancel(
            consult=consult,
            reason=data.validated_data["reason"],
            source=ConsultSource.STAFF,
            cancelled_by=staff_user(request),
            request=request,
            via="api",
        )
        return self.consult_response(consult)
