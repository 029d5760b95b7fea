"""Booking throttles, shared by the API (as DRF throttles) and the HTML form (through `booking_wait`).

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (`booking_ip`, `booking_phone`) and are
read when a throttle is made, so a changed setting applies at once.

Each limit is a fixed-window counter changed in one atomic step (`window_count`): on Redis one
MULTI/EXEC round trip (SET NX EX, INCR); on other caches `add` then `incr`, each atomic. DRF's own
throttles keep a pickled list per client and do GET then SET, so concurrent requests all read the
same list and all pass; a counter hands every request its own number, so exactly `limit` pass.
A fixed window lets a client spend its limit at the end of one window and again at the start of
the next (at most twice the rate over one window's length), which is enough to stop abuse.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.translation import ngettext
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from clinic.request_guards import client_address


@dataclass(frozen=True)
class WindowCount:
    count: int  # this request's number in the current window, itself included
    resets_in: float  # seconds until the window ends


def window_count(key: str, *, seconds: int, now: float) -> WindowCount:
    """Count one request under `key` in the fixed window of `seconds` containing `now`, atomically."""
    window = int(now // seconds)
    resets_in = (window + 1) * seconds - now
    window_key = f"{key}:{window}"
    ttl = math.ceil(resets_in) + 1  # the window names itself in the key; expiry only frees memory
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # Django's RedisCache.incr is EXISTS then INCR (two round trips, not atomic together);
        # one MULTI/EXEC creates the counter with its expiry if missing and increments it.
        redis_key = cache.make_and_validate_key(window_key)
        client = cache._cache.get_client(redis_key, write=True)
        pipeline = client.pipeline(transaction=True)
        pipeline.set(redis_key, 0, ex=ttl, nx=True)
        pipeline.incr(redis_key)
        return WindowCount(count=int(pipeline.execute()[1]), resets_in=resets_in)
    for _ in range(3):
        cache.add(window_key, 0, timeout=ttl)
        try:
            return WindowCount(count=cache.incr(window_key), resets_in=resets_in)
        except ValueError:
            continue  # evicted between add and incr: create it again
    # A cache that keeps nothing (DummyCache; refused in production by the deploy check): no limit.
    return WindowCount(count=1, resets_in=resets_in)


class WindowRateThrottle(SimpleRateThrottle):
    """A DRF throttle on `window_count`: `scope`'s rate, keyed by `get_cache_key`."""

    cache_format = "throttle:%(scope)s:%(ident)s"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Any) -> str:
        # The same client address as the rest of the project: X-Forwarded-For only from NUM_PROXIES.
        return client_address(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        counted = window_count(key, seconds=self.duration, now=time.time())
        self.retry_after = counted.resets_in
        return counted.count <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


def _posted(request: Any) -> Any:
    data = getattr(request, "data", None)
    if data is None:
        return request.POST
    # A JSON body may be a list or a bare value; validation answers it with a 400, not the throttle.
    return data if hasattr(data, "get") else {}


def normalised_phone(raw: Any) -> str | None:
    """The E.164 number booking validation would store for `raw`, or None when it would refuse it.

    Validation (DRF's CharField under PhoneNumberField, and the form field) takes a JSON number as
    its digits, so `9876500011` and `"98765 00011"` and `"+919876500011"` are one number and one key.
    """
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    text = str(raw).strip()
    if not text:
        return None
    try:
        number = PhoneNumber.from_string(text, region=settings.PHONENUMBER_DEFAULT_REGION)
    except NumberParseException:
        return None
    return number.as_e164 if number.is_valid() else None


class BookingIPThrottle(WindowRateThrottle):
    """Bookings per client address."""

    scope = "booking_ip"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class BookingPhoneThrottle(WindowRateThrottle):
    """Bookings per phone number, whichever address they come from."""

    scope = "booking_phone"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        phone = normalised_phone(_posted(request).get("phone"))
        if phone is None:
            return None  # invalid numbers are refused by validation anyway
        # Hash: cache keys may be visible to operators, phone numbers should not be.
        ident = hashlib.sha256(phone.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PublicReadThrottle(WindowRateThrottle):
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
    """The refusal for a throttled booking, in the page's language."""
    return ngettext(
        "Too many booking attempts. Please try again in %(count)d minute, or call the clinic.",
        "Too many booking attempts. Please try again in %(count)d minutes, or call the clinic.",
        minutes,
    ) % {"count": minutes}
