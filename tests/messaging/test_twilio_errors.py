"""Which Twilio answers are retried: the real SDK against a tiny stub server answering as Twilio
does when things go wrong (rate limits, outages, refused numbers, a hung connection)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from messaging import twilio_client
from messaging.backends import OutboundSend, PermanentSendError, TransientSendError, TwilioBackend
from tests.messaging.conftest import free_port

OUTBOUND = OutboundSend(message_id=1, channel="sms", to="+919876500001", body="Hello")


class Stub(BaseHTTPRequestHandler):
    status = 201
    body: dict = {}
    delay = 0.0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(type(self).delay)
        payload = json.dumps(type(self).body).encode()
        try:
            self.send_response(type(self).status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def stub_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def stub(settings, stub_server):
    settings.TWILIO_API_BASE_URL = stub_server
    settings.TWILIO_HTTP_TIMEOUT = 0.5
    twilio_client._client.cache_clear()
    yield Stub
    Stub.status, Stub.body, Stub.delay = 201, {}, 0.0
    twilio_client._client.cache_clear()


@pytest.fixture(autouse=True)
def sender(settings):
    settings.TWILIO_SMS_FROM = "+14155550100"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""


def answer(stub, status, code=None, message="error"):
    stub.status = status
    stub.body = {"code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors", "status": status}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (21211, "not valid"),
        (21610, "unsubscribed"),
        (21614, "not a mobile phone"),
        (21408, "not allowed to send"),
        (63016, "approved template"),
    ],
)
def test_permanent_twilio_errors_are_not_retried_and_explained(stub, code, words):
    answer(stub, 400, code, "The 'To' number +919876500001 is not valid.")
    with pytest.raises(PermanentSendError) as caught:
        TwilioBackend().send(OUTBOUND)
    assert caught.value.code == str(code)
    assert words in caught.value.reason


def test_unknown_client_error_is_permanent_and_never_quotes_the_phone_number(stub):
    answer(stub, 400, 21999, "Something about +919876500001 went wrong")
    with pytest.raises(PermanentSendError) as caught:
        TwilioBackend().send(OUTBOUND)
    assert "+919876500001" not in caught.value.reason
    assert "21999" in caught.value.reason


@pytest.mark.parametrize(("status", "code"), [(429, 20429), (400, 21611), (401, 20003)])
def test_rate_limits_full_queues_and_credentials_are_retried_without_doubt(stub, status, code):
    answer(stub, status, code)
    with pytest.raises(TransientSendError) as caught:
        TwilioBackend().send(OUTBOUND)
    assert not caught.value.ambiguous


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_after_asking_whether_the_message_went(stub, status):
    answer(stub, status)
    with pytest.raises(TransientSendError) as caught:
        TwilioBackend().send(OUTBOUND)
    assert caught.value.ambiguous


def test_a_timeout_is_retried_after_asking_whether_the_message_went(stub):
    stub.delay = 0.8
    with pytest.raises(TransientSendError) as caught:
        TwilioBackend().send(OUTBOUND)
    assert caught.value.code == "network"
    assert caught.value.ambiguous


def test_a_refused_connection_is_retried_without_doubt(settings):
    settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{free_port()}"
    twilio_client._client.cache_clear()
    try:
        with pytest.raises(TransientSendError) as caught:
            TwilioBackend().send(OUTBOUND)
    finally:
        twilio_client._client.cache_clear()
    assert not caught.value.ambiguous


def test_no_sender_configured_is_a_permanent_configuration_error(settings):
    settings.TWILIO_SMS_FROM = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    with pytest.raises(PermanentSendError) as caught:
        TwilioBackend().send(OUTBOUND)
    assert caught.value.code == "config"


def test_client_has_an_explicit_timeout_and_rewrites_only_scheme_and_host(settings):
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:4010"
    settings.TWILIO_HTTP_TIMEOUT = 7
    twilio_client._client.cache_clear()
    try:
        http = twilio_client.twilio_client().http_client
    finally:
        twilio_client._client.cache_clear()
    assert http.timeout == 7
    assert isinstance(http, twilio_client.BaseUrlHttpClient)
