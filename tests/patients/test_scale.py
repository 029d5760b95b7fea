"""Console list pages and the dashboard keep the same number of queries at 10,000 patients."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patients.models import CareRecord, CareTask, GeneticTest, MonitoringItem, Patient, SymptomReport
from tests.patients.conftest import TODAY

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("frozen_today")]  # 10,000 patients: ~45 s

PAGES = [
    "/admin/",
    "/admin/?scope=all",
    "/admin/patients/patient/",
    "/admin/patients/patient/?monitoring=overdue&diagnosis=cml&test=pending&flag=yes&scope=mine",
    "/admin/patients/patient/?q=Bulk",
    "/admin/patients/monitoringitem/?state=overdue&scope=mine",
    "/admin/patients/caretask/?due=today&status=open&scope=mine",
    "/admin/patients/symptomreport/?urgent=open&scope=all",
    "/admin/patients/genetictest/?status=ordered",
]


def bulk_patients(count: int, *, offset: int, coordinator) -> None:
    """Realistic rows per patient: a care record, an overdue and an upcoming item, a task, a symptom, a test."""
    patients = Patient.objects.bulk_create(
        [
            Patient(
                full_name=f"Bulk Patient {offset + n}",
                phone=f"+9197{offset + n:08d}",
                coordinator=coordinator if n % 2 == 0 else None,
                consent_sms=True,
            )
            for n in range(count)
        ]
    )
    if patients[0].pk is None:  # SQLite before 3.35 does not return ids from bulk inserts
        patients = list(Patient.objects.filter(full_name__startswith="Bulk").order_by("-id")[:count])
    CareRecord.objects.bulk_create(
        [
            CareRecord(
                patient=p,
                diagnosis="cml",
                cml_phase="chronic",
                treatment_phase="on_treatment",
                tki_started_on=TODAY - timedelta(days=200),
                has_flags=n % 7 == 0,
                flag_summary="review",
            )
            for n, p in enumerate(patients)
        ]
    )
    items = []
    for p in patients:
        for due in (TODAY - timedelta(days=30), TODAY + timedelta(days=30)):
            items.append(
                MonitoringItem(
                    patient=p,
                    kind="cbc",
                    due_on=due,
                    window_starts_on=due - timedelta(days=7),
                    window_ends_on=due + timedelta(days=7),
                    reason="Blood count",
                    source="manual",
                    override_reason="bulk",
                )
            )
    MonitoringItem.objects.bulk_create(items)
    now = timezone.now()
    SymptomReport.objects.bulk_create(
        [
            SymptomReport(
                patient=p, symptom="fever_infection", grade=2, reported_at=now, is_red_flag=True, is_urgent=True
            )
            for p in patients
        ]
    )
    reports = SymptomReport.objects.filter(patient__in=patients)
    CareTask.objects.bulk_create(
        [
            CareTask(
                patient_id=r.patient_id,
                title="Urgent call",
                priority="urgent",
                due_at=now,
                source_kind="symptom",
                source_id=r.pk,
                assignee=coordinator,
            )
            for r in reports
        ]
    )
    GeneticTest.objects.bulk_create(
        [GeneticTest(patient=p, kind="bcr_abl1_qpcr", status="ordered", ordered_on=TODAY) for p in patients]
    )


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.django_db
def test_console_lists_and_dashboard_keep_their_query_count_at_10000_patients(client, alice):
    client.force_login(alice)
    bulk_patients(20, offset=0, coordinator=alice)
    small = {url: query_count(client, url) for url in PAGES}
    bulk_patients(10_000, offset=100, coordinator=alice)
    large = {url: query_count(client, url) for url in PAGES}
    assert large == small
    assert max(large.values()) <= 20
    # The lists really are filled: the overdue filter finds alice's share of 10,020 patients.
    response = client.get("/admin/patients/monitoringitem/?state=overdue&scope=mine")
    assert response.context["cl"].result_count == 5_010
