"""Public API: experts, free slots, booking, and managing a booking by its secret token."""

import hashlib
import json
import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.errors import DomainError, NotFound
from consults.api_common import (
    BookingThrottled,
    ConsultPublicOutput,
    OffsetDateTimeField,
    PublicPagination,
    SlotOutput,
    SlotPagination,
    SlotRangeQuery,
    TimeZoneField,
    slot_taken_response,
)
from consults.consent import CONSENT_SMS_TEXT, CONSENT_WHATSAPP_TEXT, booking_intake
from consults.errors import SlotTaken
from consults.models import Consult, ConsultMode, ConsultSource, Expert, SpokenLanguage, Topic
from consults.selectors import LinkState, consult_by_manage_token, expert_list_public, experts_matching, slots_for_days
from consults.services import consult_book_for_public, consult_cancel, consult_reschedule
from consults.slots import Slot
from consults.throttles import BookingIPThrottle, BookingPhoneThrottle, PublicReadThrottle
from patients.contact_validation import PatientNameSerializerField, PatientPhoneSerializerField
from patients.models import Channel

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


class PublicApi(APIView):
    """No session authentication: public endpoints need no login and no CSRF token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicReadThrottle]


class ExpertListApi(PublicApi):
    pagination_class = PublicPagination  # read by the schema: the answer is a page, not a bare list

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField(source="display_name")
        role = serializers.CharField()
        role_label = serializers.CharField(source="get_role_display")
        languages = serializers.ListField(child=serializers.CharField())
        topics = serializers.ListField(child=serializers.CharField(), source="effective_topics")
        bio = serializers.CharField()
        consult_minutes = serializers.IntegerField()
        time_zone = serializers.CharField()

    @extend_schema(summary="Experts patients can book", responses=Output(many=True))
    def get(self, request: Request) -> Response:
        paginator = PublicPagination()
        page = paginator.paginate_queryset(expert_list_public(), request, view=self)
        return paginator.get_paginated_response(self.Output(page, many=True).data)


def _slot_response(
    request: Request, view: APIView, slots: Sequence[Slot], tz: ZoneInfo, names: dict[int, str]
) -> Response:
    paginator = SlotPagination()
    page = paginator.paginate_queryset(slots, request, view=view)
    output = SlotOutput(page, many=True, context={"tz": tz, "expert_names": names})
    return paginator.get_slot_response(output.data, tz)


def _consult_response(consult: Consult, tz: ZoneInfo, code: int = status.HTTP_200_OK) -> Response:
    return Response(ConsultPublicOutput(consult, context={"tz": tz}).data, status=code)


SLOT_PARAMS = [
    OpenApiParameter("from", str, description="First day, YYYY-MM-DD, in tz (default today)"),
    OpenApiParameter("to", str, description="Last day, YYYY-MM-DD, in tz (default from + 6 days)"),
    OpenApiParameter("tz", str, description="IANA time zone for the slot times, e.g. Asia/Kolkata"),
]


class ExpertSlotsApi(PublicApi):
    pagination_class = SlotPagination

    @extend_schema(summary="Free slots of one expert", parameters=SLOT_PARAMS, responses=SlotOutput(many=True))
    def get(self, request: Request, expert_id: int) -> Response:
        expert = get_object_or_404(expert_list_public(), pk=expert_id)
        query = SlotRangeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        slots = slots_for_days([expert], day_from=params["from"], day_to=params["to"], tz=params["tz"])
        return _slot_response(request, self, slots, params["tz"], {expert.pk: expert.display_name})


class SlotSearchApi(PublicApi):
    pagination_class = SlotPagination

    class Filters(serializers.Serializer):
        topic = serializers.ChoiceField(choices=Topic.choices, required=False)
        language = serializers.ChoiceField(choices=SpokenLanguage.choices, required=False)

    @extend_schema(
        summary="First available slots across experts, by topic and language",
        parameters=[
            *SLOT_PARAMS,
            OpenApiParameter("topic", str, enum=Topic.values),
            OpenApiParameter("language", str, enum=SpokenLanguage.values),
        ],
        responses=SlotOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        query = SlotRangeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        experts = experts_matching(**filters.validated_data)
        slots = slots_for_days(experts, day_from=params["from"], day_to=params["to"], tz=params["tz"])
        return _slot_response(request, self, slots, params["tz"], {e.pk: e.display_name for e in experts})


class BookingInput(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(
        queryset=Expert.objects.all(),
        error_messages={"does_not_exist": "No expert has this id. Get ids from /api/v1/experts/."},
    )
    start = OffsetDateTimeField(help_text="Slot start, ISO 8601 with offset, as given in a slot list.")
    topic = serializers.ChoiceField(choices=Topic.choices)
    mode = serializers.ChoiceField(choices=ConsultMode.choices, default=ConsultMode.PHONE)
    name = PatientNameSerializerField()  # patients/contact_validation.py: what we may text and greet
    phone = PatientPhoneSerializerField()
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.SMS,
        help_text="Where the patient wants their confirmation and reminders. Nothing is sent without consent "
        "on that channel.",
    )
    # Per channel, affirmative and withdrawable (reply STOP): send true only when the patient ticked it.
    consent_sms = serializers.BooleanField(
        default=False, help_text=f"The patient agreed, unprompted by a pre-ticked box, to: “{CONSENT_SMS_TEXT}”"
    )
    consent_whatsapp = serializers.BooleanField(
        default=False, help_text=f"The patient agreed, unprompted by a pre-ticked box, to: “{CONSENT_WHATSAPP_TEXT}”"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    tz = TimeZoneField(required=False, help_text="Zone for the times in the answer (default the clinic's).")


def _fingerprint(data: Any) -> str:
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


class ConsultBookApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [BookingIPThrottle, BookingPhoneThrottle]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise BookingThrottled(wait)

    @extend_schema(
        summary="Book a free consult",
        description=(
            "Send an `Idempotency-Key` header to retry safely: the same key and body return the same consult. "
            "409 means the slot was just taken; the body's `next_slots` offers the next free ones."
        ),
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        request=BookingInput,
        responses={
            201: ConsultPublicOutput,
            400: OpenApiResponse(description="A field is invalid; the body names it."),
            409: OpenApiResponse(description="The slot was just taken (`next_slots`) or too many upcoming consults."),
            422: OpenApiResponse(description="The Idempotency-Key was used with a different body."),
            429: OpenApiResponse(description="Too many attempts; try again in the minutes given."),
        },
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key is not None and not IDEMPOTENCY_KEY.match(key):
            raise DomainError(
                "Idempotency-Key must be 8–100 letters, digits or . _ : - (a UUID is ideal).", field="idempotency_key"
            )
        data = BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tz = values.get("tz") or ZoneInfo(settings.TIME_ZONE)
        details = booking_intake(values, time_zone=str(tz), source=ConsultSource.API)
        try:
            consult = consult_book_for_public(
                details=details,
                expert=values["expert"],
                start=values["start"],
                topic=values["topic"],
                mode=values["mode"],
                note=values["note"].strip(),
                source=ConsultSource.API,
                idempotency_key=key,
                request_fingerprint=_fingerprint(request.data) if key else "",
            )
        except SlotTaken as taken:
            return slot_taken_response(taken, tz)
        return _consult_response(consult, tz, code=status.HTTP_201_CREATED)


def _manage_link(token: str):
    link = consult_by_manage_token(token)
    if link.state is LinkState.UNKNOWN:
        raise NotFound("This link is not valid. Check the link in your message, or call the clinic.")
    if link.state is LinkState.EXPIRED:
        raise Gone("This link has expired. Call the clinic if you need help with a past consult.")
    return link


class Gone(DomainError):
    status = HTTPStatus.GONE
    code = "expired"


def _tz(request: Request, default: str) -> ZoneInfo:
    raw = request.query_params.get("tz")
    return TimeZoneField().run_validation(raw) if raw else ZoneInfo(default)


class ManageApi(PublicApi):
    @extend_schema(summary="See a booking by its manage token", responses=ConsultPublicOutput)
    def get(self, request: Request, token: str) -> Response:
        link = _manage_link(token)
        return _consult_response(link.consult, _tz(request, link.consult.patient.time_zone))


class ManageRescheduleApi(PublicApi):
    # Not a booking attempt: the secret link names one consult, which moves and frees its old slot.
    # Counting it against the booking limit refused patients behind a shared address (carrier NAT,
    # clinic Wi-Fi) their own change; the public read limit still applies.

    class RescheduleInput(serializers.Serializer):
        start = OffsetDateTimeField()
        tz = TimeZoneField(required=False)

    @extend_schema(
        summary="Move a booking to another free slot of the same expert",
        request=RescheduleInput,
        responses=ConsultPublicOutput,
    )
    def post(self, request: Request, token: str) -> Response:
        link = _manage_link(token)
        data = self.RescheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        tz = data.validated_data.get("tz") or ZoneInfo(link.consult.patient.time_zone)
        try:
            consult = consult_reschedule(
                consult=link.consult, new_start=data.validated_data["start"], source=ConsultSource.API
            )
        except SlotTaken as taken:
            return slot_taken_response(taken, tz)
        return _consult_response(consult, tz)


class ManageCancelApi(PublicApi):
    class CancelInput(serializers.Serializer):
        reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Cancel a booking",
        request=CancelInput,
        responses={
            200: ConsultPublicOutput,
            409: inline_serializer("NotChangeable", {"detail": serializers.CharField()}),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        link = _manage_link(token)
        data = self.CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        consult = consult_cancel(consult=link.consult, reason=data.validated_data["reason"], source=ConsultSource.API)
        return _consult_response(consult, ZoneInfo(consult.patient.time_zone))
