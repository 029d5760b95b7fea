"""Bad input on the public pages and the consult APIs: a clear 4xx naming the field, never a 500."""

import pytest
from django.test import Client

from consults.models import Consult, ConsultStatus
from tests.consults.test_pages import details_form
from tests.factories.consults import ConsultFactory, ExpertFactory

pytestmark = pytest.mark.django_db

# Names ZoneInfo() fails on with OSError rather than ZoneInfoNotFoundError: a folder of the zone
# database, a name too long for a file, a file that is not a zone.
BAD_ZONES = ["America", "__pycache__", "x" * 300, "zone.tab", "Not/AZone"]
# Years at Python's limits: showing or shifting such a time overflows.
EDGE_STARTS = ["9999-12-31T23:59:00+00:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:30"]


@pytest.fixture
def strict_client() -> Client:
    """Raises the view's exception instead of rendering a 500 page, so a regression shows its cause."""
    return Client(raise_request_exception=True)


@pytest.fixture
def consult(frozen):
    from tests.consults.helpers import DEC_2, ist

    return ConsultFactory(start=ist(DEC_2, 10), expert=ExpertFactory())


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_manage_pages_fall_back_to_the_patients_zone_for_an_unknown_tz(strict_client, consult, zone):
    for page in ("", "booked/", "reschedule/", "cancel/"):
        response = strict_client.get(f"/c/{consult.manage_token}/{page}", {"tz": zone})
        assert response.status_code == 200, page
        assert "Asia/Kolkata" in response.content.decode()


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_booking_details_with_an_unknown_tz_still_shows_the_form(strict_client, frozen, zone):
    form = details_form(ExpertFactory(), tz=zone)
    assert strict_client.get("/book/details/", {k: form[k] for k in ("slot", "topic", "tz")}).status_code == 200


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_api_refuses_an_unknown_tz_naming_the_field(strict_client, frozen, zone):
    expert = ExpertFactory()
    for url in ("/api/v1/slots/", f"/api/v1/experts/{expert.pk}/slots/"):
        response = strict_client.get(url, {"tz": zone})
        assert response.status_code == 400, url
        assert "tz" in response.json(), url


@pytest.mark.parametrize("start", EDGE_STARTS)
def test_a_tampered_slot_at_the_edge_of_the_calendar_is_refused_next_to_the_slot(strict_client, frozen, start):
    expert = ExpertFactory()
    form = details_form(expert, slot=f"{expert.pk}@{start}")
    response = strict_client.post("/book/details/", form)
    assert response.status_code == 400
    assert "That time could not be read" in response.content.decode()
    assert 'value="Meena Test"' in response.content.decode()
    assert not Consult.objects.exists()


@pytest.mark.parametrize("start", EDGE_STARTS)
def test_api_booking_at_the_edge_of_the_calendar_is_a_400_on_start(strict_client, frozen, start):
    from tests.consults.test_api_public import booking_body

    response = strict_client.post(
        "/api/v1/consults/", booking_body(ExpertFactory(), start=start), content_type="application/json"
    )
    assert response.status_code == 400
    assert "start" in response.json()
    assert not Consult.objects.exists()


@pytest.mark.parametrize("start", [*EDGE_STARTS, "2026-12-02T10:00:00+23:59"])
def test_api_reschedule_to_an_impossible_time_keeps_the_booking(strict_client, consult, start):
    response = strict_client.post(
        f"/api/v1/consults/manage/{consult.manage_token}/reschedule/", {"start": start}, content_type="application/json"
    )
    assert response.status_code in (400, 409)
    assert "start" in response.json()
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.CONFIRMED


@pytest.mark.parametrize(
    "query", [{"from": "9999-12-31"}, {"from": "9999-12-25"}, {"from": "0001-01-01"}, {"to": "0001-01-01"}]
)
def test_slot_lists_refuse_days_out_of_range_naming_the_field(strict_client, frozen, query):
    expert = ExpertFactory()
    for url in ("/api/v1/slots/", f"/api/v1/experts/{expert.pk}/slots/"):
        response = strict_client.get(url, query)
        assert response.status_code == 400, url
        assert set(query) & set(response.json()), url


@pytest.mark.parametrize("name", ["date", "date_from", "date_to"])
def test_staff_consult_list_refuses_days_out_of_range(strict_client, alice, frozen, name):
    strict_client.force_login(alice)
    for day in ("9999-12-31", "0001-01-01"):
        response = strict_client.get("/api/v1/staff/consults/", {name: day})
        assert response.status_code == 400
        assert name in response.json()


def test_booking_with_a_json_list_body_is_a_400_not_a_crash(strict_client, frozen):
    response = strict_client.post("/api/v1/consults/", [1, 2], content_type="application/json")
    assert response.status_code == 400
    assert not Consult.objects.exists()


def test_admin_consult_at_the_end_of_the_calendar_is_refused_next_to_start(alice, frozen):
    from tests.consults.test_admin import add_form
    from tests.factories.people import PatientFactory

    client = Client(raise_request_exception=True)
    client.force_login(alice)
    form = add_form(PatientFactory(coordinator=alice), ExpertFactory(), day="9999-12-31", at="23:59:00")
    response = client.post("/admin/consults/consult/add/", form)
    assert response.status_code == 200
    assert "Enter a time before 3000." in response.content.decode()
    assert not Consult.objects.exists()


@pytest.mark.parametrize(
    "path", ["/api/v1/experts/", "/api/v1/experts/{expert_id}/slots/", "/api/v1/slots/", "/api/v1/staff/consults/"]
)
def test_paged_lists_are_documented_as_pages_not_bare_arrays(client, path):
    schema = client.get("/api/schema/?format=json").json()
    ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert page["type"] == "object"
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
