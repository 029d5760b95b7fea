"""Code systems and code tables used in FHIR exports and imports, each with its source.

Standard codes come from shared/domain.md ("Interoperability codes seen in sources"); where no
standard code was confirmed there, the clinic's own code system under PUBLIC_BASE_URL is used, so
nothing is labelled with a code that means something else.
"""

import uuid

from django.conf import settings

from patients import protocols

FHIR_JSON = "application/fhir+json"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
# ICD-10-CM, because the C49.Ax GIST and C92.1x CML codes in domain.md are ICD-10-CM codes.
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
BCP47 = "urn:ietf:bcp:47"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

# SNOMED CT 260415000 "Not detected" (qualifier value): an undetectable BCR::ABL1 result.
SNOMED_NOT_DETECTED = "260415000"
# LOINC 59284-0 "Patient consent", the category used by the FHIR R4 Consent examples.
LOINC_CONSENT = "59284-0"

# Counts are reported in 10^9/L; 10^3/µL is the same number (UCUM codes as labs send them).
COUNT_UNITS = frozenset({"10*9/L", "10*3/uL", "10^9/L", "10^3/uL", "x10E9/L", "x10E3/uL"})
# Haemoglobin: LOINC 718-7 (Hemoglobin [Mass/volume] in Blood), from the LOINC table, not listed in
# domain.md (confirm); g/dL as the console records it.
LOINC_HAEMOGLOBIN = "718-7"
HAEMOGLOBIN_UNITS = frozenset({"g/dL"})

# (model field, LOINC code, display, unit) of each blood count the export writes and the import reads.
BLOOD_COUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("wbc", protocols.LOINC_WBC, "Leukocytes [#/volume] in Blood", "10*9/L"),
    ("anc", protocols.LOINC_NEUTROPHILS, "Neutrophils [#/volume] in Blood", "10*9/L"),
    ("platelets", protocols.LOINC_PLATELETS, "Platelets [#/volume] in Blood", "10*9/L"),
    ("haemoglobin", LOINC_HAEMOGLOBIN, "Hemoglobin [Mass/volume] in Blood", "g/dL"),
)
# Liver values are stored as multiples of the upper limit of normal, which no LOINC code means: own codes.
LIVER_VALUES: tuple[tuple[str, str, str], ...] = (
    ("alt_x_uln", "alt-x-uln", "ALT, multiple of the upper limit of normal"),
    ("ast_x_uln", "ast-x-uln", "AST, multiple of the upper limit of normal"),
    ("bilirubin_x_uln", "bilirubin-x-uln", "Bilirubin, multiple of the upper limit of normal"),
)
CONTROL_COPIES_CODE = "abl1-control-copies"
ELN_ASSESSMENT_CODE = "eln-2020-assessment"


def base_url() -> str:
    return settings.PUBLIC_BASE_URL


def clinic_system(name: str) -> str:
    """The clinic's own code or identifier system, e.g. https://clinic.example.org/fhir/sid/patient."""
    return f"{base_url()}/fhir/{name}"


def patient_identifier_system() -> str:
    return clinic_system("sid/patient")


def observation_identifier_system() -> str:
    return clinic_system("sid/observation")


def code_system(name: str) -> str:
    return clinic_system(f"CodeSystem/{name}")


def stable_uuid(kind: str, key: object) -> str:
    """The same uuid for the same row on every export of this deployment (uuid5 over its base URL)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url()}/fhir/{kind}/{key}"))
