"""Plans saved from the console go through the plan services, like the API: checked values, the next reminder
computed, who changed it kept, and one audit entry."""

from datetime import UTC, datetime

import pytest
import time_machine

from followups.models import CheckinPlan, MedicationReminderPlan
from patients.models import AuditEntry

pytestmark = pytest.mark.django_db
ADD = "/admin/followups/{}/add/"


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 12, 1, 4, 0, tzinfo=UTC), tick=False):
        yield


def test_a_dose_reminder_plan_added_in_the_console_has_its_next_reminder(client, alice, patient, frozen):
    client.force_login(alice)
    body = {"patient": patient.pk, "active": "on", "local_time": "08:30", "cutoff_hours": 12}
    response = client.post(ADD.format("medicationreminderplan"), body)
    assert response.status_code == 302
    plan = MedicationReminderPlan.objects.get(patient=patient)
    assert plan.next_at == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 08:30 in Kolkata, tomorrow
    assert plan.updated_by == alice
    assert AuditEntry.objects.filter(action="create", object_id=str(plan.pk), actor=alice).count() == 1


def test_a_check_in_plan_changed_in_the_console_moves_its_next_check_in(client, alice, patient, frozen):
    client.force_login(alice)
    client.post(ADD.format("checkinplan"), {"patient": patient.pk, "active": "on", "weekday": 0, "local_time": "10:00"})
    plan = CheckinPlan.objects.get(patient=patient)
    body = {"patient": patient.pk, "active": "on", "weekday": 2, "local_time": "10:00"}
    response = client.post(f"/admin/followups/checkinplan/{plan.pk}/change/", body)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.next_at == datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # Wednesday 10:00 in Kolkata
    assert CheckinPlan.objects.count() == 1
