"""Child processes of the topology harness never outlive it, even when the code using them fails."""

import signal
import sys
import time

import pytest

from tests.topology.processes import ManagedProcess, ProcessFailed, free_port, group_members, port_open

# A parent that forks two grandchildren and ignores SIGTERM: the worst case for a clean stop.
STUBBORN_TREE = (
    "import signal, subprocess, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "kids = [subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']) for _ in range(2)]\n"
    "print('ready', flush=True)\n"
    "time.sleep(300)\n"
)


def start_tree(tmp_path) -> ManagedProcess:
    process = ManagedProcess(
        "tree",
        [sys.executable, "-c", STUBBORN_TREE],
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        log_path=tmp_path / "tree.log",
    )
    process.start()
    process.wait_until(lambda: "ready" in process.log_since_start(), timeout=20, what="tree started")
    return process


def test_stop_kills_children_and_grandchildren_that_ignore_sigterm(tmp_path):
    process = start_tree(tmp_path)
    assert len(group_members(process.pid)) == 3
    process.stop(timeout=0.5)
    assert process.leftovers() == []
    assert not process.running()


def test_an_exception_inside_the_with_block_still_leaves_nothing_behind(tmp_path):
    processes: list[ManagedProcess] = []

    def scenario() -> None:
        try:
            processes.append(start_tree(tmp_path))
            raise RuntimeError("scenario failed")
        finally:
            for process in processes:
                process.stop(timeout=0.5)

    with pytest.raises(RuntimeError, match="scenario failed"):
        scenario()
    assert processes[0].leftovers() == []


def test_restarted_slot_tracks_both_groups(tmp_path):
    process = start_tree(tmp_path)
    first = process.pid
    process.kill()
    process.start()
    assert process.pgids == {first, process.pid}
    process.stop(timeout=0.5)
    assert process.leftovers() == []


def test_wait_until_reports_the_log_of_a_child_that_exits_early(tmp_path):
    process = ManagedProcess(
        "broken",
        [sys.executable, "-c", "print('bad config line 3'); raise SystemExit(2)"],
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        log_path=tmp_path / "broken.log",
    )
    process.start()
    with pytest.raises(ProcessFailed, match=r"(?s)exited with 2.*bad config line 3"):
        process.wait_until(lambda: False, timeout=20, what="ready")
    process.stop()


def test_free_port_is_not_listening():
    port = free_port()
    assert not port_open(port)


def test_sigkill_stop_is_immediate(tmp_path):
    process = start_tree(tmp_path)
    started = time.monotonic()
    process.stop(timeout=30, signum=signal.SIGKILL)
    assert time.monotonic() - started < 5
    assert process.leftovers() == []
