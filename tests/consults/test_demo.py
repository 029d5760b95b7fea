"""Demo data: the four experts linked to the demo logins, weekly hours, a few consults; idempotent."""

import io

import pytest
from django.core.management import call_command

from consults.models import Consult, ConsultStatus, Expert, WeeklyAvailability

pytestmark = pytest.mark.django_db


def test_seed_creates_linked_experts_hours_and_consults_once(settings, frozen):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    experts = {expert.user.username: expert for expert in Expert.objects.select_related("user")}
    assert set(experts) == {"dr.rao", "dr.khan", "nutrition", "finance"}
    assert {expert.role for expert in experts.values()} == {
        "hemato_oncologist",
        "gi_oncologist",
        "nutritionist",
        "financial_counsellor",
    }
    assert all(expert.time_zone == "Asia/Kolkata" for expert in experts.values())
    consults = Consult.objects.order_by("reference")
    assert [c.reference for c in consults] == ["CT-DEMA2", "CT-DEMB3", "CT-DEMC4", "CT-DEMD5"]
    assert consults.filter(status=ConsultStatus.CONFIRMED).count() == 3
    counts = (Expert.objects.count(), WeeklyAvailability.objects.count(), Consult.objects.count())
    tokens = list(consults.values_list("manage_token", flat=True))

    call_command("seed_demo", stdout=io.StringIO())
    assert (Expert.objects.count(), WeeklyAvailability.objects.count(), Consult.objects.count()) == counts
    assert list(Consult.objects.order_by("reference").values_list("manage_token", flat=True)) == tokens
