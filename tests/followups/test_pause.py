"""Pausing follow-ups: sweeps skip the patient, queued follow-ups are cancelled, any follow-up kind is
blocked, direct answers still go; resuming restarts from the next local time. Console and API, audited."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from followups.consult_reminders import consult_reminders_send_due
from followups.medication import medication_reminders_send_due
from followups.models import FollowUpPause
from followups.pause import follow_ups_pause, follow_ups_resume
from followups.plans import medication_plan_save
from messaging.models import Status
from messaging.services import message_send
from patients.models import AuditEntry
from tests.factories.consults import ConsultFactory
from tests.followups.conftest import outbound

NOON = datetime(2026, 6, 1, 6, 30, tzinfo=UTC)  # 12:00 in Kolkata


@pytest.fixture
def plan(patient):
    with time_machine.travel(NOON - timedelta(days=1), tick=False):
        return medication_plan_save(patient=patient, active=True, local_time=time(12, 0))


def test_paused_patient_gets_no_dose_reminder_and_resumes_next_day(plan, patient, alice):
    with time_machine.travel(NOON - timedelta(hours=1), tick=False):
        follow_ups_pause(patient=patient, reason="In hospital", by=alice)
    with time_machine.travel(NOON, tick=False):
        assert medication_reminders_send_due(now=timezone.now()) == 0
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        follow_ups_resume(patient=patient, by=alice)
        assert medication_reminders_send_due(now=timezone.now()) == 0  # today's time has passed
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        assert medication_reminders_send_due(now=timezone.now()) == 1


def test_pausing_cancels_queued_follow_ups_but_not_other_messages(patient, alice, settings):
    settings.MESSAGING_QUIET_HOURS_START, settings.MESSAGING_QUIET_HOURS_END = "00:00", "23:59"
    reminder = message_send(
        patient=patient, kind="medication_reminder", context={}, idempotency_key="m1", topic=f"medication:{patient.pk}"
    )
    staff = message_send(
        patient=patient, kind="staff_reply", context={"text": "Hi", "staff_name": "Alice"}, idempotency_key="s1"
    )
    assert reminder.status == staff.status == Status.QUEUED
    follow_ups_pause(patient=patient, reason="In hospital", by=alice)
    reminder.refresh_from_db()
    staff.refresh_from_db()
    assert reminder.status == Status.CANCELED
    assert "follow-ups paused" in reminder.status_reason
    assert staff.status == Status.QUEUED


def test_follow_up_kinds_are_blocked_while_paused_answers_still_go(patient, alice):
    follow_ups_pause(patient=patient, reason="Family asked for a break", by=alice)
    blocked = message_send(patient=patient, kind="checkin_questions", context={}, idempotency_key="c1")
    answer = message_send(patient=patient, kind="medication_missed_dose", context={}, idempotency_key="a1", urgent=True)
    assert blocked.status == Status.BLOCKED
    assert "follow-ups paused (Family asked for a break)" in blocked.status_reason
    assert answer.status == Status.QUEUED


def test_consult_reminders_skip_paused_patients(patient, alice):
    start = timezone.now() + timedelta(days=3)
    ConsultFactory(patient=patient, start=start, created_at=timezone.now() - timedelta(days=1))
    follow_ups_pause(patient=patient, reason="In hospital", by=alice)
    assert consult_reminders_send_due(now=start - timedelta(hours=24)) == 0
    follow_ups_resume(patient=patient, by=alice)
    assert consult_reminders_send_due(now=start - timedelta(hours=2)) == 1
    assert len(outbound("consult_reminder")) == 1


def test_pause_needs_a_reason_and_cannot_be_doubled(patient, alice):
    from clinic.errors import Conflict, DomainError

    with pytest.raises(DomainError):
        follow_ups_pause(patient=patient, reason="  ", by=alice)
    follow_ups_pause(patient=patient, reason="In hospital", by=alice)
    with pytest.raises(Conflict):
        follow_ups_pause(patient=patient, reason="Again", by=alice)
    follow_ups_resume(patient=patient, by=alice)
    with pytest.raises(Conflict):
        follow_ups_resume(patient=patient, by=alice)


# --- console ------------------------------------------------------------------------------------


def test_coordinator_pauses_and_resumes_from_the_care_record(client, patient, alice):
    client.force_login(alice)
    response = client.post(f"/followups/patients/{patient.pk}/pause/", {"reason": "In hospital"})
    assert response.status_code == 302
    assert response["Location"].endswith("#panel-followups")
    assert FollowUpPause.objects.get(patient=patient).reason == "In hospital"
    page = client.get(f"/admin/patients/patient/{patient.pk}/change/")
    assert "Paused since" in page.content.decode()
    assert "Resume follow-ups" in page.content.decode()
    client.post(f"/followups/patients/{patient.pk}/resume/")
    assert FollowUpPause.objects.get(patient=patient).resumed_at is not None
    assert AuditEntry.objects.filter(patient=patient, object_type="followups.FollowUpPause").count() == 2


def test_empty_reason_shows_an_error_and_pauses_nothing(client, patient, alice):
    client.force_login(alice)
    response = client.post(f"/followups/patients/{patient.pk}/pause/", {"reason": ""}, follow=True)
    assert "Say why follow-ups are paused" in response.content.decode()
    assert not FollowUpPause.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("erin", 403), ("charlie", 403), (None, 302)])
def test_only_coordinators_and_admins_may_pause(client, patient, who, status, request):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.post(f"/followups/patients/{patient.pk}/pause/", {"reason": "x"})
    assert response.status_code == status
    assert not FollowUpPause.objects.exists()


def test_pause_view_refuses_get(client, patient, alice):
    client.force_login(alice)
    assert client.get(f"/followups/patients/{patient.pk}/pause/").status_code == 405


def test_a_follow_up_already_picked_up_by_a_worker_is_not_sent_after_a_pause(patient, alice):
    from messaging.delivery import message_claim, message_deliver

    reminder = message_send(
        patient=patient, kind="medication_reminder", context={}, idempotency_key="m2", topic=f"medication:{patient.pk}"
    )
    # A pause row written without the cancel step stands for a pause that lost the race with a worker.
    FollowUpPause.objects.create(patient=patient, reason="In hospital", paused_by=alice)
    assert message_deliver(message_id=reminder.pk) == "blocked"
    reminder.refresh_from_db()
    assert reminder.status == Status.BLOCKED
    assert "follow-ups paused" in reminder.status_reason
    assert reminder.twilio_sid in ("", None)
    assert message_claim(message_id=reminder.pk) is None
