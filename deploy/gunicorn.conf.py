"""Gunicorn settings for a CareThread web node: `gunicorn config.wsgi -c deploy/gunicorn.conf.py`.

Every value can be overridden from the environment (the systemd unit reads the same env file as
Django). Defaults suit one node behind nginx (deploy/nginx/carethread.conf).
"""

import multiprocessing
import os
import socket
import sys
from pathlib import Path

# absolute(), not resolve(): under /srv/carethread/current (a symlink) the path names the release.
PROJECT_ROOT = Path(__file__).absolute().parent.parent
# The logger class below lives in this repository; make it importable whatever the cwd.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from deploy.gunicorn_logging import RedactingLogger  # noqa: E402
from deploy.gunicorn_logging import access_log_format as access_log_format_for  # noqa: E402


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name}={raw!r} is not a whole number.") from exc


chdir = str(PROJECT_ROOT)
wsgi_app = "config.wsgi:application"
proc_name = "carethread-web"

# Several addresses may be given, comma-separated (e.g. "10.0.0.11:8000,127.0.0.1:8000").
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address]

# Sync workers: each request holds one process, and nginx buffers slow clients in front of them,
# so the classic (2 x cores) + 1 keeps the CPU busy while some workers wait on PostgreSQL.
workers = _env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# Twilio gives up on a webhook after ~15 s; nothing CareThread serves should take longer than that.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM/HUP, requests in flight get this long to finish before workers are killed.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# The master imports and warms the app once (config/wsgi.py runs config/warmup.py) and forks
# workers from it, so neither a new nor a recycled worker pays import costs in a request. Code
# upgrades are a restart, not a HUP (deploy/README.md), so preloading costs nothing there.
preload_app = True
# Recycle workers now and then so a slow leak never grows without bound; jitter avoids all at once.
# Rare enough (and cheap with preload_app: a fork) that recycling never shows in the p95.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10

# nginx on the same host is trusted for X-Forwarded-* by default; list the proxies' addresses when
# nginx runs elsewhere. (Django reads X-Forwarded-Proto itself via SECURE_PROXY_SSL_HEADER: the web
# port must only be reachable from the proxies — see deploy/README.md.)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Heartbeat files on tmpfs: a worker blocked on a slow disk must not look dead.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)

# gunicornc's control socket: only where asked for (the systemd unit puts it in its runtime
# directory). Its default, ~/.gunicorn/gunicorn.ctl, is one path shared by every node on a host.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Logs: stdout/stderr by default (journald under systemd); file paths when set.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = RedactingLogger
access_log_format = access_log_format_for(os.environ.get("GUNICORN_NODE_NAME") or socket.gethostname())
