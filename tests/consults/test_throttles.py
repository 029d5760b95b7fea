"""Booking throttles: one atomic counter per limit, keyed by the normalised phone and the trusted address."""

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from clinic.request_guards import client_address
from consults.throttles import BookingIPThrottle, normalised_phone, window_count
from tests.consults.test_api_public import booking_body, post_booking
from tests.factories.consults import ExpertFactory
from tests.topology.processes import free_port, redis_server_args

THREADS = 20


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


@pytest.fixture
def redis_cache(settings, tmp_path) -> Iterator[None]:
    """A throwaway redis-server on a free port as the default cache (as production has it)."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing: run `make prod-tools`.")
        pytest.skip("redis-server is missing (`make prod-tools` installs it); CI=true fails instead.")
    port = free_port()
    process = subprocess.Popen(
        redis_server_args(port, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start within 10 s.")
                time.sleep(0.05)
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            }
        }
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def concurrent_allowed(limit: int) -> int:
    """THREADS requests from one address, released together; how many the throttle let through."""
    barrier = threading.Barrier(THREADS)
    request = RequestFactory().post("/api/v1/consults/", REMOTE_ADDR="10.1.1.1")
    results: list[bool] = []

    def attempt() -> None:
        throttle = BookingIPThrottle()
        barrier.wait()
        results.append(throttle.allow_request(request, None))

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == THREADS
    return sum(results)


# --- one atomic counter per limit -------------------------------------------------------------


def test_concurrent_requests_never_pass_the_limit_on_locmem(rates):
    rates(booking_ip="5/hour")
    assert concurrent_allowed(5) == 5


def test_concurrent_requests_never_pass_the_limit_on_redis(rates, redis_cache):
    rates(booking_ip="5/hour")
    assert concurrent_allowed(5) == 5


def test_each_request_gets_its_own_number_on_redis(redis_cache):
    counts = [window_count("throttle:test:x", seconds=3600, now=7200.5).count for _ in range(3)]
    assert counts == [1, 2, 3]


def test_the_redis_counter_expires_with_its_window(redis_cache):
    window_count("throttle:test:x", seconds=60, now=time.time())
    cache = caches["default"]
    client = cache._cache.get_client()
    [key] = client.keys("*throttle:test:x:*")
    assert 0 < client.ttl(key) <= 61


def test_a_new_window_starts_a_new_count():
    assert window_count("throttle:test:y", seconds=60, now=120.0).count == 1
    assert window_count("throttle:test:y", seconds=60, now=179.9).count == 2
    assert window_count("throttle:test:y", seconds=60, now=180.0).count == 1


def test_the_wait_is_the_rest_of_the_window():
    assert window_count("throttle:test:z", seconds=3600, now=3600 * 5 + 600).resets_in == 3000


# --- the phone key is the number booking validation stores -------------------------------------


@pytest.mark.parametrize(
    "raw", [9876500011, "9876500011", "98765 00011", "+91 98765 00011", "09876500011", " +919876500011 "]
)
def test_every_form_of_one_number_gives_one_key(raw):
    assert normalised_phone(raw) == "+919876500011"


@pytest.mark.parametrize("raw", [True, None, [9876500011], {"n": 1}, "", "not a phone", 12])
def test_what_validation_refuses_gives_no_key(raw):
    assert normalised_phone(raw) is None


@pytest.mark.django_db
def test_a_phone_sent_as_a_json_number_is_limited_like_the_string(client, frozen, rates):
    rates(booking_ip="100/hour", booking_phone="5/hour")
    expert = ExpertFactory()
    statuses = []
    for index in range(8):
        body = booking_body(
            expert, phone=9876500011 if index % 2 else "+91 98765 00011", start=f"2026-12-02T{10 + index}:00:00+05:30"
        )
        statuses.append(post_booking(client, body).status_code)
    assert statuses.count(429) == 3
    assert statuses[5:] == [429, 429, 429]


@pytest.mark.django_db
def test_the_limit_lifts_when_the_window_ends(client, frozen, rates):
    rates(booking_ip="100/hour", booking_phone="1/hour")
    expert = ExpertFactory()
    assert post_booking(client, booking_body(expert, phone=9876500011)).status_code == 201
    refused = post_booking(client, booking_body(expert, phone=9876500011, start="2026-12-02T11:00:00+05:30"))
    assert refused.status_code == 429
    frozen.shift(int(refused["Retry-After"]))
    again = post_booking(client, booking_body(expert, phone=9876500011, start="2026-12-02T11:00:00+05:30"))
    assert again.status_code == 201


# --- the client address is what the trusted proxies say ---------------------------------------


@pytest.mark.parametrize(
    ("proxies", "peer", "forwarded_for", "address"),
    [
        pytest.param(
            0, "203.0.113.5", "198.51.100.1", "203.0.113.5", id="without proxies a forwarded header is ignored"
        ),
        pytest.param(
            1,
            "127.0.0.1",
            "198.51.100.1, 203.0.113.5",
            "203.0.113.5",
            id="behind one proxy the address it appended counts",
        ),
        pytest.param(1, "203.0.113.5", None, "203.0.113.5", id="behind one proxy without the header the peer counts"),
    ],
)
def test_the_client_address_is_what_the_trusted_proxies_say(settings, proxies, peer, forwarded_for, address):
    settings.NUM_PROXIES = proxies
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    assert client_address(RequestFactory().get("/", REMOTE_ADDR=peer, **headers)) == address


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_escape_the_address_limit(client, frozen, rates, settings):
    settings.NUM_PROXIES = 0
    rates(booking_ip="1/hour", booking_phone="100/hour")
    expert = ExpertFactory()
    first = post_booking(client, booking_body(expert), X_FORWARDED_FOR="198.51.100.1")
    second = post_booking(
        client,
        booking_body(expert, phone="+919876500002", start="2026-12-02T11:00:00+05:30"),
        X_FORWARDED_FOR="198.51.100.2",
    )
    assert first.status_code == 201
    assert second.status_code == 429


@pytest.mark.django_db
def test_the_audit_trail_records_the_trusted_address(settings):
    from patients.audit import client_ip

    settings.NUM_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP="198.51.100.1")
    assert client_ip(request) == "203.0.113.5"
