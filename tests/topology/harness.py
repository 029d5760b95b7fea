"""The production topology on loopback: nginx -> two gunicorn web nodes -> PostgreSQL, Redis,
two django-q2 clusters, and Prism as the Twilio API.

Used by the topology test (`make e2e-prod`), the load run (`make bench-prod`), and by hand:
`python -m tests.topology.harness` starts everything and prints the URL until Ctrl-C.

Everything is a child of this process (see tests/topology/processes.py) and is stopped in `stop()`,
which `with Topology(...)` always reaches, even when starting fails half-way.
"""

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psycopg
import requests
from requests.adapters import HTTPAdapter

from tests.topology.nginx_render import SiteValues, render_main, render_site
from tests.topology.processes import (
    ManagedProcess,
    ProcessFailed,
    free_port,
    port_open,
    redis_server_args,
    self_signed_certificate,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRISM = PROJECT_ROOT / "node_modules" / ".bin" / "prism"
LOCK_FILE = Path(tempfile.gettempdir()) / "carethread-topology.lock"
# Test credentials only: the account SID has the shape Prism's contract checks (AC + 32 hex).
TWILIO_TEST_SID = "AC" + "e2e0" * 8
TWILIO_TEST_TOKEN = "topology-test-auth-token-not-a-real-secret"
TWILIO_TEST_SMS_FROM = "+15005550006"
TWILIO_TEST_WHATSAPP_FROM = "whatsapp:+14155238886"


class ServiceMissing(RuntimeError):
    """A program or server the topology needs is not on this machine."""


def twilio_spec() -> Path:
    """Twilio's Messages spec, copied into the repository (tests/contract/twilio-oai/), or TWILIO_OAI_DIR."""
    override = os.environ.get("TWILIO_OAI_DIR")
    folder = Path(override) if override else PROJECT_ROOT / "tests" / "contract" / "twilio-oai"
    if (folder / "twilio_messages_v2010.json").is_file():
        return folder / "twilio_messages_v2010.json"
    raise ServiceMissing(f"twilio_messages_v2010.json not found in {folder} (set TWILIO_OAI_DIR)")


def missing_services(pg_admin_url: str) -> list[str]:
    """What this machine lacks to run the topology; empty when everything is there."""
    missing = [tool for tool in ("nginx", "redis-server", "openssl") if shutil.which(tool) is None]
    if not PRISM.exists():
        missing.append("prism (npm install)")
    try:
        twilio_spec()
    except ServiceMissing as exc:
        missing.append(str(exc))
    try:
        psycopg.connect(pg_admin_url, connect_timeout=3).close()
    except psycopg.Error as exc:
        missing.append(f"PostgreSQL at {pg_admin_url} ({str(exc).strip()})")
    return missing


class SourceAddressAdapter(HTTPAdapter):
    """Send from a chosen loopback address (127.0.0.2 is exempt from nginx's rate limits here)."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        self.source = (source, 0)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = self.source
        super().init_poolmanager(*args, **kwargs)


@dataclass
class TopologySettings:
    database: str = "carethread_e2e"
    pg_admin_url: str = os.environ.get("E2E_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    web_nodes: int = 2
    gunicorn_workers: int = 2
    worker_nodes: int = 2
    q_workers: int = 2
    # Loopback addresses nginx does not rate-limit (load generators bind to them).
    exempt_addresses: list[str] = field(default_factory=lambda: ["127.0.0.2"])
    zone_rates: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    keep_workdir: bool = False


class Topology:
    """Start with `with Topology(TopologySettings()) as topo:`; everything stops on exit."""

    def __init__(self, settings: TopologySettings | None = None) -> None:
        self.settings = settings or TopologySettings()
        self.workdir = Path(tempfile.mkdtemp(prefix="carethread-topology-"))
        # nginx workers run as `nobody` when started by root: they must be able to read static files.
        self.workdir.chmod(0o755)
        self.logs = self.workdir / "logs"
        self.logs.mkdir()
        self.static_root = self.workdir / "static"
        self.media_root = self.workdir / "media"
        self.secret_key = secrets.token_urlsafe(50)
        self.ports = {
            "redis": free_port(),
            "prism": free_port(),
            "twilio": free_port(),  # tests/topology/twilio_recorder.py in front of Prism
            "http": free_port(),
            "https": free_port(),
            **{f"web-{n}": free_port() for n in range(self.settings.web_nodes)},
        }
        self.web: list[ManagedProcess] = []
        self.workers: list[ManagedProcess] = []
        self.services: list[ManagedProcess] = []  # redis, prism, nginx
        self.nginx: ManagedProcess | None = None
        self.certificate = self.workdir / "tls" / "cert.pem"
        self._lock_handle: IO[str] | None = None
        self._database_created = False
        self.failed = False
        self.env = self._environment()

    # --- addresses -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.ports['https']}"

    @property
    def database_url(self) -> str:
        admin = self.settings.pg_admin_url.rsplit("/", 1)[0]
        return f"{admin}/{self.settings.database}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def web_port(self, node: int) -> int:
        return self.ports[f"web-{node}"]

    def session(self, source_address: str | None = None) -> requests.Session:
        """An HTTPS client that trusts the topology's own certificate."""
        session = requests.Session()
        # Loopback only: no proxies, and no REQUESTS_CA_BUNDLE overriding our own certificate.
        session.trust_env = False
        session.verify = str(self.certificate)
        if source_address:
            adapter = SourceAddressAdapter(source_address, pool_maxsize=32)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        return session

    # --- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> "Topology":
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.failed = self.failed or exc_type is not None
        self.stop()

    def start(self) -> None:
        missing = missing_services(self.settings.pg_admin_url)
        if missing:
            raise ServiceMissing("; ".join(missing))
        self._take_lock()
        try:
            self._start()
        except BaseException:
            self.failed = True
            self.stop()
            raise

    def _start(self) -> None:
        self._start_redis_and_prism()
        self._create_database()
        for step in (("migrate", "--no-input"), ("collectstatic", "--no-input", "-v", "0")):
            self.manage(*step, check=True, timeout=300)
        self.manage("check", "--deploy", "--fail-level", "WARNING", check=True)
        self._make_certificate()
        for node in range(self.settings.web_nodes):
            self.web.append(self._web_process(node))
            self.web[-1].start()
        for node in range(self.settings.worker_nodes):
            self.workers.append(self._worker_process(node))
            self.workers[-1].start()
        self._start_nginx()
        for node in range(self.settings.web_nodes):
            self.wait_web_node(node)
        for node in range(self.settings.worker_nodes):
            self.wait_worker(node)
        assert self.nginx is not None
        self.nginx.wait_until(lambda: self._healthy(self.url("/healthz")), timeout=20, what="nginx answering /healthz")

    def stop(self) -> list[int]:
        """Stop every process and drop the database; returns pids left alive (should be none)."""
        for process in [*([self.nginx] if self.nginx else []), *self.web, *self.workers, *self.services]:
            with contextlib.suppress(Exception):
                process.stop()
        if self._database_created:
            with contextlib.suppress(psycopg.Error):
                self._admin_execute(f'DROP DATABASE IF EXISTS "{self.settings.database}" WITH (FORCE)')
                self._database_created = False
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None
        if self.failed or self.settings.keep_workdir:
            print(f"topology logs kept in {self.logs}", file=sys.stderr)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return self.leftover_pids()

    def all_processes(self) -> list[ManagedProcess]:
        return [*([self.nginx] if self.nginx else []), *self.web, *self.workers, *self.services]

    def leftover_pids(self) -> list[int]:
        return sorted(pid for process in self.all_processes() for pid in process.leftovers())

    def open_ports(self) -> list[str]:
        return [name for name, port in self.ports.items() if port_open(port)]

    # --- web and worker nodes ----------------------------------------------------------------
    def kill_web_node(self, node: int) -> None:
        """SIGKILL a gunicorn master and its workers: in-flight requests die with it."""
        self.web[node].kill()

    def restart_web_node(self, node: int, *, graceful: bool = True) -> None:
        """SIGTERM (requests in flight finish) or SIGKILL, then start again and wait until healthy."""
        if graceful:
            self.web[node].stop()
        else:
            self.web[node].kill()
        self.start_web_node(node)

    def start_web_node(self, node: int) -> None:
        self.web[node].start()
        self.wait_web_node(node)

    def wait_web_node(self, node: int) -> None:
        url = f"http://127.0.0.1:{self.web_port(node)}/healthz"
        self.web[node].wait_until(lambda: self._healthy(url), timeout=60, what="gunicorn answering /healthz")

    def kill_worker(self, node: int) -> None:
        self.workers[node].kill()

    def start_worker(self, node: int) -> None:
        self.workers[node].start()
        self.wait_worker(node)

    def wait_worker(self, node: int) -> None:
        process = self.workers[node]
        # django-q2 logs "Q Cluster <name> running." once its sentinel, pusher and workers are up.
        process.wait_until(lambda: " running." in process.log_since_start(), timeout=60, what="qcluster running")

    # --- reading what happened ---------------------------------------------------------------
    def web_access_log(self, node: int) -> list[dict[str, Any]]:
        return _json_lines(self.logs / f"web-{node}.access.log")

    def twilio_requests(self) -> list[dict[str, Any]]:
        """Every call the application made to the (mock) Twilio API, in order."""
        return _json_lines(self.logs / "twilio-api.jsonl")

    def nginx_access_log(self) -> list[dict[str, Any]]:
        return _json_lines(self.logs / "nginx.access.log")

    def manage(self, *args: str, check: bool = False, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a management command against the topology's database and broker."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise ProcessFailed(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def sql(self, query: str, params: tuple | dict | None = None) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            cursor = connection.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    # --- internals ---------------------------------------------------------------------------
    def _environment(self) -> dict[str, str]:
        """Production settings, nothing inherited from the caller's Django/Twilio environment."""
        env = {key: os.environ[key] for key in ("PATH", "HOME", "TMPDIR") if key in os.environ}
        env.update(
            {
                "LANG": "C.UTF-8",
                "PYTHONUNBUFFERED": "1",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": self.secret_key,
                "DATABASE_URL": self.database_url,
                "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
                "NUM_PROXIES": "1",  # nginx in front, as deploy/carethread.env.example sets it
                "PUBLIC_BASE_URL": self.base_url,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "STATIC_ROOT": str(self.static_root),
                "MEDIA_ROOT": str(self.media_root),
                "TIME_ZONE": "Asia/Kolkata",
                "CLINIC_NAME": "CareThread Topology Clinic",
                "CLINIC_PHONE": "+91 80 4000 1234",
                "CLINIC_WHATSAPP": "+918040001234",
                "MESSAGING_BACKEND": "twilio",
                "TWILIO_ACCOUNT_SID": TWILIO_TEST_SID,
                "TWILIO_AUTH_TOKEN": TWILIO_TEST_TOKEN,
                "TWILIO_SMS_FROM": TWILIO_TEST_SMS_FROM,
                "TWILIO_WHATSAPP_FROM": TWILIO_TEST_WHATSAPP_FROM,
                "TWILIO_MESSAGING_SERVICE_SID": "",
                "TWILIO_API_BASE_URL": f"http://127.0.0.1:{self.ports['twilio']}",
                "Q_WORKERS": str(self.settings.q_workers),
                # Quiet hours off (equal start and end): the scenario must not depend on the hour.
                "MESSAGING_QUIET_HOURS_START": "00:00",
                "MESSAGING_QUIET_HOURS_END": "00:00",
                "LOG_LEVEL": "INFO",
            }
        )
        env.update(self.settings.extra_env)
        return env

    def _take_lock(self) -> None:
        """One topology per machine at a time: they share the database name."""
        handle = open(LOCK_FILE, "w")  # noqa: SIM115  (held until stop())
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise ServiceMissing(f"another topology is running on this machine ({LOCK_FILE} is locked)") from None
        self._lock_handle = handle

    def database_exists(self) -> bool:
        with psycopg.connect(self.settings.pg_admin_url) as connection:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            return connection.execute(query, [self.settings.database]).fetchone() is not None

    def _admin_execute(self, statement: str) -> None:
        with psycopg.connect(self.settings.pg_admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def _create_database(self) -> None:
        name = self.settings.database
        self._admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin_execute(f'CREATE DATABASE "{name}"')
        self._database_created = True

    def _process(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> ManagedProcess:
        return ManagedProcess(name, argv, env=env or self.env, cwd=PROJECT_ROOT, log_path=self.logs / f"{name}.log")

    def _start_redis_and_prism(self) -> None:
        redis = self._process(
            "redis",
            [*redis_server_args(self.ports["redis"], self.workdir), "--daemonize", "no", "--loglevel", "warning"],
        )
        prism = self._process(
            "prism",
            [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(self.ports["prism"]), "--errors", str(twilio_spec())],
        )
        recorder = self._process(
            "twilio-recorder",
            [
                sys.executable,
                "-m",
                "tests.topology.twilio_recorder",
                "--port",
                str(self.ports["twilio"]),
                "--upstream",
                f"http://127.0.0.1:{self.ports['prism']}",
                "--log",
                str(self.logs / "twilio-api.jsonl"),
            ],
        )
        self.services += [redis, prism, recorder]
        for process in (redis, prism, recorder):
            process.start()
        redis.wait_until(lambda: port_open(self.ports["redis"]), timeout=20, what="Redis listening")
        prism.wait_until(lambda: port_open(self.ports["prism"]), timeout=60, what="Prism listening")
        recorder.wait_until(lambda: port_open(self.ports["twilio"]), timeout=20, what="recorder listening")

    def _web_process(self, node: int) -> ManagedProcess:
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port(node)}",
            "GUNICORN_WORKERS": str(self.settings.gunicorn_workers),
            "GUNICORN_NODE_NAME": f"web-{node}",
            "GUNICORN_ACCESS_LOG": str(self.logs / f"web-{node}.access.log"),
        }
        return self._process(f"web-{node}", [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], env)

    def _worker_process(self, node: int) -> ManagedProcess:
        return self._process(f"worker-{node}", [sys.executable, "manage.py", "qcluster"])

    def _make_certificate(self) -> None:
        folder = self.certificate.parent
        folder.mkdir()
        self_signed_certificate(
            key=folder / "key.pem",
            certificate=self.certificate,
            days=2,
            extra=["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        )

    def _start_nginx(self) -> None:
        prefix = self.workdir / "nginx"
        (prefix / "temp").mkdir(parents=True)
        prefix.chmod(0o755)
        site = prefix / "carethread.conf"
        site.write_text(
            render_site(
                SiteValues(
                    nodes=[f"127.0.0.1:{self.web_port(node)}" for node in range(self.settings.web_nodes)],
                    http_listen=f"127.0.0.1:{self.ports['http']}",
                    https_listen=f"127.0.0.1:{self.ports['https']}",
                    certificate=self.certificate,
                    certificate_key=self.certificate.parent / "key.pem",
                    static_root=self.static_root,
                    access_log=self.logs / "nginx.access.log",
                    error_log=self.logs / "nginx.error.log",
                    exempt_addresses=self.settings.exempt_addresses,
                    zone_rates=self.settings.zone_rates,
                )
            )
        )
        main = prefix / "nginx.conf"
        main.write_text(render_main(prefix=prefix, site_conf=site))
        self.nginx = self._process(
            "nginx",
            [
                "nginx",
                "-p",
                str(prefix),
                "-c",
                str(main),
                "-e",
                str(self.logs / "nginx.error.log"),
                "-g",
                "daemon off;",
            ],
        )
        self.nginx.start()

    def _healthy(self, url: str) -> bool:
        try:
            with self.session() as session:
                response = session.get(url, timeout=2)
        except requests.RequestException:
            return False
        return response.status_code == 200


def _json_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main() -> int:
    """Start the topology and keep it up until Ctrl-C."""
    with Topology(TopologySettings(keep_workdir=True)) as topology:
        print(f"CareThread topology on {topology.base_url} (logs: {topology.logs}); Ctrl-C stops it.", flush=True)
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        with contextlib.suppress(KeyboardInterrupt):
            while not stop:
                time.sleep(0.5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
