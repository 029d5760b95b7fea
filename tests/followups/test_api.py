"""Follow-ups API: plans (coordinators write, staff read), overview, pause/resume; roles, audit, query counts."""

from datetime import time

import pytest
from rest_framework.test import APIClient

from followups.models import CheckinPlan, MedicationReminderPlan
from followups.plans import medication_plan_save
from patients.models import AuditEntry
from tests.factories.people import PatientFactory


@pytest.fixture
def api():
    return APIClient()


def test_coordinator_creates_a_medication_plan_with_next_time(api, patient, alice):
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/medication-reminder-plans/",
        {"patient": patient.pk, "local_time": "20:30", "cutoff_hours": 6},
        format="json",
    )
    assert response.status_code == 201, response.json()
    plan = MedicationReminderPlan.objects.get(patient=patient)
    assert plan.local_time == time(20, 30)
    assert plan.next_at is not None
    assert response.json()["next_at"]
    assert AuditEntry.objects.filter(object_type="followups.MedicationReminderPlan", action="create").exists()


def test_bad_plan_values_name_the_field(api, patient, alice):
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/medication-reminder-plans/", {"patient": patient.pk, "local_time": "25:99"}, format="json"
    )
    assert response.status_code == 400
    assert "local_time" in response.json()
    response = api.post(
        "/api/v1/checkin-plans/", {"patient": patient.pk, "local_time": "10:00", "weekday": 9}, format="json"
    )
    assert response.status_code == 400
    assert "weekday" in response.json()
    assert not CheckinPlan.objects.exists()


def test_second_plan_for_a_patient_is_refused(api, patient, alice):
    api.force_authenticate(alice)
    medication_plan_save(patient=patient, active=True, local_time=time(9, 0))
    response = api.post(
        "/api/v1/medication-reminder-plans/", {"patient": patient.pk, "local_time": "10:00"}, format="json"
    )
    assert response.status_code == 400
    assert "patient" in response.json()


@pytest.mark.parametrize(("who", "status"), [("erin", 403), ("charlie", 403)])
def test_experts_and_outsiders_cannot_create_plans(api, patient, who, status, request):
    api.force_authenticate(request.getfixturevalue(who))
    response = api.post("/api/v1/checkin-plans/", {"patient": patient.pk, "local_time": "10:00"}, format="json")
    assert response.status_code == status


def test_pause_and_resume_by_api(api, patient, alice):
    api.force_authenticate(alice)
    response = api.post(f"/api/v1/follow-ups/{patient.pk}/pause/", {"reason": "In hospital"}, format="json")
    assert response.status_code == 201
    assert response.json()["paused"] is True
    again = api.post(f"/api/v1/follow-ups/{patient.pk}/pause/", {"reason": "x"}, format="json")
    assert again.status_code == 409
    missing = api.post(f"/api/v1/follow-ups/{patient.pk}/resume/", format="json")
    assert missing.status_code == 200
    assert missing.json()["paused"] is False
    assert api.post(f"/api/v1/follow-ups/{patient.pk}/pause/", {}, format="json").status_code == 400


def test_overview_shows_plans_adherence_and_upcoming(api, patient, alice):
    medication_plan_save(patient=patient, active=True, local_time=time(9, 0))
    api.force_authenticate(alice)
    body = api.get(f"/api/v1/follow-ups/{patient.pk}/").json()
    assert body["medication_plan"]["local_time"] == "09:00"
    assert body["adherence_week"]["percent"] is None
    assert any("Dose reminder" in item["what"] for item in body["upcoming"])


def test_outsider_cannot_read_the_overview(api, patient, charlie):
    api.force_authenticate(charlie)
    assert api.get(f"/api/v1/follow-ups/{patient.pk}/").status_code == 403


def test_plan_list_query_count_is_constant(api, alice, django_assert_max_num_queries):
    api.force_authenticate(alice)
    for _ in range(3):
        medication_plan_save(patient=PatientFactory(), active=True, local_time=time(9, 0))
    with django_assert_max_num_queries(10) as few:
        assert len(api.get("/api/v1/medication-reminder-plans/").json()) >= 3
    for _ in range(10):
        medication_plan_save(patient=PatientFactory(), active=True, local_time=time(9, 0))
    with django_assert_max_num_queries(len(few)):
        api.get("/api/v1/medication-reminder-plans/")


def test_care_record_panel_query_count_is_constant(client, patient, alice, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from followups.models import DoseRecord
    from messaging.services import message_send

    client.force_login(alice)
    medication_plan_save(patient=patient, active=True, local_time=time(9, 0))
    message_send(patient=patient, kind="medication_reminder", context={}, idempotency_key="first")
    url = f"/admin/patients/patient/{patient.pk}/change/"
    with django_assert_max_num_queries(200) as base:
        assert "Follow-ups (reminders and check-ins)" in client.get(url).content.decode()
    for i in range(10):
        message_send(patient=patient, kind="medication_reminder", context={}, idempotency_key=f"k{i}")
        DoseRecord.objects.create(
            patient=patient,
            day=timezone.localdate() - timedelta(days=i),
            status="taken",
            reminded_at=timezone.now(),
            confirm_by=timezone.now(),
        )
    with django_assert_max_num_queries(len(base)):
        assert "medication_reminder" in client.get(url).content.decode()


def test_demo_seed_gives_asha_plans_and_is_idempotent(db):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    call_command("seed_demo", "--force", stdout=out)
    assert "Demo follow-up plans: 3 created." in out.getvalue()
    assert "Demo follow-up plans: 0 created." in out.getvalue()
    assert MedicationReminderPlan.objects.count() == 2
    assert CheckinPlan.objects.count() == 1
