"""Staff API path and query input: anything malformed is a 404 or a 400 naming the field, never a 500."""

import pytest
from django.test import Client

from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # beyond 64 bits


@pytest.fixture
def api(alice) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


@pytest.fixture
def patient(alice):
    return PatientFactory(coordinator=alice)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/follow-ups/abc/",
        "/api/v1/follow-ups/abc/pause/",
        "/api/v1/follow-ups/abc/resume/",
        f"/api/v1/follow-ups/{HUGE}/",
        f"/api/v1/follow-ups/{HUGE}/pause/",
        f"/api/v1/patients/{HUGE}/",
        "/api/v1/patients/abc/",
        f"/api/v1/conversations/{HUGE}/",
        f"/api/v1/conversations/{HUGE}/messages/",
        f"/api/v1/conversations/{HUGE}/reply/",
        f"/api/v1/staff/consults/{HUGE}/cancel/",
        f"/api/v1/tasks/{HUGE}/",
        f"/api/v1/schedule-items/{HUGE}/complete/",
        f"/api/v1/medication-reminder-plans/{HUGE}/",
    ],
)
def test_a_path_id_that_is_not_a_row_is_a_json_404(api, path):
    response = (
        api.post(path, {"reason": "Travel"}, content_type="application/json")
        if path.endswith(("pause/", "resume/", "reply/", "cancel/", "complete/"))
        else api.get(path)
    )
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"patient={HUGE}", "patient"),
        ("patient=abc", "patient"),
        ("patient=-1", "patient"),
        ("patient=1%00", "patient"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/api/v1/notes/", "/api/v1/tasks/", "/api/v1/checkin-plans/"])
def test_a_bad_id_filter_is_a_400_naming_it(api, endpoint, query, field):
    response = api.get(f"{endpoint}?{query}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("endpoint", ["/api/v1/medication-reminder-plans/", "/api/v1/checkin-plans/"])
def test_a_plan_without_local_time_is_a_400_naming_it(api, patient, endpoint):
    response = api.post(endpoint, {"patient": patient.pk}, content_type="application/json")
    assert response.status_code == 400
    assert "local_time" in response.json()


@pytest.mark.parametrize("endpoint", ["/api/v1/medication-reminder-plans/", "/api/v1/checkin-plans/"])
@pytest.mark.parametrize("local_time", ["25:00", "abc", "09:00\x00", ""])
def test_a_plan_with_a_bad_local_time_is_a_400_naming_it(api, patient, endpoint, local_time):
    response = api.post(endpoint, {"patient": patient.pk, "local_time": local_time}, content_type="application/json")
    assert response.status_code == 400
    assert "local_time" in response.json()


@pytest.mark.parametrize("body", [{"patient": HUGE}, {"patient": int(HUGE)}, {"patient": -5}])
def test_a_huge_patient_id_in_a_body_is_a_400_naming_it(api, body):
    response = api.post("/api/v1/notes/", {**body, "text": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert "patient" in response.json()


@pytest.mark.parametrize(
    "query", ["state=\x00", "status=%00", f"diagnosis={HUGE}", "search=%00", "page=abc", f"page={HUGE}", "kind=zzz"]
)
def test_odd_list_queries_never_500(api, query):
    for endpoint in ("/api/v1/patients/", "/api/v1/genetic-tests/", "/api/v1/schedule-items/", "/api/v1/tasks/"):
        response = api.get(f"{endpoint}?{query}")
        assert response.status_code < 500, endpoint


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"expert={HUGE}", "expert"),
        ("expert=abc", "expert"),
        ("date=2026-02-30", "date"),
        ("date=not-a-day", "date"),
        ("date_from=0000-01-01", "date_from"),
        ("date_to=99999-01-01", "date_to"),
        ("tz=Mars/Olympus", "tz"),
    ],
)
def test_bad_staff_consult_filters_are_a_400_naming_them(api, query, field):
    response = api.get(f"/api/v1/staff/consults/?{query}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("body", [{"expert": int(HUGE)}, {"expert": HUGE}])
def test_a_huge_expert_id_in_a_public_booking_is_a_400_naming_it(client, body):
    response = client.post(
        "/api/v1/consults/",
        {
            "start": "2026-12-02T10:00:00+05:30",
            "topic": "side_effects",
            "name": "Asha Menon",
            "phone": "+91 98765 43210",
            **body,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "expert" in response.json()


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("/api/v1/patients/", {"full_name": "Asha Menon", "phone": "+919876543210", "coordinator": int(HUGE)}),
        ("/api/v1/resource-assignments/", {"patient": 1, "resource": int(HUGE)}),
    ],
)
def test_a_huge_related_id_in_a_staff_body_is_a_400(api, patient, endpoint, body):
    response = api.post(endpoint, body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/consults/manage/abc%00def/", "/c/abc%00def/", "/api/v1/patients/1%00/"])
def test_a_nul_in_the_path_is_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
