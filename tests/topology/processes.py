"""Child processes that always go away: each in its own process group, stopped as a group.

The topology starts a dozen long-running programs (gunicorn masters and workers, qcluster
sentinels and workers, nginx, Redis, Prism). Whatever happens to the test — an assertion, an
exception, Ctrl-C — none of them may outlive it: every child leads a new session (so one
`killpg` reaches all its descendants), asks the kernel for SIGTERM if its parent dies, and is
stopped with TERM, then KILL, until /proc shows nothing left in its group.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

PR_SET_PDEATHSIG = 1


class ProcessFailed(RuntimeError):
    """A child exited or never became ready; the message carries the tail of its log."""


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_server_args(port: int, folder: Path) -> list[str]:
    """A redis-server on 127.0.0.1 that keeps nothing on disk: a throwaway cache."""
    return [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
    ]


def self_signed_certificate(*, key: Path, certificate: Path, days: int, extra: Sequence[str] = ()) -> None:
    """A throwaway RSA key and self-signed certificate for 127.0.0.1 (openssl req -x509)."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            str(days),
            "-subj",
            "/CN=127.0.0.1",
            *extra,
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is `pgid`, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command name: state ppid pgrp ...
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


class ManagedProcess:
    """One program (and all it forks) in its own process group, logging to a file."""

    def __init__(self, name: str, argv: Sequence[str], *, env: dict[str, str], cwd: Path, log_path: Path) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.popen: subprocess.Popen | None = None
        self.pgids: set[int] = set()  # every group this slot ever led, for the leftover check
        self.log_offset = 0  # where this run's output starts in the log file

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def start(self) -> None:
        if self.running():
            raise ProcessFailed(f"{self.name} is already running (pid {self.pid})")
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115  (the child owns the descriptor from here on)
        try:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        finally:
            log.close()
        self.pgids.add(self.popen.pid)

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_since_start(self) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self.log_offset)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def signal_group(self, signum: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signum)

    def stop(self, *, timeout: float = 15.0, signum: int = signal.SIGTERM) -> None:
        """Stop the whole group: `signum` to the leader (gunicorn, qcluster and nginx masters shut
        their children down in order), then SIGKILL to the whole group after `timeout`."""
        if self.popen is None:
            return
        pgid = self.popen.pid
        if signum == signal.SIGKILL:
            self.signal_group(signum)
        else:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signum)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (self.popen.poll() is None or group_members(pgid)):
            time.sleep(0.05)
        if self.popen.poll() is None or group_members(pgid):
            self.signal_group(signal.SIGKILL)
            kill_deadline = time.monotonic() + 5
            while time.monotonic() < kill_deadline and group_members(pgid):
                time.sleep(0.05)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)

    def kill(self) -> None:
        """SIGKILL the group at once, the way a crashed node disappears."""
        self.stop(timeout=0, signum=signal.SIGKILL)

    def leftovers(self) -> list[int]:
        """Processes still alive in any group this slot has led (should be none after stop)."""
        return sorted(pid for pgid in self.pgids for pid in group_members(pgid))

    def wait_until(self, ready, *, timeout: float, what: str) -> None:
        """Poll `ready()` until true; fail early (with the log) if the process exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen is not None and self.popen.poll() is not None:
                raise ProcessFailed(
                    f"{self.name} exited with {self.popen.returncode} before {what}:\n{self.log_tail()}"
                )
            if ready():
                return
            time.sleep(0.1)
        raise ProcessFailed(f"{self.name}: {what} not reached within {timeout:.0f}s:\n{self.log_tail()}")
