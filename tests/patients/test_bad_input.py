"""Bad input on the patients API: a 400 naming the field, nothing stored changes, never a 500."""

from datetime import date

import pytest
from django.test import Client

from patients.models import CareRecord, MonitoringItem, Patient
from tests.factories.care import cml_patient
from tests.patients.conftest import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def api(alice) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(alice)
    return client


@pytest.fixture
def patient(alice):
    return cml_patient(started_on=START, coordinator=alice)


@pytest.mark.parametrize("zone", ["America", "__pycache__", "x" * 60, "zone.tab"])
def test_a_time_zone_that_is_not_a_zone_is_a_400_on_time_zone(api, patient, zone):
    response = api.patch(f"/api/v1/patients/{patient.pk}/", {"time_zone": zone}, content_type="application/json")
    assert response.status_code == 400
    assert "time_zone" in response.json()
    assert Patient.objects.get(pk=patient.pk).time_zone == patient.time_zone


@pytest.mark.parametrize("due_on", ["9999-12-31", "0001-01-01"])
def test_overriding_a_schedule_item_to_an_impossible_date_is_a_400_and_keeps_it(api, patient, due_on):
    item = MonitoringItem.objects.filter(patient=patient, status="planned").first()
    response = api.post(
        f"/api/v1/schedule-items/{item.pk}/override/",
        {"due_on": due_on, "reason": "Travel"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "due_on" in response.json()
    assert MonitoringItem.objects.get(pk=item.pk).due_on == item.due_on


@pytest.mark.parametrize("due_on", ["9999-12-31", "0001-01-01"])
def test_adding_a_schedule_item_on_an_impossible_date_is_a_400(api, patient, due_on):
    before = MonitoringItem.objects.count()
    response = api.post(
        "/api/v1/schedule-items/",
        {"patient": patient.pk, "kind": "cbc", "due_on": due_on, "reason": "Extra count"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "due_on" in response.json()
    assert MonitoringItem.objects.count() == before


@pytest.mark.parametrize("started", ["9999-12-31", "0001-01-01"])
def test_an_impossible_treatment_start_is_a_400_and_keeps_the_record(api, patient, started):
    record = CareRecord.objects.get(patient=patient)
    response = api.patch(
        f"/api/v1/care-records/{record.pk}/", {"tki_started_on": started}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "tki_started_on" in response.json()
    assert CareRecord.objects.get(pk=record.pk).tki_started_on == record.tki_started_on


@pytest.mark.parametrize("param", ["search", "diagnosis"])
def test_a_nul_character_in_a_list_filter_is_a_400_naming_it(api, patient, param):
    response = api.get("/api/v1/patients/", {param: "cml\x00"})
    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize(
    "url", ["/admin/patients/patient/?diagnosis=%00", "/admin/patients/caretask/?status__exact=%00"]
)
def test_a_nul_character_in_an_admin_filter_is_a_400(api, url):
    response = api.get(url)
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_completing_a_schedule_item_in_year_one_is_a_400_and_keeps_it_planned(api, patient):
    item = MonitoringItem.objects.filter(patient=patient, status="planned").first()
    response = api.post(
        f"/api/v1/schedule-items/{item.pk}/complete/", {"completed_on": "0001-01-01"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "completed_on" in response.json()
    assert MonitoringItem.objects.get(pk=item.pk).status == "planned"


def test_patient_without_a_care_record_lists_has_flags_false(client, alice):
    from tests.factories.people import PatientFactory

    PatientFactory(coordinator=alice)
    client.force_login(alice)
    [row] = client.get("/api/v1/patients/").json()["results"]
    assert row["has_flags"] is False


def test_schema_admits_blank_assessment_fields(client):
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    properties = schemas["GeneticTest"]["properties"]
    for name in ("molecular_response", "eln_assessment"):
        assert {"$ref": "#/components/schemas/BlankEnum"} in properties[name]["oneOf"]
    assert schemas["BlankEnum"]["enum"] == [""]


def test_admin_refusal_at_save_time_reshows_the_form_with_what_was_typed(api, patient):
    from tests.factories.care import qpcr

    test = qpcr(patient, date(2026, 3, 10), "0.5")
    url = f"/admin/patients/genetictest/{test.pk}/change/"
    form = api.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and name != "report_file"
    }
    data.update({"status": "ordered", "lab": "Typed Lab Name"})
    response = api.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "cannot change status" in str(form.errors["status"])
    assert form["lab"].value() == "Typed Lab Name"
    test.refresh_from_db()
    assert test.status == "resulted"
    assert test.lab != "Typed Lab Name"
