"""FHIR import of lab results: recorded through the console's services (assessed, tasks raised), idempotent by
identifier (a database constraint), clear OperationOutcomes, permissions for the whole cast, audited atomically."""

import copy
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome

from clinic.months import add_months
from interop import imports as imports_module
from interop.models import ImportedObservation
from patients.models import AuditEntry, CareTask, GeneticTest, LabResult
from tests.factories.care import cml_patient
from tests.factories.people import PatientFactory
from tests.interop.conftest import START, audit_table_unavailable

pytestmark = pytest.mark.django_db
URL = "/api/v1/fhir/Observation"
PATIENT_SYSTEM = "https://clinic.example.org/fhir/sid/patient"
ASSESSMENT = [
    "molecular_response",
    "months_on_treatment",
    "eln_milestone",
    "eln_assessment",
    "needs_confirmation",
    "lost_mmr",
]


@pytest.fixture
def fresh(alice):
    """A new CML patient of alice's who started imatinib on the same day as the demo record."""
    return cml_patient(started_on=START, coordinator=alice)


def qpcr_observation(patient, *, value="0.5", identifier="Q-1", months=6, copies=40_000) -> dict:
    return {
        "resourceType": "Observation",
        "identifier": [{"system": "https://lab.example.org/results", "value": identifier}],
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "69380-4"}]},
        "subject": {"identifier": {"system": PATIENT_SYSTEM, "value": str(patient.pk)}},
        "effectiveDateTime": add_months(START, months).isoformat(),
        "valueQuantity": {"value": value, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"},
        "component": [
            {
                "code": {
                    "coding": [
                        {
                            "system": "https://clinic.example.org/fhir/CodeSystem/observation",
                            "code": "abl1-control-copies",
                        }
                    ]
                },
                "valueQuantity": {
                    "value": copies,
                    "unit": "copies",
                    "system": "http://unitsofmeasure.org",
                    "code": "{copies}",
                },
            }
        ],
    }


def cbc_observation(patient, *, identifier="CBC-1", anc=0.8) -> dict:
    def count(code, value, unit="10*9/L"):
        return {
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
        }

    return {
        "resourceType": "Observation",
        "identifier": [{"system": "https://lab.example.org/results", "value": identifier}],
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}]},
        "subject": {"reference": f"Patient/{patient.pk}"},
        "effectiveDateTime": add_months(START, 1).isoformat(),
        "component": [count("6690-2", 3.4), count("751-8", anc), count("777-3", 150), count("718-7", 12.1, "g/dL")],
    }


def post(client, user, payload, content_type="application/fhir+json"):
    if user is not None:
        client.force_login(user)
    return client.post(URL, json.dumps(payload), content_type=content_type)


def bundle_of(*resources) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def issue(response) -> dict:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]


def test_round_trip_gives_the_same_assessments(client, alice, cml_record, fresh):
    client.force_login(alice)
    exported = client.get(f"/api/v1/patients/{cml_record.pk}/fhir/").json()
    observations = [
        copy.deepcopy(e["resource"])
        for e in exported["entry"]
        if e["resource"]["resourceType"] == "Observation" and e["resource"]["code"]["coding"][0]["code"] == "69380-4"
    ]
    for observation in observations:
        observation["subject"] = {"identifier": {"system": PATIENT_SYSTEM, "value": str(fresh.pk)}}
    response = post(client, alice, bundle_of(*observations))
    assert response.status_code == 201, response.json()
    original = list(
        GeneticTest.objects.filter(patient=cml_record, kind="bcr_abl1_qpcr")
        .order_by("collected_on")
        .values(*ASSESSMENT, "collected_on", "is_percent", "control_copies")
    )
    imported = list(
        GeneticTest.objects.filter(patient=fresh, kind="bcr_abl1_qpcr")
        .order_by("collected_on")
        .values(*ASSESSMENT, "collected_on", "is_percent", "control_copies")
    )
    assert len(imported) == 4
    assert imported == original


def test_round_trip_raises_the_same_tasks(client, alice, cml_record, fresh):
    client.force_login(alice)
    exported = client.get(f"/api/v1/patients/{cml_record.pk}/fhir/").json()
    observations = [
        e["resource"]
        for e in exported["entry"]
        if e["resource"]["resourceType"] == "Observation" and e["resource"]["code"]["coding"][0]["code"] == "69380-4"
    ]
    for observation in observations:
        observation["subject"] = {"reference": f"Patient/{fresh.pk}"}
    post(client, alice, bundle_of(*observations))
    titles = set(CareTask.objects.filter(patient=fresh, source_kind="genetic_test").values_list("title", flat=True))
    assert titles == set(
        CareTask.objects.filter(patient=cml_record, source_kind="genetic_test").values_list("title", flat=True)
    )
    assert any("BCR::ABL1 warning" in title for title in titles)


def test_imported_result_answers_201_with_the_clinics_assessment(client, alice, fresh):
    response = post(client, alice, qpcr_observation(fresh, value="12.5", months=3))
    assert response.status_code == 201
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["interpretation"][0]["coding"][0]["code"] == "above_mmr"
    eln = next(c for c in body["component"] if c["code"]["coding"][0]["code"] == "eln-2020-assessment")
    assert eln["valueCodeableConcept"]["coding"][0]["code"] == "warning"
    assert body["identifier"][1] == {"system": "https://lab.example.org/results", "value": "Q-1"}


def test_imported_warning_result_raises_a_task(client, alice, fresh):
    post(client, alice, qpcr_observation(fresh, value="12.5", months=3))
    task = CareTask.objects.get(patient=fresh, source_kind="genetic_test")
    assert task.priority == "high"


def test_plain_application_json_is_accepted_too(client, alice, fresh):
    assert post(client, alice, qpcr_observation(fresh), content_type="application/json").status_code == 201


def test_decimal_value_is_stored_exactly(client, alice, fresh):
    client.force_login(alice)
    body = json.dumps(qpcr_observation(fresh, value="X")).replace('"X"', "0.0032")
    assert client.post(URL, body, content_type="application/fhir+json").status_code == 201
    assert str(GeneticTest.objects.get(patient=fresh).is_percent.normalize()) == "0.0032"


def test_undetectable_result_is_imported_as_not_detected(client, alice, fresh):
    observation = qpcr_observation(fresh, copies=120_000)
    del observation["valueQuantity"]
    observation["valueCodeableConcept"] = {"coding": [{"system": "http://snomed.info/sct", "code": "260415000"}]}
    post(client, alice, observation)
    test = GeneticTest.objects.get(patient=fresh)
    assert test.bcr_abl1_detected is False
    assert test.molecular_response == "mr5"


def test_resending_the_same_observation_changes_nothing(client, alice, fresh):
    first = post(client, alice, qpcr_observation(fresh))
    again = post(client, alice, qpcr_observation(fresh))
    assert first.status_code == 201
    assert again.status_code == 200
    assert GeneticTest.objects.filter(patient=fresh).count() == 1
    assert AuditEntry.objects.filter(action="create", via="fhir").count() == 1
    assert again.json()["id"] == first.json()["id"]


def test_same_identifier_with_other_values_is_a_409_naming_the_identifier(client, alice, fresh):
    post(client, alice, qpcr_observation(fresh, value="0.5"))
    response = post(client, alice, qpcr_observation(fresh, value="0.9"))
    assert response.status_code == 409
    assert issue(response)["expression"] == ["Observation.identifier"]
    assert "https://lab.example.org/results|Q-1" in issue(response)["diagnostics"]
    assert GeneticTest.objects.get(patient=fresh).is_percent == Decimal("0.5")


def test_database_refuses_a_second_import_row_for_one_identifier(client, alice, fresh):
    post(client, alice, qpcr_observation(fresh))
    imported = ImportedObservation.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportedObservation.objects.create(
            identifier_system=imported.identifier_system,
            identifier_value=imported.identifier_value,
            patient=fresh,
            genetic_test=GeneticTest.objects.create(patient=fresh, kind="other"),
            fingerprint="x",
        )


def test_a_lost_race_for_the_identifier_answers_the_earlier_import(client, alice, fresh, monkeypatch):
    """Two copies at once: the second passes the lookup before the first commits; the constraint decides."""
    post(client, alice, qpcr_observation(fresh))
    real_filter = ImportedObservation.objects.filter

    class Blind:
        def first(self):
            return None

    calls = []

    def filter_missing_the_first_lookup(*args, **kwargs):
        calls.append(kwargs)
        return Blind() if len(calls) == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(ImportedObservation.objects, "filter", filter_missing_the_first_lookup)
    response = post(client, alice, qpcr_observation(fresh))
    assert response.status_code == 200
    assert GeneticTest.objects.filter(patient=fresh).count() == 1


def test_unknown_patient_is_a_404_naming_the_subject(client, alice):
    observation = qpcr_observation(PatientFactory.build(pk=987654))
    response = post(client, alice, observation)
    assert response.status_code == 404
    assert issue(response)["expression"] == ["Observation.subject"]
    assert "987654" in issue(response)["diagnostics"]


def test_unknown_code_is_a_422_naming_the_code(client, alice, fresh):
    observation = qpcr_observation(fresh)
    observation["code"] = {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]}
    response = post(client, alice, observation)
    assert response.status_code == 422
    assert issue(response)["expression"] == ["Observation.code"]
    assert "2345-7" in issue(response)["diagnostics"]


def test_observation_without_identifier_is_refused(client, alice, fresh):
    observation = qpcr_observation(fresh)
    del observation["identifier"]
    response = post(client, alice, observation)
    assert response.status_code == 422
    assert issue(response)["expression"] == ["Observation.identifier"]


def test_bcr_abl1_without_control_copies_is_refused_naming_the_component(client, alice, fresh):
    observation = qpcr_observation(fresh)
    del observation["component"]
    response = post(client, alice, observation)
    assert response.status_code == 422
    assert "ABL1 control gene copies" in issue(response)["diagnostics"]


def test_bcr_abl1_in_another_unit_is_refused(client, alice, fresh):
    observation = qpcr_observation(fresh)
    observation["valueQuantity"].update(unit="ratio", code="1")
    response = post(client, alice, observation)
    assert response.status_code == 422
    assert issue(response)["expression"] == ["Observation.valueQuantity"]


def test_preliminary_result_is_refused(client, alice, fresh):
    observation = qpcr_observation(fresh)
    observation["status"] = "preliminary"
    assert post(client, alice, observation).status_code == 422


def test_future_sample_date_is_refused_by_the_services_rule(client, alice, fresh):
    observation = qpcr_observation(fresh)
    observation["effectiveDateTime"] = (add_months(START, 20) + timedelta(days=1)).isoformat()
    response = post(client, alice, observation)
    assert response.status_code == 422
    assert "future" in issue(response)["diagnostics"]


def test_invalid_fhir_is_a_400_naming_the_element(client, alice, fresh):
    observation = qpcr_observation(fresh)
    observation["status"] = 42
    response = post(client, alice, observation)
    assert response.status_code == 400
    assert issue(response)["code"] == "structure"
    assert "status" in issue(response)["expression"][0]


def test_body_that_is_not_json_is_a_400_outcome(client, alice):
    client.force_login(alice)
    response = client.post(URL, "{not json", content_type="application/fhir+json")
    assert response.status_code == 400
    assert issue(response)["code"] == "invalid"


def test_other_resource_types_are_refused(client, alice, fresh):
    response = post(client, alice, {"resourceType": "Patient"})
    assert response.status_code == 400
    assert issue(response)["expression"] == ["resourceType"]


def test_bundle_is_all_or_nothing(client, alice, fresh):
    bad = qpcr_observation(fresh, identifier="Q-2")
    bad["code"]["coding"][0]["code"] = "2345-7"
    response = post(client, alice, bundle_of(qpcr_observation(fresh), bad))
    assert response.status_code == 422
    assert issue(response)["expression"] == ["Bundle.entry[1].resource.code"]
    assert not GeneticTest.objects.filter(patient=fresh).exists()


def test_bundle_answer_is_a_batch_response(client, alice, fresh):
    post(client, alice, qpcr_observation(fresh, identifier="Q-1"))
    response = post(
        client,
        alice,
        bundle_of(qpcr_observation(fresh, identifier="Q-1"), qpcr_observation(fresh, identifier="Q-2", months=7)),
    )
    body = response.json()
    assert response.status_code == 201
    assert body["type"] == "batch-response"
    assert [e["response"]["status"] for e in body["entry"]] == ["200 OK", "201 Created"]


def test_blood_count_panel_is_recorded_with_its_hold_task(client, alice, fresh):
    response = post(client, alice, cbc_observation(fresh))
    assert response.status_code == 201
    result = LabResult.objects.get(patient=fresh)
    assert result.wbc == Decimal("3.4")
    assert result.anc == Decimal("0.8")
    assert result.platelets == Decimal("150")
    assert result.haemoglobin == Decimal("12.1")
    assert CareTask.objects.get(patient=fresh, source_kind="lab_result").priority == "urgent"


def test_single_platelet_count_is_recorded(client, alice, fresh):
    observation = {
        **cbc_observation(fresh),
        "code": {"coding": [{"system": "http://loinc.org", "code": "777-3"}]},
        "valueQuantity": {"value": 45, "unit": "10*3/uL", "system": "http://unitsofmeasure.org", "code": "10*3/uL"},
    }
    del observation["component"]
    assert post(client, alice, observation).status_code == 201
    assert LabResult.objects.get(patient=fresh).platelets == Decimal("45")


def test_blood_count_in_a_wrong_unit_is_refused_naming_the_component(client, alice, fresh):
    observation = cbc_observation(fresh)
    observation["component"][1]["valueQuantity"].update(unit="/uL", code="/uL")
    response = post(client, alice, observation)
    assert response.status_code == 422
    assert issue(response)["expression"] == ["Observation.component[1].valueQuantity"]


def test_import_is_audited(client, alice, fresh):
    response = post(client, alice, qpcr_observation(fresh))
    entry = AuditEntry.objects.get(action="create", via="fhir")
    assert entry.patient == fresh
    assert entry.actor == alice
    assert entry.object_id == str(GeneticTest.objects.get(patient=fresh).pk)
    assert response.status_code == 201


def test_nothing_is_stored_when_the_audit_entry_cannot_be_written(client, alice, fresh, monkeypatch):
    monkeypatch.setattr(imports_module, "audit_record", audit_table_unavailable)
    client.force_login(alice)
    with pytest.raises(RuntimeError):
        client.post(URL, json.dumps(qpcr_observation(fresh)), content_type="application/fhir+json")
    assert not GeneticTest.objects.filter(patient=fresh).exists()
    assert not ImportedObservation.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 201), ("ada", 201), ("bob", 404), ("erin", 403), ("charlie", 403)]
)
def test_who_may_import_into_alices_patient(client, request, fresh, who, status):
    response = post(client, request.getfixturevalue(who), qpcr_observation(fresh))
    assert response.status_code == status
    assert GeneticTest.objects.filter(patient=fresh).count() == (1 if status == 201 else 0)


def test_expert_of_the_patient_still_may_not_import(client, erin, cml_record):
    """erin may view this record (its consults are hers) but experts do not edit records."""
    response = post(client, erin, qpcr_observation(cml_record, identifier="Q-erin"))
    assert response.status_code == 403
    assert "coordinators and admins" in issue(response)["diagnostics"]


def test_anonymous_caller_may_not_import(client, fresh):
    response = post(client, None, qpcr_observation(fresh))
    assert response.status_code == 401
    assert issue(response)["code"] == "login"


def test_both_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/patients/{id}/fhir/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/fhir/Observation"]


def strange_bodies(patient) -> list:
    def changed(**fields):
        return {**qpcr_observation(patient), **fields}

    return [
        [qpcr_observation(patient)],
        "just text",
        {"resourceType": "Bundle", "type": "collection"},
        {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Patient"}}]},
        changed(subject={"identifier": {"system": PATIENT_SYSTEM, "value": "9" * 40}}),
        changed(subject={"identifier": {"system": PATIENT_SYSTEM, "value": "١٢"}}),
        changed(subject={"display": "Asha"}),
        changed(identifier=[{"system": "s" * 300, "value": "1"}]),
        changed(effectiveDateTime="2026"),
        changed(effectiveDateTime="2026-02-30"),
        changed(valueQuantity={"value": 1e300, "unit": "%", "code": "%"}),
        changed(component=[{"code": {"coding": [{"code": "abl1-control-copies"}]}, "valueQuantity": {"value": -5}}]),
        changed(component=[{"code": {"coding": [{"code": "abl1-control-copies"}]}, "valueQuantity": {"value": 1e30}}]),
    ]


@pytest.mark.parametrize("index", range(13))
def test_strange_bodies_get_a_4xx_outcome_and_store_nothing(alice, fresh, index):
    client = Client(raise_request_exception=True)
    client.force_login(alice)
    response = client.post(URL, json.dumps(strange_bodies(fresh)[index]), content_type="application/fhir+json")
    assert 400 <= response.status_code < 500
    assert response.json()["resourceType"] == "OperationOutcome"
    assert not GeneticTest.objects.filter(patient=fresh).exists()


def test_bundle_of_more_than_200_observations_is_refused_before_anything_is_read(client, alice, fresh):
    observations = [qpcr_observation(fresh, identifier=f"Q-{n}") for n in range(201)]
    response = post(client, alice, bundle_of(*observations))
    assert response.status_code == 400
    assert "at most 200" in issue(response)["diagnostics"]


def test_body_over_5_mb_is_refused(client, alice, fresh):
    observation = qpcr_observation(fresh)
    observation["method"] = {"text": "x" * 5_000_001}
    response = post(client, alice, observation)
    assert response.status_code == 400
    assert "larger than 5 MB" in issue(response)["diagnostics"]


def test_error_answers_are_valid_r4b_operation_outcomes(client, alice, fresh):
    observation = qpcr_observation(fresh)
    observation["code"]["coding"][0]["code"] = "2345-7"
    outcome = OperationOutcome.model_validate(post(client, alice, observation).json())
    assert outcome.issue[0].code == "code-invalid"
