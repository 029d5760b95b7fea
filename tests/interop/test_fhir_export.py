"""FHIR R4 export of a care record: valid R4B resources, the clinical content, bodies only when asked,
stable ids, permissions for the whole cast, audit in the same transaction, and a fixed query count."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from clinic.months import add_months
from interop import export as export_module
from patients.models import AuditEntry
from patients.services import genetic_test_result_record
from tests.factories.people import PatientFactory
from tests.interop.conftest import INBOUND_TEXT, MESSAGE_TEXT, START, audit_table_unavailable, cml_record_for

pytestmark = pytest.mark.django_db
EXPECTED_TYPES = {
    "Patient",
    "Condition",
    "Observation",
    "Provenance",
    "MedicationStatement",
    "CarePlan",
    "ServiceRequest",
    "Appointment",
    "Task",
    "Communication",
    "Consent",
}


def export(client, user, patient, query: str = ""):
    client.force_login(user)
    return client.get(f"/api/v1/patients/{patient.pk}/fhir/{query}")


def resources(response, kind: str) -> list[dict]:
    return [e["resource"] for e in response.json()["entry"] if e["resource"]["resourceType"] == kind]


def loinc(resource: dict) -> set[str]:
    return {c["code"] for c in resource["code"].get("coding", []) if c["system"] == "http://loinc.org"}


def test_every_exported_resource_validates_with_fhir_resources_r4b(client, alice, cml_record, gist_record):
    for patient in (cml_record, gist_record):
        bundle = export(client, alice, patient).json()
        for entry in bundle["entry"]:
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        Bundle.model_validate(bundle)


def test_export_holds_every_resource_type_of_the_brief(client, alice, cml_record):
    bundle = export(client, alice, cml_record).json()
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == EXPECTED_TYPES


def test_bundle_is_a_collection_with_urn_uuid_full_urls(client, alice, cml_record):
    bundle = export(client, alice, cml_record).json()
    assert bundle["type"] == "collection"
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])


def test_resource_ids_are_stable_between_exports(client, alice, cml_record):
    first = [e["fullUrl"] for e in export(client, alice, cml_record).json()["entry"]]
    second = [e["fullUrl"] for e in export(client, alice, cml_record).json()["entry"]]
    assert first == second
    assert len(set(first)) == len(first)


def test_every_reference_points_at_an_entry_of_the_bundle(client, alice, cml_record):
    bundle = export(client, alice, cml_record).json()
    urls = {e["fullUrl"] for e in bundle["entry"]}
    found = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("reference"), str):
                found.append(value["reference"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk([e["resource"] for e in bundle["entry"]])
    assert found
    assert set(found) <= urls


def test_answer_is_fhir_json_and_never_cached(client, alice, cml_record):
    response = export(client, alice, cml_record)
    assert response["Content-Type"] == "application/fhir+json"
    assert "no-store" in response["Cache-Control"].split(", ")


def test_condition_carries_the_icd10_code_and_cml_phase(client, alice, cml_record):
    condition = resources(export(client, alice, cml_record), "Condition")[0]
    assert {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C92.10"} in condition["code"]["coding"]
    assert condition["stage"][0]["summary"]["coding"][0]["code"] == "chronic"


def test_gist_condition_carries_its_site(client, alice, gist_record):
    condition = resources(export(client, alice, gist_record), "Condition")[0]
    assert condition["bodySite"][0]["coding"][0]["code"] == "small_intestine"
    assert condition["code"]["coding"][0]["code"] == "C49.A3"


def test_bcr_abl1_observation_has_loinc_percent_response_and_eln_assessment(client, alice, cml_record):
    observations = [o for o in resources(export(client, alice, cml_record), "Observation") if "69380-4" in loinc(o)]
    assert len(observations) == 4
    three_months = observations[0]
    assert three_months["valueQuantity"] == {
        "value": 12.5,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    assert three_months["interpretation"][0]["coding"][0]["code"] == "above_mmr"
    eln = next(c for c in three_months["component"] if c["code"]["coding"][0]["code"] == "eln-2020-assessment")
    assert eln["valueCodeableConcept"]["coding"][0]["code"] == "warning"
    assert three_months["note"][0]["text"].startswith("ELN 2020: Warning at the 3m milestone")


def test_undetectable_bcr_abl1_is_coded_not_detected_with_its_control_copies(client, alice, cml_record):
    last = [o for o in resources(export(client, alice, cml_record), "Observation") if "69380-4" in loinc(o)][-1]
    assert last["valueCodeableConcept"]["coding"][0]["code"] == "260415000"
    assert last["interpretation"][0]["coding"][0]["code"] == "mr45"  # 50,000 control copies: at least 32,000
    copies = next(c for c in last["component"] if c["code"]["coding"][0]["code"] == "abl1-control-copies")
    assert copies["valueQuantity"]["value"] == 50_000


def test_blood_counts_are_a_cbc_panel_with_loinc_components(client, alice, cml_record):
    panel = next(o for o in resources(export(client, alice, cml_record), "Observation") if "58410-2" in loinc(o))
    codes = {c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in panel["component"]}
    assert codes == {"6690-2": 3.1, "751-8": 0.8, "777-3": 140.0, "718-7": 11.2}
    assert "Hold until" in panel["note"][0]["text"]


def test_genetic_findings_are_exported(client, alice, cml_record, gist_record):
    cml = resources(export(client, alice, cml_record), "Observation")
    values = {
        o["code"]["coding"][-1]["code"]: o.get("valueCodeableConcept", {}).get("coding", [{}])[0].get("code")
        for o in cml
    }
    assert values["ph_chromosome"] == "positive"
    assert values["bcr_abl1_qual"] == "e14a2"
    gist = resources(export(client, alice, gist_record), "Observation")[0]
    assert gist["valueCodeableConcept"]["text"] == "KIT exon 9 c.1504_1509dup"


def test_medication_statements_carry_the_dose_history(client, alice, cml_record):
    statements = [
        s
        for s in resources(export(client, alice, cml_record), "MedicationStatement")
        if s["medicationCodeableConcept"]["text"] == "imatinib"
    ]
    doses = [s["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] for s in statements]
    assert doses == [400, 300, 400]
    assert [s["status"] for s in statements] == ["completed", "completed", "active"]
    assert "Neutrophils below 1.0" in statements[1]["note"][0]["text"]


def test_monitoring_schedule_is_a_care_plan_of_service_requests(client, alice, cml_record):
    response = export(client, alice, cml_record)
    plan = resources(response, "CarePlan")[0]
    requests = resources(response, "ServiceRequest")
    assert len(plan["activity"]) == len(requests)
    assert any("69380-4" in loinc(r) for r in requests)


def test_consults_are_appointments_with_their_status(client, alice, cml_record):
    appointments = resources(export(client, alice, cml_record), "Appointment")
    assert sorted(a["status"] for a in appointments) == ["booked", "fulfilled"]


def test_task_raised_by_a_result_points_at_its_observation(client, alice, cml_record):
    response = export(client, alice, cml_record)
    warning_task = next(t for t in resources(response, "Task") if "BCR::ABL1 warning" in t["description"])
    focus = warning_task["focus"]["reference"]
    observation = next(o for o in resources(response, "Observation") if f"urn:uuid:{o['id']}" == focus)
    assert observation["valueQuantity"]["value"] == 12.5


def test_messages_are_exported_without_bodies_by_default(client, alice, cml_record):
    response = export(client, alice, cml_record)
    communications = resources(response, "Communication")
    assert len(communications) == 2
    assert all("payload" not in c for c in communications)
    assert MESSAGE_TEXT not in response.content.decode()
    assert INBOUND_TEXT not in response.content.decode()


def test_message_bodies_are_exported_when_asked_for(client, alice, cml_record):
    communications = resources(export(client, alice, cml_record, "?include=message_bodies"), "Communication")
    bodies = {c["payload"][0]["contentString"] for c in communications}
    assert INBOUND_TEXT in bodies
    assert any(MESSAGE_TEXT in body for body in bodies)


def test_consents_show_given_and_withdrawn_messaging_consent(client, alice, cml_record):
    consents = {
        c["provision"]["purpose"][0]["code"]: c["status"]
        for c in resources(export(client, alice, cml_record), "Consent")
    }
    assert consents == {"sms": "active", "whatsapp": "inactive", "detailed": "active"}


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("ada", 200), ("erin", 200), ("bob", 404), ("charlie", 403)]
)
def test_who_may_export_alices_patient(client, request, cml_record, who, status):
    assert export(client, request.getfixturevalue(who), cml_record).status_code == status


def test_anonymous_caller_gets_401_as_an_operation_outcome(client, cml_record):
    response = client.get(f"/api/v1/patients/{cml_record.pk}/fhir/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["resourceType"] == "OperationOutcome"


def test_expert_without_a_consult_with_the_patient_gets_404(client, erin, gist_record):
    assert export(client, erin, gist_record).status_code == 404


def test_unknown_patient_gets_404_naming_the_problem(client, alice):
    response = export(client, alice, PatientFactory.build(pk=987654))
    assert response.status_code == 404
    assert "No patient with this id" in response.json()["issue"][0]["diagnostics"]


def test_export_is_audited(client, alice, cml_record):
    export(client, alice, cml_record, "?include=message_bodies")
    entry = AuditEntry.objects.get(action="export")
    assert entry.patient == cml_record
    assert entry.actor == alice
    assert entry.via == "fhir"
    assert entry.changed_fields == ["message_bodies"]


def test_refused_export_writes_no_audit_entry(client, bob, cml_record):
    export(client, bob, cml_record)
    assert not AuditEntry.objects.filter(action="export").exists()


def test_no_bundle_leaves_when_its_audit_entry_cannot_be_written(client, alice, cml_record, monkeypatch):
    monkeypatch.setattr(export_module, "audit_record", audit_table_unavailable)
    client.force_login(alice)
    with pytest.raises(RuntimeError):
        client.get(f"/api/v1/patients/{cml_record.pk}/fhir/")


def test_export_runs_a_fixed_number_of_queries_whatever_the_record_size(client, alice, bob, erin):
    small = cml_record_for(alice)
    large = cml_record_for(bob)
    for months in range(1, 12):
        genetic_test_result_record(
            patient=large,
            kind="bcr_abl1_qpcr",
            collected_on=add_months(START, months),
            resulted_on=add_months(START, months),
            is_percent=Decimal("0.5"),
            control_copies=40_000,
        )
    counts = []
    for user, patient in ((alice, small), (bob, large)):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/patients/{patient.pk}/fhir/").status_code == 200
        counts.append(len(queries))
    # session + user + roles, patient with its record, visibility (asked by the view, then by the export service),
    # 9 table reads, audit insert, 2 savepoint lines
    assert counts[0] == counts[1]
    assert counts[0] == 18
    assert Counter(q["sql"].split()[0] for q in queries.captured_queries)["INSERT"] == 1


def test_export_dates_are_iso_dates(client, alice, cml_record):
    patient = resources(export(client, alice, cml_record), "Patient")[0]
    assert date.fromisoformat(patient["birthDate"]) == date(1971, 3, 9)


def test_lead_without_a_care_record_exports_a_valid_bundle_of_patient_and_consent(client, alice):
    lead = PatientFactory(coordinator=alice, is_lead=True)
    bundle = export(client, alice, lead).json()
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient", "Consent"]
