"""Fields and output shapes shared by the public and staff consult APIs."""

from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import APIException, Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from config.api_errors import error_body
from consults.errors import SlotTaken
from consults.models import Consult
from consults.services import consult_ics_url, consult_manage_url
from consults.slots import Slot
from consults.throttles import wait_message
from patients.timezones import EARLIEST_DATE, LATEST_DATE, is_plausible_date, plausible_instant, zone_or_none


class TimeZoneField(serializers.CharField):
    """An IANA zone name such as Asia/Kolkata, returned as a ZoneInfo."""

    default_error_messages = {"invalid_zone": "Unknown time zone: use a name like Asia/Kolkata or Europe/London."}

    def to_internal_value(self, data: Any) -> ZoneInfo:
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


class SlotPagination(PageNumberPagination):
    page_size = 200


class StaffPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def slot_json(slot: Slot, tz: tzinfo, expert_names: dict[int, str]) -> dict[str, Any]:
    return {
        "start": slot.start.astimezone(tz).isoformat(),
        "end": slot.end.astimezone(tz).isoformat(),
        "expert": slot.expert_id,
        "expert_name": expert_names.get(slot.expert_id, ""),
    }


def slots_json(slots: list[Slot], tz: tzinfo, expert_names: dict[int, str]) -> list[dict[str, Any]]:
    return [slot_json(slot, tz, expert_names) for slot in slots]


def slot_taken_response(taken: SlotTaken, tz: tzinfo) -> Response:
    """409 with the usual error body and the next free slots, in the caller's zone `tz`."""
    body = {**error_body(taken), "next_slots": slots_json(taken.next_slots, tz, taken.expert_names)}
    return Response(body, status=taken.status)


class SlotOutput(serializers.Serializer):
    """Schema of one slot (the views build the dicts directly for speed)."""

    start = serializers.DateTimeField(help_text="ISO 8601 with the offset of the requested zone.")
    end = serializers.DateTimeField()
    expert = serializers.IntegerField()
    expert_name = serializers.CharField()


def consult_public_json(consult: Consult, tz: tzinfo) -> dict[str, Any]:
    """What the patient may see about their own consult."""
    return {
        "reference": consult.reference,
        "manage_token": consult.manage_token,
        "status": consult.status,
        "start": consult.start.astimezone(tz).isoformat(),
        "end": consult.end.astimezone(tz).isoformat(),
        "tz": str(tz),
        "expert": consult.expert_id,
        "expert_name": consult.expert.display_name,
        "topic": consult.topic,
        "mode": consult.mode,
        "manage_url": consult_manage_url(consult),
        "ics_url": consult_ics_url(consult),
    }


class ConsultPublicOutput(serializers.Serializer):
    reference = serializers.CharField()
    manage_token = serializers.CharField()
    status = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    tz = serializers.CharField()
    expert = serializers.IntegerField()
    expert_name = serializers.CharField()
    topic = serializers.CharField()
    mode = serializers.CharField()
    manage_url = serializers.URLField()
    ics_url = serializers.URLField()


class BookingThrottled(Throttled):
    """429 whose message says, in minutes, when to try again."""

    def __init__(self, wait: float | None) -> None:
        seconds = max(1, int(wait or 60))
        APIException.__init__(self, wait_message(max(1, -(-seconds // 60))), "throttled")
        self.wait = seconds
