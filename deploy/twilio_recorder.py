"""A recording front for the Twilio contract mock: `python -m deploy.twilio_recorder`.

Prism checks each request against Twilio's OpenAPI description, but it answers every send with
the same example SID and keeps no record. The topology puts this small proxy in front of it so
that a test can prove how many times the application really called the Messages API:
- every request is forwarded to Prism unchanged and Prism's answer is returned;
- a created Message gets a fresh, well-formed SID (`SM` + 32 hex) instead of the example, as
  Twilio would give;
- one JSON line per request goes to the log file: method, path, form fields, status, SID.
"""

import argparse
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
            try:
                with urllib.request.urlopen(request, timeout=20) as answer:  # loopback Prism only
                    status, payload, content_type = answer.status, answer.read(), answer.headers.get("Content-Type")
            except urllib.error.HTTPError as error:
                status, payload, content_type = error.code, error.read(), error.headers.get("Content-Type")
            sid = None
            if self.command == "POST" and self.path.endswith("/Messages.json") and status == 201:
                document = json.loads(payload)
                sid = document["sid"] = "SM" + uuid.uuid4().hex
                payload = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type or "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            fields = urllib.parse.parse_qs(body.decode(errors="replace"), keep_blank_values=True)
            line = {
                "method": self.command,
                "path": self.path,
                "form": {key: values[-1] for key, values in fields.items()},
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
