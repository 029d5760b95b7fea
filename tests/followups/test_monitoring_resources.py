"""Monitoring reminders (due / overdue, stop when done or skipped), resource messages, authorisation expiry."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from followups.monitoring import monitoring_reminders_send_due
from followups.resources import resource_follow_ups_send_due
from messaging.models import Status
from patients.models import CareTask, InsurancePolicy, MonitoringItem, ProtocolSetting, Resource
from patients.services import care_sweep, monitoring_item_complete, monitoring_item_skip, resource_assign
from tests.factories.care import item_added_by_hand
from tests.followups.conftest import outbound

DUE = date(2026, 6, 10)


@pytest.fixture
def item(patient):
    return item_added_by_hand(patient, kind="bcr_abl1_qpcr", due_on=DUE, window_days=7, reason="ELN 2020")


def test_due_reminder_three_days_before_once_and_without_the_test_name(item):
    assert monitoring_reminders_send_due(on=DUE - timedelta(days=4)) == 0
    assert monitoring_reminders_send_due(on=DUE - timedelta(days=3)) == 1
    assert monitoring_reminders_send_due(on=DUE - timedelta(days=2)) == 0
    assert monitoring_reminders_send_due(on=DUE) == 0
    [message] = outbound("monitoring_due")
    assert message.status == Status.QUEUED
    assert "blood test is due this week" in message.body
    assert "BCR" not in message.body
    assert message.topic == f"monitoring:{item.pk}"


def test_detailed_messages_name_the_test(item, patient, settings):
    patient.detailed_messages = True
    patient.save()
    settings.FOLLOWUPS_MONITORING_DAYS_BEFORE = 5
    assert monitoring_reminders_send_due(on=DUE - timedelta(days=5)) == 1
    assert "qPCR" in outbound("monitoring_due")[0].body


def test_overdue_nudge_once_after_the_window_closes(item):
    monitoring_reminders_send_due(on=DUE - timedelta(days=3))
    assert monitoring_reminders_send_due(on=item.window_ends_on) == 0
    assert monitoring_reminders_send_due(on=item.window_ends_on + timedelta(days=1)) == 1
    assert monitoring_reminders_send_due(on=item.window_ends_on + timedelta(days=2)) == 0
    assert monitoring_reminders_send_due(on=item.window_ends_on + timedelta(days=40)) == 0
    assert len(outbound("monitoring_overdue")) == 1


def test_completing_the_item_cancels_the_queued_reminder_and_stops_the_nudge(item, settings):
    settings.MESSAGING_QUIET_HOURS_START, settings.MESSAGING_QUIET_HOURS_END = "00:00", "23:59"  # held till later
    monitoring_reminders_send_due(on=DUE - timedelta(days=3))
    [queued] = outbound("monitoring_due")
    assert queued.status == Status.QUEUED
    with time_machine.travel(timezone.now(), tick=False):
        monitoring_item_complete(item=item, completed_on=timezone.localdate())
    queued.refresh_from_db()
    assert queued.status == Status.CANCELED
    assert monitoring_reminders_send_due(on=item.window_ends_on + timedelta(days=1)) == 0


def test_skipped_item_gets_no_reminder(item):
    monitoring_item_skip(item=item, reason="Patient abroad")
    assert monitoring_reminders_send_due(on=DUE - timedelta(days=3)) == 0


def test_moved_item_gets_a_fresh_reminder(item):
    monitoring_reminders_send_due(on=DUE - timedelta(days=3))
    new_due = DUE + timedelta(days=20)
    MonitoringItem.objects.filter(pk=item.pk).update(
        due_on=new_due, window_starts_on=new_due - timedelta(days=7), window_ends_on=new_due + timedelta(days=7)
    )
    assert monitoring_reminders_send_due(on=new_due - timedelta(days=3)) == 1


def test_monitoring_sweep_query_count_is_constant(patient, django_assert_max_num_queries):
    from tests.factories.people import PatientFactory

    for _ in range(10):
        p = PatientFactory()
        item_added_by_hand(p, kind="cbc", due_on=DUE, reason="x")
    with django_assert_max_num_queries(10 * 16 + 10):
        assert monitoring_reminders_send_due(on=DUE - timedelta(days=1)) == 10


# --- resources ----------------------------------------------------------------------------------


def test_assigning_a_resource_sends_its_contact_details(patient):
    resource = Resource.objects.create(name="Test nutrition clinic", category="nutrition", phone="+91 80 4000 2000")
    assignment = resource_assign(patient=patient, resource=resource)
    [message] = outbound("resource_contact")
    assert "Test nutrition clinic" in message.body
    assert "+91 80 4000 2000" in message.body
    assert message.idempotency_key == f"resource:{assignment.pk}:contact"


def test_a_resource_name_naming_a_disease_is_hidden_in_sms(patient):
    resource = Resource.objects.create(
        name="Test Leukemia Support Group", category="support", phone="+1 800 955 4572", url="https://www.lls.org"
    )
    resource_assign(patient=patient, resource=resource)
    [message] = outbound("resource_contact")
    assert message.status == Status.QUEUED
    assert "Leukemia" not in message.body
    assert "support organisation" in message.body


def test_referred_resource_gets_one_follow_up_after_n_days(patient):
    resource = Resource.objects.create(name="Test financial help", category="financial")
    assignment = resource_assign(patient=patient, resource=resource, status="referred")
    now = assignment.created_at
    assert resource_follow_ups_send_due(now=now + timedelta(days=6)) == 0
    assert resource_follow_ups_send_due(now=now + timedelta(days=7)) == 1
    assert resource_follow_ups_send_due(now=now + timedelta(days=8)) == 0


def test_care_record_lists_a_referral_follow_up_until_it_is_sent(patient):
    from followups.selectors import follow_ups_overview

    resource = Resource.objects.create(name="Test financial help", category="financial")
    assignment = resource_assign(patient=patient, resource=resource, status="referred")
    [upcoming] = [u for u in follow_ups_overview(patient=patient).upcoming if "referral" in u.what]
    assert upcoming.at == assignment.created_at + timedelta(days=7)
    assert "Test financial help" in upcoming.what
    resource_follow_ups_send_due(now=assignment.created_at + timedelta(days=7))
    assert not [u for u in follow_ups_overview(patient=patient).upcoming if "referral" in u.what]


# --- authorisation expiry (the patients daily sweep already does it; make sure it is configurable) ----


def test_authorisation_task_follows_the_configured_days(patient):
    today = date(2026, 6, 1)
    InsurancePolicy.objects.create(
        patient=patient,
        payer="Demo Insurer",
        prior_auth_status="approved",
        prior_auth_expires_on=today + timedelta(days=40),
    )
    assert care_sweep(on=today)["authorisation"] == 0  # default 30 days
    ProtocolSetting.objects.create(key="auth_reminder_days", value=45, reason="Insurer needs 6 weeks")
    assert care_sweep(on=today)["authorisation"] == 1
    assert CareTask.objects.get(source_kind="authorisation").priority == "high"
