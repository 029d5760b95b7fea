"""Gunicorn's access log: one JSON object per request, without query strings, tokens or cookies."""

import datetime
import json
from types import SimpleNamespace

from gunicorn.config import Config

from deploy.gunicorn_logging import RedactingLogger, access_log_format


def access_line(
    path: str, query: str = "", headers: dict[str, str] | None = None, referer: str = ""
) -> tuple[dict, str]:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", access_log_format("web-1"))
    logger = RedactingLogger(config)
    lines: list[str] = []
    logger.access_log.info = lambda fmt, atoms: lines.append(fmt % atoms)
    headers = {
        "X-Request-ID": "req-12345678",
        "X-Real-IP": "203.0.113.5",
        "User-Agent": "TwilioProxy/1.1",
        "Cookie": "sessionid=s3cr3tsession",
        "Authorization": "Basic c2VjcmV0",
        **(headers or {}),
    }
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}" if query else path,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
        "HTTP_COOKIE": headers["Cookie"],
    }
    request = SimpleNamespace(headers=list(headers.items()))
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("Content-Type", "text/html")])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=42))
    assert len(lines) == 1
    return json.loads(lines[0]), lines[0]


def test_access_line_is_json_with_node_request_id_and_timing():
    line, _ = access_line("/healthz")
    assert line["node"] == "web-1"
    assert line["request_id"] == "req-12345678"
    assert line["client"] == "203.0.113.5"
    assert (line["method"], line["path"], line["status"], line["ms"]) == ("GET", "/healthz", 200, 42)


def test_manage_link_token_in_path_is_redacted():
    line, raw = access_line("/c/Zk3q9vT2xLmN8pQr/cancel/")
    assert line["path"] == "/c/[token]/cancel/"
    assert "Zk3q9vT2xLmN8pQr" not in raw


def test_query_string_never_reaches_the_log():
    _, raw = access_line("/book/", query="token=Zk3q9vT2xLmN8pQr&phone=%2B919812345678")
    assert "Zk3q9vT2xLmN8pQr" not in raw
    assert "token=" not in raw
    assert "9812345678" not in raw


def test_cookies_authorization_and_referer_query_are_dropped():
    _, raw = access_line("/", referer="https://clinic.example.org/c/Zk3q9vT2xLmN8pQr/?t=abc")
    assert "s3cr3tsession" not in raw
    assert "c2VjcmV0" not in raw
    assert "Zk3q9vT2xLmN8pQr" not in raw


def test_quotes_in_a_path_keep_the_line_valid_json():
    line, _ = access_line('/search/"quoted"\\path')
    assert line["path"] == '/search/"quoted"\\path'


def test_request_id_with_long_digit_runs_is_kept_whole():
    line, _ = access_line("/", headers={"X-Request-ID": "4feb2a2c08124922681df39e2c7a9bd2"})
    assert line["request_id"] == "4feb2a2c08124922681df39e2c7a9bd2"


def test_forged_request_id_and_client_headers_are_dropped():
    line, _ = access_line("/", headers={"X-Request-ID": "call me +919812345678", "X-Real-IP": "<script>"})
    assert (line["request_id"], line["client"]) == ("-", "-")


def test_gunicorn_error_log_times_are_utc():
    import time

    config = Config()
    logger = RedactingLogger(config)
    assert all(handler.formatter.converter is time.gmtime for handler in logger.error_log.handlers)
