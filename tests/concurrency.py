"""Racing threads, for tests of what must happen once however many workers try at the same moment."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def released_together(action: Callable[[], T], *, threads: int = 2) -> list[T]:
    """Run `action` in `threads` threads released by one barrier and return what each returned.

    Each thread closes its own database connection; an exception in any thread fails the calling test.
    """
    barrier = threading.Barrier(threads)
    results: list[T] = []
    errors: list[Exception] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=5)
            results.append(action())
        except Exception as error:  # surfaced by the assertion below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    return results
