"""The one way the project queues background work: django-q2's `async_task` with a broker shared by
the whole process.

`async_task` without `broker=` builds a new broker per call, and with Redis that is a new connection
pool, a TCP connect and a client handshake (which reads redis-py's package metadata from disk) for
every message queued: 5-10 % of a follow-up sweep's time on PostgreSQL + Redis, and one Redis
connection per booking or webhook. One broker per process keeps one pool; redis-py resets the pool
in a forked worker, so qcluster's processes each get their own.
"""

import functools
import time
from typing import Any


@functools.cache
def task_broker():
    from django_q.brokers import get_broker

    return get_broker()


def task_enqueue(func: str, *args: Any, task_name: str | None = None) -> str:
    """Queue `func` (a dotted path) with `args`; returns the task id."""
    from django_q.tasks import async_task

    options: dict[str, Any] = {"broker": task_broker()}
    if task_name:
        options["task_name"] = task_name
    return async_task(func, *args, **options)


class TaskBudget:
    """Wall-clock budget for a sweep that works in chunks: each chunk asks `spent()` before it starts,
    and the task queues its own continuation when the budget ran out. A sweep then never meets
    django-q2's task timeout (which would kill it mid-chunk and wait for the next scheduled run)."""

    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds
        self.exhausted = False

    def spent(self) -> bool:
        if time.monotonic() >= self.until:
            self.exhausted = True
        return self.exhausted
