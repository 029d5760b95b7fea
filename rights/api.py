"""Patient rights in the staff API: the data package link, correction requests, erasure requests.

Same capabilities, services and audit trail as the console. Bad input is a 400 naming the field; a patient
the caller may not see is "does not exist" (400 in a body, 404 in a path); a role that may not act is a 403.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import generics, mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.ids import query_id
from clinic.roles import staff_user
from patients.api.serializers import VisiblePatientField
from patients.audit import audit_list_view, audit_record
from patients.capabilities import can_manage_patient_rights, can_run_erasure
from patients.models import AuditAction, Channel
from patients.selectors import patients_visible_to
from rights.models import (
    CorrectionRequest,
    CorrectionStatus,
    DataPackageLink,
    ErasureRequest,
    LinkState,
)
from rights.selectors import correction_requests_visible_to, erasure_requests_visible_to, package_links_of
from rights.services import (
    correction_request_decide,
    correction_request_record,
    data_package_link_create,
    data_package_link_revoke,
    erasure_request_complete,
    erasure_request_record,
)


class MayManageRights(BasePermission):
    message = "Only coordinators and admins handle patients' data packages and correction requests."

    def has_permission(self, request, view) -> bool:
        return can_manage_patient_rights(request.user)


class MayRunErasure(BasePermission):
    message = "Only coordinators and admins handle erasure requests."

    def has_permission(self, request, view) -> bool:
        return can_run_erasure(request.user)


def _username(field: str) -> serializers.CharField:
    return serializers.CharField(source=f"{field}.get_username", read_only=True, allow_null=True, default=None)


class AuditedList(mixins.ListModelMixin, generics.GenericAPIView):
    """A list writes a view entry to the audit trail, as every patient-data endpoint does."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        audit_list_view(actor=staff_user(request), request=request, listed=self.get_queryset().model, via="api")
        return response


class AuditedRetrieve(mixins.RetrieveModelMixin, generics.GenericAPIView):
    """Reading one row writes a view entry to the audit trail."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        audit_record(
            actor=staff_user(request), action=AuditAction.VIEW, obj=self.get_object(), request=request, via="api"
        )
        return response


# Requests of one kind (correction, erasure) from the patients the caller may see, newest first, `?patient=` for
# one of them; a POST records one through the service the console uses. A comment, not a docstring: the API
# schema takes a view's docstring as its operations' description.
class PatientRequestList(AuditedList, generics.ListCreateAPIView):
    input_serializer: type[serializers.ModelSerializer[Any]]
    newest_first: str  # the field that orders the list newest first
    visible_to: Callable[[User], QuerySet[Any]]
    record: Callable[..., Model]

    def get_queryset(self) -> QuerySet[Any]:
        rows = self.visible_to(staff_user(self.request))
        patient = query_id(self.request.query_params, "patient")  # a bad id is a 400 naming the field
        if patient is not None:
            rows = rows.filter(patient_id=patient)
        return rows.order_by(self.newest_first, "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.input_serializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        row = self.record(actor=staff_user(request), request=request, via="api", **data.validated_data)
        return Response(self.get_serializer_class()(row).data, status=status.HTTP_201_CREATED)


# --- Data package links -----------------------------------------------------------------------------------------


class PackageLinkOut(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=LinkState.choices, read_only=True)
    message_status = serializers.CharField(source="message.status", read_only=True, allow_null=True, default=None)
    message_status_reason = serializers.CharField(
        source="message.status_reason", read_only=True, allow_null=True, default=None
    )
    created_by = _username("created_by")

    class Meta:
        model = DataPackageLink
        fields = [
            "id",
            "patient",
            "state",
            "include_message_bodies",
            "created_by",
            "created_at",
            "expires_at",
            "first_opened_at",
            "spent_at",
            "revoked_at",
            "message",
            "message_status",
            "message_status_reason",
        ]
        read_only_fields = fields


class PackageLinkIn(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        allow_blank=True,
        help_text="sms or whatsapp; empty or absent: the patient's preferred channel.",
    )
    include_message_bodies = serializers.BooleanField(default=True)


@extend_schema_view(
    get=extend_schema(
        operation_id="patient_data_package_links",
        tags=["patient rights"],
        summary="The data package links sent to a patient, newest first",
    ),
    post=extend_schema(
        operation_id="patient_data_package_link_create",
        tags=["patient rights"],
        summary="Send the patient a one-time link (7 days) to their data package",
        description="The link opens a readable summary of the record with a button that downloads "
        "it as a FHIR R4 bundle once. The link, its message and the audit entry commit "
        "together; a message that cannot go (no consent, opted out) is a 409 and "
        "nothing is made.",
        request=PackageLinkIn,
        responses={201: PackageLinkOut},
    ),
)
class PatientPackageLinks(AuditedList, generics.ListCreateAPIView):
    permission_classes = [MayManageRights]
    serializer_class = PackageLinkOut

    def patient(self):
        patient = patients_visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if patient is None:
            raise NotFound("No patient with this id whose record you may see.")
        return patient

    def get_queryset(self) -> QuerySet[DataPackageLink]:
        return package_links_of(self.patient()).order_by("-created_at", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = PackageLinkIn(data=request.data)
        data.is_valid(raise_exception=True)
        link = data_package_link_create(
            actor=staff_user(request),
            patient=self.patient(),
            channel=data.validated_data.get("channel") or None,
            include_message_bodies=data.validated_data["include_message_bodies"],
            request=request,
            via="api",
        )
        return Response(PackageLinkOut(link).data, status=status.HTTP_201_CREATED)


class PackageLinkRevoke(generics.GenericAPIView):
    permission_classes = [MayManageRights]
    serializer_class = PackageLinkOut

    def get_queryset(self) -> QuerySet[DataPackageLink]:
        return DataPackageLink.objects.filter(patient__in=patients_visible_to(self.request.user)).select_related(
            "patient", "message", "created_by"
        )

    @extend_schema(
        operation_id="data_package_link_revoke",
        tags=["patient rights"],
        request=None,
        summary="Stop a data package link from working (a used or revoked link stays as it is)",
        responses={200: PackageLinkOut},
    )
    def post(self, request: Request, pk: int) -> Response:
        link = data_package_link_revoke(actor=staff_user(request), link=self.get_object(), request=request, via="api")
        return Response(PackageLinkOut(link).data)


# --- Correction requests ------------------------------------------------------------------------------------------


class CorrectionOut(serializers.ModelSerializer):
    recorded_by = _username("recorded_by")
    decided_by = _username("decided_by")

    class Meta:
        model = CorrectionRequest
        fields = [
            "id",
            "patient",
            "area",
            "item",
            "requested_change",
            "received_via",
            "received_on",
            "status",
            "outcome",
            "recorded_by",
            "recorded_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class CorrectionIn(serializers.ModelSerializer):
    patient = VisiblePatientField()

    class Meta:
        model = CorrectionRequest
        fields = ["patient", "area", "item", "requested_change", "received_via", "received_on"]


class CorrectionDecideIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=[CorrectionStatus.ACCEPTED, CorrectionStatus.DECLINED])
    outcome = serializers.CharField(max_length=2000, help_text="What was corrected, or why the request was declined.")


@extend_schema_view(
    get=extend_schema(
        operation_id="correction_requests",
        tags=["patient rights"],
        summary="Correction requests of patients I may see (?patient=)",
    ),
    post=extend_schema(
        operation_id="correction_request_create",
        tags=["patient rights"],
        summary="Record what a patient asked to correct",
        request=CorrectionIn,
        responses={201: CorrectionOut},
    ),
)
class CorrectionList(PatientRequestList):
    permission_classes = [MayManageRights]
    serializer_class = CorrectionOut
    input_serializer = CorrectionIn
    newest_first = "-recorded_at"
    visible_to = staticmethod(correction_requests_visible_to)
    record = staticmethod(correction_request_record)


@extend_schema_view(
    get=extend_schema(operation_id="correction_request", tags=["patient rights"], summary="One correction request"),
    patch=extend_schema(
        operation_id="correction_request_decide",
        tags=["patient rights"],
        summary="Record the outcome: accepted (say what was corrected) or declined (say why); once",
        request=CorrectionDecideIn,
        responses={200: CorrectionOut},
    ),
)
class CorrectionDetail(AuditedRetrieve, generics.RetrieveUpdateAPIView):
    permission_classes = [MayManageRights]
    serializer_class = CorrectionOut
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[CorrectionRequest]:
        return correction_requests_visible_to(self.request.user).select_related("patient")

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CorrectionDecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        correction = correction_request_decide(
            actor=staff_user(request), correction=self.get_object(), request=request, via="api", **data.validated_data
        )
        return Response(CorrectionOut(correction).data)


# --- Erasure requests ---------------------------------------------------------------------------------------------

ConfirmationOut = inline_serializer(
    "ErasureConfirmation",
    fields={
        "erased": inline_serializer(
            "ErasedItem",
            many=True,
            fields={
                "item": serializers.CharField(),
                "count": serializers.IntegerField(),
                "how": serializers.CharField(),
            },
        ),
        "kept": inline_serializer(
            "KeptItem",
            many=True,
            fields={
                "item": serializers.CharField(),
                "count": serializers.IntegerField(),
                "reason": serializers.CharField(),
                "until": serializers.DateField(allow_null=True),
            },
        ),
    },
    allow_null=True,
)


class ErasureOut(serializers.ModelSerializer):
    requested_by = _username("requested_by")
    completed_by = _username("completed_by")
    confirmation = serializers.SerializerMethodField()

    class Meta:
        model = ErasureRequest
        fields = [
            "id",
            "patient",
            "received_via",
            "received_on",
            "status",
            "requested_by",
            "requested_at",
            "completed_by",
            "completed_at",
            "confirmation",
        ]
        read_only_fields = fields

    @extend_schema_field(ConfirmationOut)
    def get_confirmation(self, erasure: ErasureRequest) -> dict[str, Any] | None:
        return erasure.confirmation or None


class ErasureIn(serializers.ModelSerializer):
    patient = VisiblePatientField()

    class Meta:
        model = ErasureRequest
        fields = ["patient", "received_via", "received_on"]


class ErasureCompleteIn(serializers.Serializer):
    confirm_reference = serializers.CharField(max_length=20, help_text="The patient's reference, e.g. P-0042.")


@extend_schema_view(
    get=extend_schema(
        operation_id="erasure_requests",
        tags=["patient rights"],
        summary="Erasure requests of patients I may see (?patient=)",
    ),
    post=extend_schema(
        operation_id="erasure_request_create",
        tags=["patient rights"],
        summary="Record that a patient asked for erasure (nothing is erased yet)",
        request=ErasureIn,
        responses={201: ErasureOut},
    ),
)
class ErasureList(PatientRequestList):
    permission_classes = [MayRunErasure]
    serializer_class = ErasureOut
    input_serializer = ErasureIn
    newest_first = "-requested_at"
    visible_to = staticmethod(erasure_requests_visible_to)
    record = staticmethod(erasure_request_record)


@extend_schema_view(
    get=extend_schema(
        operation_id="erasure_request",
        tags=["patient rights"],
        summary="One erasure request, with its confirmation once carried out",
    )
)
class ErasureDetail(AuditedRetrieve, generics.RetrieveAPIView):
    permission_classes = [MayRunErasure]
    serializer_class = ErasureOut

    def get_queryset(self) -> QuerySet[ErasureRequest]:
        return erasure_requests_visible_to(self.request.user)


class ErasureComplete(generics.GenericAPIView):
    permission_classes = [MayRunErasure]
    serializer_class = ErasureOut

    def get_queryset(self) -> QuerySet[ErasureRequest]:
        return erasure_requests_visible_to(self.request.user).select_related("patient")

    @extend_schema(
        operation_id="erasure_request_complete",
        tags=["patient rights"],
        request=ErasureCompleteIn,
        responses={200: ErasureOut},
        summary="Carry out an open erasure request (type the patient's reference to confirm); cannot be undone",
        description="Identifying data and message texts are removed or replaced by a pseudonym; clinical rows under a "
        "retention duty are kept. The answer's `confirmation` lists what was erased and what was kept "
        "and why.",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = ErasureCompleteIn(data=request.data)
        data.is_valid(raise_exception=True)
        erasure = self.get_object()
        if not can_run_erasure(request.user, erasure.patient):
            raise PermissionDenied("Only the patient's coordinator or an admin can carry out an erasure.")
        done = erasure_request_complete(
            actor=staff_user(request),
            erasure=erasure,
            request=request,
            via="api",
            confirm_reference=data.validated_data["confirm_reference"],
        )
        return Response(ErasureOut(done).data)
