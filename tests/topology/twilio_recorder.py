"""A recording front for the Twilio contract mock: `python -m tests.topology.twilio_recorder`.

Prism checks each request against Twilio's OpenAPI description, but it answers every send with
the same example SID and keeps no record. The topology puts this small proxy in front of it so
that a test can prove how many times the application really called the Messages API:
- every send is forwarded to Prism unchanged, so the spec still judges it;
- a created Message gets a fresh, well-formed SID (`SM` + 32 hex) instead of the example, and
  echoes the To, From and Body it was sent with, as Twilio would;
- listing Messages (`GET …/Messages.json?To=…`, which the app uses to reconcile a send whose
  answer it never got) is answered here with the messages created to that number, newest first,
  as Twilio would: Prism cannot answer it (its example page fails the spec's own schema);
- one JSON line per request goes to the log file: method, path, form fields, status, SID.
"""

import argparse
import datetime as dt
import email.utils
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FORWARDED_HEADERS = ("Authorization", "Content-Type", "Accept", "User-Agent")


def make_handler(upstream: str, log_path: Path) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()
    created: list[dict] = []  # every message "Twilio" took, oldest first

    def remember(document: dict, form: dict[str, str]) -> str:
        document.update(
            sid="SM" + uuid.uuid4().hex,
            to=form.get("To", document.get("to")),
            body=form.get("Body", ""),
            status="queued",
            direction="outbound-api",
            date_created=email.utils.format_datetime(dt.datetime.now(dt.UTC).replace(microsecond=0)),
        )
        document["from"] = form.get("From", document.get("from"))
        with lock:
            created.append(dict(document))
        return document["sid"]

    def listing(document: dict, query: dict[str, list[str]]) -> None:
        to = (query.get("To") or [""])[-1]
        size = int((query.get("PageSize") or ["50"])[-1])
        with lock:
            found = [message for message in reversed(created) if not to or message["to"] == to][:size]
        document.update(
            messages=found,
            page=0,
            page_size=size,
            start=0,
            end=max(len(found) - 1, 0),
            next_page_uri=None,
            previous_page_uri=None,
        )

    class RecordingHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._forward()

        def do_POST(self) -> None:
            self._forward()

        def do_DELETE(self) -> None:
            self._forward()

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = urllib.request.Request(upstream + self.path, data=body or None, method=self.command)
            for name in FORWARDED_HEADERS:
                if self.headers.get(name):
                    request.add_header(name, self.headers[name])
            path, _, query = self.path.partition("?")
            content_type: str | None
            if self.command == "GET" and path.endswith("/Messages.json"):
                # Prism cannot answer a list: the spec's own example fails its schema under --errors
                # (HTTP 500). Answer from what was recorded, as Twilio would.
                status, payload, content_type = 200, b"{}", "application/json"
            else:
                try:
                    with urllib.request.urlopen(request, timeout=20) as answer:  # loopback Prism only
                        status, payload = answer.status, answer.read()
                        content_type = answer.headers.get("Content-Type")
                except urllib.error.HTTPError as error:
                    status, payload, content_type = error.code, error.read(), error.headers.get("Content-Type")
            fields = urllib.parse.parse_qs(body.decode(errors="replace"), keep_blank_values=True)
            form = {key: values[-1] for key, values in fields.items()}
            sid = None
            if path.endswith("/Messages.json") and status in (200, 201):
                document = json.loads(payload)
                if self.command == "POST":
                    sid = remember(document, form)
                else:
                    document["uri"] = self.path
                    listing(document, urllib.parse.parse_qs(query))
                payload = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type or "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            line = {
                "method": self.command,
                "path": self.path,
                "form": form,
                "status": status,
                "sid": sid,
            }
            with lock, log_path.open("a") as log:
                log.write(json.dumps(line) + "\n")

        def log_message(self, format: str, *args) -> None:  # the JSON log above is the record
            return

    return RecordingHandler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="Prism's base URL, e.g. http://127.0.0.1:4010")
    parser.add_argument("--log", type=Path, required=True)
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), make_handler(options.upstream.rstrip("/"), options.log))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
