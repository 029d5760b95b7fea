"""FHIR resources for the clinical part of a care record: Patient, Condition, Observations, Provenance."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from clinic.timezones import format_date
from interop import codes
from interop.resources import (
    Resource,
    coding,
    compact,
    concept,
    day,
    instant,
    own_concept,
    quantity,
    reference,
    resource_id,
    start_of_day,
)
from patients import protocols
from patients.models import CareRecord, Diagnosis, GeneticTest, LabResult, Patient, TestKind, TestStatus

LAB_CATEGORY = [concept(coding(codes.OBSERVATION_CATEGORY, "laboratory", "Laboratory"))]


def patient_reference(patient: Patient) -> dict[str, Any]:
    """A reference by bundle fullUrl and by the clinic identifier, which the import reads back."""
    ref = reference("Patient", patient.pk, str(patient))
    ref["identifier"] = {"system": codes.patient_identifier_system(), "value": str(patient.pk)}
    return ref


def patient_resource(patient: Patient) -> Resource:
    # An erased record's phone column holds a placeholder, not a number: it has no telecom at all.
    telecom = [] if patient.erased_at else [{"system": "phone", "value": str(patient.phone), "use": "mobile"}]
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    return compact(
        {
            "resourceType": "Patient",
            "id": resource_id("Patient", patient.pk),
            "identifier": [{"system": codes.patient_identifier_system(), "value": str(patient.pk)}],
            "active": True,
            "name": [{"text": patient.full_name}] if patient.full_name else [],
            "telecom": telecom,
            "birthDate": day(patient.date_of_birth),
            "communication": [
                {
                    "language": concept(coding(codes.BCP47, patient.language, patient.get_language_display())),
                    "preferred": True,
                }
            ],
            "managingOrganization": {"display": settings.CLINIC_NAME},
        }
    )


def condition_resource(record: CareRecord) -> Resource:
    codings = []
    if record.icd10_code:
        codings.append(coding(codes.ICD10_CM, record.icd10_code))
    if record.diagnosis == Diagnosis.CML:
        codings.append(coding(codes.SNOMED, "92818009", "Chronic myeloid leukemia"))
    codings.append(coding(codes.code_system("diagnosis"), record.diagnosis, record.get_diagnosis_display()))
    condition: Resource = {
        "resourceType": "Condition",
        "id": resource_id("Condition", record.pk),
        "clinicalStatus": concept(coding(codes.CONDITION_CLINICAL, "active")),
        "verificationStatus": concept(coding(codes.CONDITION_VERIFICATION, "confirmed")),
        "category": [
            concept(
                coding(
                    "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item"
                )
            )
        ],
        "code": concept(*codings, text=record.diagnosis_text),
        "subject": patient_reference(record.patient),
        "onsetDateTime": day(record.diagnosed_on),
        "recordedDate": day(record.created_at.date()),
        "note": [
            {
                "text": f"Treatment: {record.get_treatment_phase_display()}"
                + (f", imatinib since {format_date(record.tki_started_on)}" if record.tki_started_on else "")
                + "."
            }
        ],
    }
    if record.cml_phase:
        condition["stage"] = [{"summary": own_concept("cml-phase", record.cml_phase, record.get_cml_phase_display())}]
    if record.gist_site:
        condition["bodySite"] = [own_concept("gist-site", record.gist_site, record.get_gist_site_display())]
    if record.gist_risk or record.gist_extent:
        condition["stage"] = [
            {
                "summary": own_concept(
                    "gist-stage",
                    f"{record.gist_extent}-{record.gist_risk}".strip("-"),
                    ", ".join(p for p in [record.get_gist_extent_display(), record.get_gist_risk_display()] if p),
                )
            }
        ]
    return compact(condition)


def observation_identifiers(kind: str, pk: int, imported: Any) -> list[dict[str, str]]:
    """Our own identifier first; an imported result also carries the identifier it arrived with."""
    identifiers = [{"system": codes.observation_identifier_system(), "value": f"{kind}-{pk}"}]
    if imported is not None:
        identifiers.append({"system": imported.identifier_system, "value": imported.identifier_value})
    return identifiers


def _imported(row: GeneticTest | LabResult) -> Any:
    try:
        return row.fhir_import
    except ObjectDoesNotExist:  # not every result came in through FHIR
        return None


def qpcr_observation(test: GeneticTest) -> Resource:
    """BCR::ABL1 IS % (LOINC 69380-4): value in %, response level as interpretation, ELN assessment as a component."""
    if test.bcr_abl1_detected is False:
        value = {
            "valueCodeableConcept": concept(
                coding(codes.SNOMED, codes.SNOMED_NOT_DETECTED, "Not detected"), text="BCR::ABL1 undetectable"
            )
        }
    else:
        value = {"valueQuantity": quantity(test.is_percent, "%")}
    components = [
        {
            "code": own_concept("observation", codes.CONTROL_COPIES_CODE, "ABL1 control gene copies"),
            "valueQuantity": quantity(test.control_copies, "copies", "{copies}"),
        }
    ]
    if test.eln_assessment:
        components.append(
            {
                "code": own_concept("observation", codes.ELN_ASSESSMENT_CODE, protocols.ELN_SOURCE),
                "valueCodeableConcept": own_concept(
                    "eln-assessment", test.eln_assessment, test.get_eln_assessment_display()
                ),
            }
        )
    notes = (
        [
            f"ELN 2020: {test.get_eln_assessment_display()}"
            + (f" at the {test.eln_milestone} milestone" if test.eln_milestone else "")
            + (f" ({test.months_on_treatment} months on treatment)" if test.months_on_treatment is not None else "")
            + (f". {test.eln_rule}" if test.eln_rule else "")
        ]
        if test.eln_assessment
        else []
    )
    if test.needs_confirmation:
        notes.append("Failure needs confirmation by a repeat test within 1–3 months.")
    if test.lost_mmr:
        notes.append("Loss of MMR.")
    return compact(
        {
            **_observation_head(test, "genetic-test"),
            "code": concept(
                coding(codes.LOINC, protocols.LOINC_BCR_ABL1_IS, "BCR-ABL1 / control gene ratio, International Scale"),
                text="BCR::ABL1 (IS %)",
            ),
            **value,
            "interpretation": [
                own_concept("molecular-response", test.molecular_response, test.get_molecular_response_display())
            ]
            if test.molecular_response
            else [],
            "component": components,
            "note": [{"text": text} for text in notes],
        }
    )


def genetic_observation(test: GeneticTest) -> Resource:
    """Ph chromosome, transcript type, KIT / PDGFRA and other findings as coded or text values."""
    codings = [coding(codes.code_system("test-kind"), test.kind, test.get_kind_display())]
    value: dict[str, Any]
    if test.kind == TestKind.BCR_ABL1_QUALITATIVE:
        loinc = protocols.LOINC_BCR_ABL1_P190 if test.transcript == "e1a2" else protocols.LOINC_BCR_ABL1_P210
        codings.insert(0, coding(codes.LOINC, loinc))
        value = {"valueCodeableConcept": own_concept("transcript", test.transcript, test.get_transcript_display())}
    elif test.ph_result:
        value = {"valueCodeableConcept": own_concept("ph-result", test.ph_result, test.get_ph_result_display())}
    elif test.gist_finding:
        finding = own_concept("gist-finding", test.gist_finding, test.get_gist_finding_display())
        if test.variant_detail:
            finding["text"] = f"{test.get_gist_finding_display()} {test.variant_detail}"
        value = {"valueCodeableConcept": finding}
    else:
        value = {"valueString": test.result_display}
    notes = []
    if test.kind == TestKind.GIST_MUTATION and test.gist_finding in protocols.GIST_FINDINGS:
        notes.append(protocols.GIST_FINDINGS[test.gist_finding].meaning)
    if test.high_risk_aca:
        notes.append("High-risk additional chromosomal abnormality.")
    return compact(
        {
            **_observation_head(test, "genetic-test"),
            "code": concept(*codings, text=test.get_kind_display()),
            **value,
            "note": [{"text": text} for text in notes if text],
        }
    )


def _observation_head(test: GeneticTest, kind: str) -> Resource:
    return {
        "resourceType": "Observation",
        "id": resource_id("Observation", f"{kind}/{test.pk}"),
        "identifier": observation_identifiers(kind, test.pk, _imported(test)),
        "status": "final",
        "category": LAB_CATEGORY,
        "subject": patient_reference(test.patient),
        "effectiveDateTime": day(test.sample_on),
        "issued": start_of_day(test.resulted_on),
        "performer": [{"display": test.lab}] if test.lab else [],
        "method": concept(text=test.method) if test.method else None,
    }


def lab_observations(result: LabResult) -> list[Resource]:
    """A CBC panel (LOINC 58410-2) with one component per count, and a liver panel when liver values exist."""
    head = {
        "resourceType": "Observation",
        "status": "final",
        "category": LAB_CATEGORY,
        "subject": patient_reference(result.patient),
        "effectiveDateTime": day(result.taken_on),
        "issued": instant(result.created_at),
        "performer": [{"display": result.lab}] if result.lab else [],
    }
    holds = [
        {"text": f"{hold.finding}: {hold.guidance.rstrip('.')} (imatinib label; the oncologist decides)."}
        for hold in result.hold_guidance
    ]
    observations = []
    counts = [
        (field, loinc, name, unit)
        for field, loinc, name, unit in codes.BLOOD_COUNTS
        if getattr(result, field) is not None
    ]
    if counts:
        observations.append(
            compact(
                {
                    **head,
                    "id": resource_id("Observation", f"lab-result/{result.pk}/cbc"),
                    "identifier": observation_identifiers("lab-result", result.pk, _imported(result)),
                    "code": concept(
                        coding(codes.LOINC, protocols.LOINC_CBC, "CBC panel - Blood by Automated count"),
                        text="Complete blood count",
                    ),
                    "component": [
                        {
                            "code": concept(coding(codes.LOINC, loinc, name)),
                            "valueQuantity": quantity(getattr(result, field), unit),
                        }
                        for field, loinc, name, unit in counts
                    ],
                    "note": holds,
                }
            )
        )
    liver = [(field, code, name) for field, code, name in codes.LIVER_VALUES if getattr(result, field) is not None]
    if liver:
        observations.append(
            compact(
                {
                    **head,
                    "id": resource_id("Observation", f"lab-result/{result.pk}/liver"),
                    "identifier": [
                        {"system": codes.observation_identifier_system(), "value": f"lab-result-{result.pk}-liver"}
                    ],
                    "code": own_concept(
                        "observation", "liver-x-uln", "Liver tests as multiples of the upper limit of normal"
                    ),
                    "component": [
                        {
                            "code": own_concept("observation", code, name),
                            "valueQuantity": quantity(getattr(result, field), "× ULN", "1"),
                        }
                        for field, code, name in liver
                    ],
                    "note": [] if counts else holds,
                }
            )
        )
    return observations


def provenance_resource(target: Resource, *, recorded: str, who: str, imported: Any) -> Resource:
    """Who entered a result and, for an imported one, the identifier of the Observation it came from."""
    provenance: Resource = {
        "resourceType": "Provenance",
        "id": resource_id("Provenance", target["id"]),
        "target": [{"reference": f"urn:uuid:{target['id']}"}],
        "recorded": recorded,
        "agent": [
            {
                "type": concept(coding(codes.PROVENANCE_PARTICIPANT, "enterer", "Enterer")),
                "who": {"display": who or "system"},
            }
        ],
    }
    if imported is not None:
        provenance["entity"] = [
            {
                "role": "source",
                "what": {"identifier": {"system": imported.identifier_system, "value": imported.identifier_value}},
            }
        ]
    return provenance


def result_resources(tests: list[GeneticTest], lab_results: list[LabResult]) -> list[Resource]:
    """Observations of every resulted test and blood result, each with its Provenance."""
    resources: list[Resource] = []
    for test in tests:
        if test.status != TestStatus.RESULTED:
            continue
        observation = qpcr_observation(test) if test.kind == TestKind.BCR_ABL1_QPCR else genetic_observation(test)
        who = test.recorded_by.get_username() if test.recorded_by else ""
        resources += [
            observation,
            provenance_resource(observation, recorded=instant(test.created_at), who=who, imported=_imported(test)),
        ]
    for result in lab_results:
        who = result.recorded_by.get_username() if result.recorded_by else ""
        for observation in lab_observations(result):
            resources += [
                observation,
                provenance_resource(
                    observation, recorded=instant(result.created_at), who=who, imported=_imported(result)
                ),
            ]
    return resources
