"""The documented schema is the payload: every consult endpoint's real answer has exactly the properties, nesting
and JSON types its OpenAPI response schema (drf-spectacular) gives, so the two cannot drift apart."""

from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from consults.models import Consult
from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db

JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/schema/?format=json").json()


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return resolve(schema, node["allOf"][0])
    return node


def differences(schema: dict[str, Any], node: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """Where `value` leaves the schema `node`: missing or undocumented properties, wrong types."""
    node = resolve(schema, node)
    if value is None:
        return [] if node.get("nullable") else [f"{where}: null, but the schema does not allow it"]
    kind = node.get("type", "object" if "properties" in node else None)
    if kind is None and "enum" in node:
        return [] if value in node["enum"] else [f"{where}: {value!r} is not one of {node['enum']}"]
    if (kind is not None and not isinstance(value, JSON_TYPES[kind])) or (
        isinstance(value, bool) and kind != "boolean"
    ):
        return [f"{where}: {type(value).__name__}, the schema says {kind}"]
    if kind == "array":
        return [
            problem
            for i, item in enumerate(value)
            for problem in differences(schema, node["items"], item, f"{where}[{i}]")
        ]
    if kind != "object" or "properties" not in node:
        return []
    documented, answered = set(node["properties"]), set(value)
    problems = [f"{where}.{name}: answered but not documented" for name in sorted(answered - documented)]
    problems += [f"{where}.{name}: documented but not answered" for name in sorted(documented - answered)]
    for name in sorted(documented & answered):
        problems += differences(schema, node["properties"][name], value[name], f"{where}.{name}")
    return problems


def response_schema(schema: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    return schema["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]


@pytest.fixture
def world(frozen, ada):
    expert = ExpertFactory(display_name="Dr Erin")
    upcoming = ConsultFactory(expert=expert, patient=PatientFactory(), start=ist(DEC_2, 9), note="Swelling")
    confirmed = ConsultFactory(expert=expert, patient=PatientFactory(), start=ist(DEC_2, 11))
    Consult.objects.filter(pk=confirmed.pk).update(attendance_confirmed_at=ist(DEC_2, 8))
    return {"expert": expert, "upcoming": upcoming, "confirmed": confirmed, "ada": ada}


def book(client, world) -> Any:
    body = {
        "expert": world["expert"].pk,
        "start": "2026-12-02T10:00:00+05:30",
        "topic": "side_effects",
        "name": "Meena Test",
        "phone": "+91 98765 00001",
        "channel": "whatsapp",
        "consent_whatsapp": True,
    }
    return client.post("/api/v1/consults/", body, content_type="application/json")


def manage(client, world, tail: str = "", body: dict | None = None) -> Any:
    url = f"/api/v1/consults/manage/{world['upcoming'].manage_token}/{tail}"
    return client.get(url) if body is None else client.post(url, body, content_type="application/json")


def staff(client, world, tail: str = "", body: dict | None = None, consult: str = "upcoming") -> Any:
    client.force_login(world["ada"])
    url = f"/api/v1/staff/consults/{world[consult].pk}/{tail}" if consult else "/api/v1/staff/consults/"
    return client.get(url) if body is None else client.post(url, body, content_type="application/json")


def outcome(client, world, tail: str) -> Any:
    with time_machine.travel(ist(DEC_2, 12), tick=False):
        return staff(client, world, tail, body={}, consult="confirmed")


CALLS: dict[tuple[str, str, int], Callable[[Any, dict], Any]] = {
    ("/api/v1/experts/", "get", 200): lambda client, world: client.get("/api/v1/experts/"),
    ("/api/v1/experts/{expert_id}/slots/", "get", 200): lambda client, world: client.get(
        f"/api/v1/experts/{world['expert'].pk}/slots/?tz=UTC"
    ),
    ("/api/v1/slots/", "get", 200): lambda client, world: client.get("/api/v1/slots/"),
    ("/api/v1/consults/", "post", 201): book,
    ("/api/v1/consults/manage/{token}/", "get", 200): manage,
    ("/api/v1/consults/manage/{token}/reschedule/", "post", 200): lambda client, world: manage(
        client, world, "reschedule/", {"start": "2026-12-02T15:00:00+05:30"}
    ),
    ("/api/v1/consults/manage/{token}/cancel/", "post", 200): lambda client, world: manage(
        client, world, "cancel/", {"reason": "Feeling better"}
    ),
    ("/api/v1/staff/consults/", "get", 200): lambda client, world: staff(client, world, consult=""),
    ("/api/v1/staff/consults/{consult_id}/", "get", 200): lambda client, world: staff(
        client, world, consult="confirmed"
    ),
    ("/api/v1/staff/consults/{consult_id}/cancel/", "post", 200): lambda client, world: staff(
        client, world, "cancel/", {"reason": "Clinic closed"}
    ),
    ("/api/v1/staff/consults/{consult_id}/complete/", "post", 200): lambda client, world: outcome(
        client, world, "complete/"
    ),
    ("/api/v1/staff/consults/{consult_id}/no-show/", "post", 200): lambda client, world: outcome(
        client, world, "no-show/"
    ),
}


def test_every_consult_endpoint_is_checked(schema):
    consult_paths = {
        (path, method)
        for path, operations in schema["paths"].items()
        if path.startswith(("/api/v1/consults/", "/api/v1/staff/consults/", "/api/v1/experts/", "/api/v1/slots/"))
        for method in operations
    }
    assert consult_paths == {(path, method) for path, method, _ in CALLS}


@pytest.mark.parametrize(("path", "method", "status"), list(CALLS), ids=[f"{m} {p}" for p, m, _ in CALLS])
def test_the_answer_has_the_documented_shape(client, schema, world, path, method, status):
    response = CALLS[(path, method, status)](client, world)
    assert response.status_code == status, response.content
    assert differences(schema, response_schema(schema, path, method, status), response.json()) == []


def test_an_undocumented_property_is_found(schema):
    documented = response_schema(schema, "/api/v1/consults/manage/{token}/", "get", 200)
    answer = {name: "x" for name in resolve(schema, documented)["properties"]} | {"secret": "x"}
    assert "$.secret: answered but not documented" in differences(schema, documented, answer)


def test_a_missing_nested_property_is_found(schema):
    documented = response_schema(schema, "/api/v1/staff/consults/{consult_id}/", "get", 200)
    expert = {"id": 1}
    assert "$.expert.name: documented but not answered" in differences(schema, documented, {"expert": expert})
