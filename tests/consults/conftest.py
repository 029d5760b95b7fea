from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

# Tuesday 1 December 2026, 09:30 in Kolkata (04:00 UTC).
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    """Freeze the clock at NOW (booking rules depend on it)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _clean_throttles():
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()
