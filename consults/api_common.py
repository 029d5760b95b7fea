"""Fields and output shapes shared by the public and staff consult APIs."""

from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import APIException, Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from clinic.api_errors import error_body
from clinic.timezones import EARLIEST_DATE, LATEST_DATE, is_plausible_date, plausible_instant, zone_or_none
from consults.errors import SlotTaken
from consults.models import Consult
from consults.services import consult_ics_url, consult_manage_url
from consults.slots import Slot
from consults.throttles import wait_message


class TimeZoneField(serializers.CharField):
    """An IANA zone name such as Asia/Kolkata, returned as a ZoneInfo."""

    default_error_messages = {"invalid_zone": "Unknown time zone: use a name like Asia/Kolkata or Europe/London."}

    def to_internal_value(self, data: Any) -> ZoneInfo:  # type: ignore[override]  # the parsed zone, not the text
        zone = zone_or_none(super().to_internal_value(data))
        if zone is None:
            self.fail("invalid_zone")
        return zone

    def to_representation(self, value: Any) -> str:
        return str(value)


class OffsetDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an explicit offset: a bare local time is ambiguous across zones."""

    default_error_messages = {
        "no_offset": "Give the time with its offset, e.g. 2026-12-01T10:30:00+05:30.",
        "invalid": "Give the time in ISO 8601 with its offset, e.g. 2026-12-01T10:30:00+05:30.",
        "out_of_range": f"Give a time between {EARLIEST_DATE.year} and {LATEST_DATE.year}, "
        "e.g. a start from the slot list.",
    }

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                self.fail("invalid")
        elif isinstance(value, datetime):
            parsed = value
        else:
            self.fail("invalid")
        if parsed.tzinfo is None:
            self.fail("no_offset")
        # UTC from here on: an odd offset (+23:59) is refused by PostgreSQL, and years near 1 or 9999
        # overflow in slot arithmetic.
        instant = plausible_instant(parsed)
        if instant is None:
            self.fail("out_of_range")
        return instant


class DayField(serializers.DateField):
    """A calendar day in the plausible years (slot and consult list filters compute bounds from it)."""

    default_error_messages = {
        "out_of_range": f"Give a day between {EARLIEST_DATE} and {LATEST_DATE}, as YYYY-MM-DD.",
    }

    def to_internal_value(self, value: Any) -> date:
        day = super().to_internal_value(value)
        if not is_plausible_date(day):
            self.fail("out_of_range")
        return day


class SlotRangeQuery(serializers.Serializer):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&tz=Area/City; defaults to the coming week in the clinic's zone."""

    from_ = DayField(required=False, help_text="First day (in tz), default today.")
    to = DayField(required=False, help_text="Last day (in tz), default six days after from.")
    tz = TimeZoneField(required=False, help_text="IANA zone the slots are shown in, default the clinic's.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        tz = attrs.get("tz") or ZoneInfo(settings.TIME_ZONE)
        day_from: date = attrs.get("from") or timezone.now().astimezone(tz).date()
        day_to: date = attrs.get("to") or min(day_from + timedelta(days=6), LATEST_DATE)
        if day_to < day_from:
            raise serializers.ValidationError({"to": "The last day must not be before the first day."})
        if (day_to - day_from).days > settings.CONSULT_HORIZON_DAYS:
            raise serializers.ValidationError(
                {"to": f"Ask for at most {settings.CONSULT_HORIZON_DAYS + 1} days at a time."}
            )
        return {"tz": tz, "from": day_from, "to": day_to}


class InZoneDateTimeField(serializers.DateTimeField):
    """ISO 8601 in the zone the caller asked for (the serializer's context["tz"]), with its offset, e.g. +05:30."""

    def to_representation(self, value: datetime) -> str:
        return value.astimezone(self.context["tz"]).isoformat()  # +00:00 in UTC, as before (DRF would write Z)


@extend_schema_field(OpenApiTypes.STR)
class ZoneNameField(serializers.Field):
    """The IANA name of the zone the answer's times are in (the serializer's context["tz"])."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return str(self.context["tz"])


class SlotOutput(serializers.Serializer):
    """A free slot, in the zone asked for."""

    # Context: `tz` for the times and `expert_names` (expert id -> name), read once for the whole page.
    start = InZoneDateTimeField(help_text="ISO 8601 with the offset of the requested zone.")
    end = InZoneDateTimeField()
    expert = serializers.IntegerField(source="expert_id")
    expert_name = serializers.SerializerMethodField()

    def get_expert_name(self, slot: Slot) -> str:
        return self.context["expert_names"].get(slot.expert_id, "")


def slot_taken_response(taken: SlotTaken, tz: tzinfo) -> Response:
    """409 with the usual error body and the next free slots, in the caller's zone `tz`."""
    next_slots = SlotOutput(taken.next_slots, many=True, context={"tz": tz, "expert_names": taken.expert_names})
    return Response({**error_body(taken), "next_slots": next_slots.data}, status=taken.status)


class PublicPagination(PageNumberPagination):
    page_size = 200


class SlotPagination(PublicPagination):
    """A page of slots; the answer also names the zone its times are in."""

    def get_slot_response(self, slots: Any, tz: tzinfo) -> Response:
        response = self.get_paginated_response(slots)
        response.data["tz"] = str(tz)
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["tz"] = {"type": "string", "example": "Asia/Kolkata"}
        return paginated


class StaffPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ConsultPublicOutput(serializers.Serializer):
    """What the patient may see about their own consult, times in the zone asked for."""

    # Context: `tz` for the times.
    reference = serializers.CharField()
    manage_token = serializers.CharField()
    status = serializers.CharField()
    start = InZoneDateTimeField()
    end = InZoneDateTimeField()
    tz = ZoneNameField()
    expert = serializers.IntegerField(source="expert_id")
    expert_name = serializers.CharField(source="expert.display_name")
    topic = serializers.CharField()
    mode = serializers.CharField()
    manage_url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_manage_url(self, consult: Consult) -> str:
        return consult_manage_url(consult)

    @extend_schema_field(OpenApiTypes.URI)
    def get_ics_url(self, consult: Consult) -> str:
        return consult_ics_url(consult)


class BookingThrottled(Throttled):
    """429 whose message says, in minutes, when to try again."""

    def __init__(self, wait: float | None) -> None:
        seconds = max(1, int(wait or 60))
        APIException.__init__(self, wait_message(max(1, -(-seconds // 60))), "throttled")
        self.wait = seconds
