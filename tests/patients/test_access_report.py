"""Breach readiness: the admin-only access report from the audit log (issue 16)."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patients.audit import audit_record
from patients.models import AuditAction
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db

URL = "/admin/access-report/"
PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def trail(alice, bob):
    patient = PatientFactory(coordinator=alice, full_name='=HYPERLINK("http://evil")')
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC), tick=False):
        audit_record(actor=alice, action=AuditAction.VIEW, obj=patient)
        audit_record(actor=bob, action=AuditAction.CHANGE, obj=patient, changed_fields=["email"])
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        audit_record(actor=alice, action=AuditAction.VIEW, obj=patient)
    return patient


@pytest.mark.parametrize("who", ["alice", "erin", "charlie"])
def test_only_admins_may_open_the_report(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL, PERIOD).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL, PERIOD).status_code == 302


def test_admin_sees_entries_of_the_period_only(client, ada, trail):
    client.force_login(ada)
    response = client.get(URL, PERIOD)
    assert len(response.context["rows"]) == 2


def test_filter_by_user(client, ada, bob, trail):
    client.force_login(ada)
    response = client.get(URL, {**PERIOD, "user": bob.pk})
    assert [row[1] for row in response.context["rows"]] == ["bob"]


def test_end_before_start_is_a_form_error(client, ada):
    client.force_login(ada)
    response = client.get(URL, {"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "end" in response.context["form"].errors


def test_csv_download_neutralises_formulas(client, ada, trail):
    client.force_login(ada)
    response = client.get(URL, {**PERIOD, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][4].startswith("'=")


def test_csv_download_holds_the_period(client, ada, trail):
    client.force_login(ada)
    response = client.get(URL, {**PERIOD, "format": "csv"})
    assert len(list(csv.reader(io.StringIO(response.content.decode())))) == 3


def test_report_query_count_does_not_grow_with_entries(client, ada, alice):
    patients = [PatientFactory(coordinator=alice) for _ in range(3)]
    client.force_login(ada)
    client.get(URL, PERIOD)  # warm the session and site caches
    for patient in patients:
        audit_record(actor=alice, action=AuditAction.VIEW, obj=patient)
    today = timezone.localdate().isoformat()
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"start": today, "end": today})
    for patient in patients * 5:
        audit_record(actor=alice, action=AuditAction.CHANGE, obj=patient)
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"start": today, "end": today})
    assert len(many) == len(few)
