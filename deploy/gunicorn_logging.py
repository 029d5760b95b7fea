"""Gunicorn access log as JSON lines with nothing secret in them.

A link a patient gets by SMS (`/c/<token>/`) is a password; query strings may carry tokens too;
cookies, Referer and Authorization headers carry sessions. None of them may reach a log line, so
the atoms the access log format can use are reduced to a safe allowlist before formatting.
"""

import json
import re
import time
from typing import Any

from gunicorn.glogging import Logger, SafeAtoms

from clinic.observability import redact

# Request and response headers an access log format may name; everything else is dropped.
SAFE_REQUEST_HEADERS = {"x-request-id", "x-real-ip", "x-forwarded-for", "user-agent", "host", "content-length"}
SAFE_RESPONSE_HEADERS = {"content-type", "content-length", "x-request-id"}
# Headers kept only when they look like what they should be (an id, addresses); anything else is
# "-". They are not run through `redact`, whose phone pattern would eat digits out of hex ids.
SHAPED_HEADERS = {
    "x-request-id": re.compile(r"^[A-Za-z0-9._-]{8,64}$"),
    "x-real-ip": re.compile(r"^[0-9A-Fa-f:.]{2,45}$"),
    "x-forwarded-for": re.compile(r"^[0-9A-Fa-f:., ]{2,200}$"),
}
# Plain atoms whose values never carry a query string, a token or a cookie.
SAFE_ATOMS = {"h", "l", "t", "s", "m", "H", "b", "B", "a", "T", "D", "M", "L", "p"}


def _json_text(value: Any) -> str:
    """Escape a value for use between double quotes in a JSON log format."""
    return json.dumps(str(value), ensure_ascii=False)[1:-1]


class JsonAtoms(SafeAtoms):
    """Gunicorn's atom dict (missing atoms read as "-") without its own quote escaping: the
    values are JSON-escaped already, and escaping twice would break the JSON."""

    def __init__(self, atoms: dict[str, Any]) -> None:
        dict.__init__(self, atoms)


class RedactingLogger(Logger):
    """Gunicorn logger whose access atoms have no query strings, tokens or session headers."""

    atoms_wrapper_class = JsonAtoms

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # UTC like the application's own lines: workers run with TZ set to the clinic's zone by
        # Django, the master does not, and one log should not mix the two.
        for handler in self.error_log.handlers:
            if handler.formatter is not None:
                handler.formatter.converter = time.gmtime

    def atoms(self, resp, req, environ, request_time) -> dict[str, Any]:
        raw = super().atoms(resp, req, environ, request_time)
        path = redact(environ.get("PATH_INFO", "") or "")
        referer = raw.get("f", "-") or "-"
        safe: dict[str, Any] = {key: raw[key] for key in SAFE_ATOMS if key in raw}
        safe.update(
            {
                "U": path,
                "q": "",
                "r": f"{raw.get('m')} {path} {raw.get('H')}",
                "f": redact(referer.split("?", 1)[0]),
                "u": "-",
                "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        )
        for key, value in raw.items():
            if key.startswith("{") and key.endswith("}i") and key[1:-2] in SHAPED_HEADERS:
                safe[key] = value if SHAPED_HEADERS[key[1:-2]].match(str(value)) else "-"
            elif key.startswith("{") and key.endswith("}i") and key[1:-2] in SAFE_REQUEST_HEADERS:
                safe[key] = redact(str(value))
            elif key.startswith("{") and key.endswith("}o") and key[1:-2] in SAFE_RESPONSE_HEADERS:
                safe[key] = value
        return {key: _json_text(value) if isinstance(value, str) else value for key, value in safe.items()}


def access_log_format(node: str) -> str:
    """One JSON object per request; `node` tells which web node answered."""
    node = _json_text(node).replace("%", "%%")
    return (
        '{"ts":"%(ts)s","node":"' + node + '","request_id":"%({x-request-id}i)s","client":"%({x-real-ip}i)s",'
        '"method":"%(m)s","path":"%(U)s","status":%(s)s,"bytes":"%(b)s","ms":%(M)s,"agent":"%(a)s"}'
    )
