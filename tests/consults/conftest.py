from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

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


@pytest.fixture
def expert(erin, frozen):
    """erin's expert profile, "Dr Erin", with the clock frozen at NOW."""
    return ExpertFactory(user=erin, display_name="Dr Erin")


@pytest.fixture
def booked(expert, alice):
    """A consult with Dr Erin at 10:00 IST on 2 December, for a patient of alice's."""
    return ConsultFactory(expert=expert, patient=PatientFactory(coordinator=alice), start=ist(DEC_2, 10))
