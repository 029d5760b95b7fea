"""Booking throttles, shared by the API (as DRF throttles) and the HTML form (through `booking_wait`).

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (`booking_ip`, `booking_phone`) and are
read when a throttle is made, so a changed setting applies at once.
"""

import hashlib
import math
from typing import Any

from django.http import HttpRequest
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


def _posted(request: Any) -> Any:
    data = getattr(request, "data", None)
    if data is None:
        return request.POST
    # A JSON body may be a list or a bare value; validation answers it with a 400, not the throttle.
    return data if hasattr(data, "get") else {}


def normalised_phone(raw: Any) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        number = PhoneNumber.from_string(raw, region="IN")
    except NumberParseException:
        return None
    return number.as_e164 if number.is_valid() else None


class BookingIPThrottle(_SettingsRateThrottle):
    """Bookings per client address."""

    scope = "booking_ip"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class BookingPhoneThrottle(_SettingsRateThrottle):
    """Bookings per phone number, whichever address they come from."""

    scope = "booking_phone"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        phone = normalised_phone(_posted(request).get("phone"))
        if phone is None:
            return None  # invalid numbers are refused by validation anyway
        # Hash: cache keys may be visible to operators, phone numbers should not be.
        ident = hashlib.sha256(phone.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PublicReadThrottle(_SettingsRateThrottle):
    scope = "public_read"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


BOOKING_THROTTLES = (BookingIPThrottle, BookingPhoneThrottle)


def booking_wait(request: HttpRequest) -> int | None:
    """For the HTML form: None when the booking may go ahead, else whole minutes to wait."""
    waits = []
    for throttle_class in BOOKING_THROTTLES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 60)
    if not waits:
        return None
    return max(1, math.ceil(max(waits) / 60))


def wait_message(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many booking attempts. Please try again in {minutes} {unit}, or call the clinic."
