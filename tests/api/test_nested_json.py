"""JSON nested 50,000 deep, sent to every JSON write endpoint in the OpenAPI schema: a 400, never a 5xx,
nothing logged at ERROR. The endpoints come from the schema itself, so a new one is covered as soon as
it is documented (and fails here until WORLD below can give its path a real row)."""

import logging
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from consults.models import Consult
from followups.plans import checkin_plan_save, medication_plan_save
from messaging.services import conversation_for_patient
from patients.models import MonitoringItem, Patient, Resource
from patients.services import care_task_create
from patients.services.access import care_team_assign
from patients.services.records import resource_assign
from rights.services import correction_request_record, data_package_link_create, erasure_request_record
from tests.factories.care import cml_patient, qpcr
from tests.factories.consults import ConsultFactory

NESTED = "[" * 50_000 + "]" * 50_000
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


def write_operations() -> list[tuple[str, str, bool]]:
    """(method, path, whether the operation takes a body) for every documented write."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted(
        (method.upper(), path, "requestBody" in operation)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch")
    )


@pytest.fixture
def world(db, alice, erin, time_machine) -> dict[str, Callable[[], object]]:
    """One real row behind every path parameter, keyed by the path's first segment(s)."""
    time_machine.move_to(NOW, tick=False)
    patient: Patient = cml_patient(started_on=date(2025, 11, 15), coordinator=alice)
    resource = Resource.objects.create(name="Patient assistance programme", category="financial")
    consult: Consult = ConsultFactory(patient=patient, start=NOW + timedelta(days=3))
    rows = {
        "patients": patient,
        "follow-ups": patient,
        "care-records": patient.care_record,
        "genetic-tests": qpcr(patient, date(2026, 5, 15), "0.5"),
        "schedule-items": MonitoringItem.objects.filter(patient=patient).first(),
        "tasks": care_task_create(patient=patient, title="Call back", priority="normal", due=NOW, created_by=alice),
        "resources": resource,
        "resource-assignments": resource_assign(patient=patient, resource=resource, by=alice),
        "medication-reminder-plans": medication_plan_save(patient=patient, active=True, local_time=time(9)),
        "checkin-plans": checkin_plan_save(patient=patient, active=True, weekday=0, local_time=time(10)),
        "conversations": conversation_for_patient(patient),
        "staff/consults": consult,
        "consults/manage": consult,
        "care-team": care_team_assign(patient=patient, member=erin, by=alice, reason="Second opinion"),
        "medications": patient.medications.get(),
        "correction-requests": correction_request_record(
            actor=alice,
            patient=patient,
            area="details",
            requested_change="Spelling",
            received_via="phone",
            received_on=NOW.date(),
        ),
        "data-package-links": data_package_link_create(actor=alice, patient=patient),
        "erasure-requests": erasure_request_record(
            actor=alice, patient=patient, received_via="phone", received_on=NOW.date()
        ),
    }
    return rows


def fill_path(path: str, rows: dict) -> str:
    prefix = re.match(r"^/api/v1/(.*?)/\{", path)
    if prefix is None:
        return path
    row = rows.get(prefix.group(1))
    assert row is not None, f"add a row for {path} to the world fixture so its body is actually parsed"
    return (
        re.sub(r"\{token\}", row.manage_token, re.sub(r"\{(id|pk|consult_id)\}", str(row.pk), path))
        if hasattr(row, "manage_token")
        else re.sub(r"\{\w+\}", str(row.pk), path)
    )


def error_text(body: dict) -> str:
    """The error sentence: `detail` in the project's JSON, the issue's diagnostics in a FHIR OperationOutcome."""
    if body.get("resourceType") == "OperationOutcome":
        return body["issue"][0]["diagnostics"]
    return body["detail"]


@pytest.mark.parametrize(("method", "path", "takes_body"), write_operations())
def test_deeply_nested_json_is_a_400_without_an_error_log(world, ada, caplog, method, path, takes_body):
    client = Client()
    client.force_login(ada)
    url = fill_path(path, world)
    with caplog.at_level(logging.WARNING):
        response = client.generic(method, url, NESTED, content_type="application/json")
    if takes_body:
        assert response.status_code == 400, (url, response.content[:300])
        assert "nested too deeply" in error_text(response.json())
    else:  # the view never reads a body (e.g. …/resume/): whatever it answers, it is not a 5xx
        assert response.status_code < 500, (url, response.content[:300])
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_json_that_is_not_utf8_is_a_400(world, ada):
    client = Client()
    client.force_login(ada)
    response = client.post("/api/v1/notes/", b'{"text": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
