"""FHIR import of lab results: BCR::ABL1 (IS %) and blood counts, recorded through the console's services.

An Observation is identified by its `identifier`; the ImportedObservation row's unique constraint makes a
re-send change nothing, even when two copies arrive at once. A Bundle is all or nothing.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from pydantic import ValidationError as PydanticValidationError

from interop import codes
from interop.errors import FhirInputError
from interop.models import ImportedObservation
from patients import protocols
from patients.audit import audit_record
from patients.capabilities import can_import_patient_results
from patients.models import AuditAction, GeneticTest, LabResult, Patient, TestKind
from patients.services import genetic_test_result_record, lab_result_record

FINAL_STATUSES = ("final", "amended", "corrected")
MAX_BUNDLE_ENTRIES = 200
COUNT_CODES = {loinc: (field, unit) for field, loinc, _name, unit in codes.BLOOD_COUNTS}
IMPORTABLE = (
    f"BCR::ABL1 IS % (LOINC {protocols.LOINC_BCR_ABL1_IS}) or blood counts (LOINC {protocols.LOINC_CBC}, "
    f"{', '.join(COUNT_CODES)})"
)


@dataclass(frozen=True)
class ImportOutcome:
    imported: ImportedObservation
    created: bool  # False: this identifier was imported before with the same content; nothing changed

    @property
    def result(self) -> GeneticTest | LabResult:
        return self.imported.genetic_test or self.imported.lab_result


def observations_import(
    *, payload: dict[str, Any], by: AbstractBaseUser, request: HttpRequest | None = None
) -> list[ImportOutcome]:
    """Record each Observation (one, or a Bundle's) for the patient it names; audited; all or nothing."""
    observations = _observations_in(payload)
    with transaction.atomic():
        return [_import_one(resource, path=path, by=by, request=request) for path, resource in observations]


def _observations_in(payload: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    kind = payload.get("resourceType") if isinstance(payload, dict) else None
    model = {"Observation": Observation, "Bundle": Bundle}.get(kind)
    entries = payload.get("entry") if kind == "Bundle" else None
    if isinstance(entries, list) and len(entries) > MAX_BUNDLE_ENTRIES:
        # One transaction holds the whole Bundle: keep it short enough not to hold locks for long.
        raise FhirInputError(
            f"A Bundle may hold at most {MAX_BUNDLE_ENTRIES} Observations; split it.",
            expression="Bundle.entry",
            issue="too-costly",
            status=HTTPStatus.BAD_REQUEST,
        )
    if model is None:
        raise FhirInputError(
            f"Send an R4 Observation or a Bundle of Observations, not {kind or 'this body'}.",
            expression="resourceType",
            issue="not-supported",
            status=HTTPStatus.BAD_REQUEST,
        )
    try:
        model.model_validate(payload)
    except PydanticValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
        raise FhirInputError(
            f"The {kind} is not valid FHIR R4: {where}: {first['msg']}.",
            expression=f"{kind}.{where}".rstrip("."),
            issue="structure",
            status=HTTPStatus.BAD_REQUEST,
        ) from error
    if kind == "Observation":
        return [("Observation", payload)]
    found = []
    for index, entry in enumerate(payload.get("entry") or []):
        resource = entry.get("resource") or {}
        if resource.get("resourceType") != "Observation":
            raise FhirInputError(
                f"Bundle entry {index} is a {resource.get('resourceType')}; only Observations are imported.",
                expression=f"Bundle.entry[{index}].resource",
                issue="not-supported",
            )
        found.append((f"Bundle.entry[{index}].resource", resource))
    if not found:
        raise FhirInputError("The Bundle has no entries; add the Observations to import.", expression="Bundle.entry")
    return found


def _import_one(
    resource: dict[str, Any], *, path: str, by: AbstractBaseUser, request: HttpRequest | None
) -> ImportOutcome:
    system, value = _identifier(resource, path)
    patient = _patient(resource, path, by)
    fingerprint = hashlib.sha256(json.dumps(resource, sort_keys=True, default=str).encode()).hexdigest()
    earlier = ImportedObservation.objects.filter(identifier_system=system, identifier_value=value).first()
    if earlier is not None:
        return _resent(earlier, patient=patient, fingerprint=fingerprint, path=path)
    status = resource.get("status")
    if status not in FINAL_STATUSES:
        raise FhirInputError(
            f"Only final results are imported; this one is '{status}'. Send it once it is final.",
            expression=f"{path}.status",
        )
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves no result behind
            result = _record(resource, path=path, patient=patient, by=by)
            try:
                with transaction.atomic():
                    imported = ImportedObservation.objects.create(
                        identifier_system=system,
                        identifier_value=value,
                        patient=patient,
                        fingerprint=fingerprint,
                        imported_by=by,
                        **({"genetic_test": result} if isinstance(result, GeneticTest) else {"lab_result": result}),
                    )
            except IntegrityError as exc:
                raise _LostRace from exc
    except _LostRace:
        # Another request imported the same identifier between our check and our insert: the constraint decides.
        earlier = ImportedObservation.objects.get(identifier_system=system, identifier_value=value)
        return _resent(earlier, patient=patient, fingerprint=fingerprint, path=path)
    audit_record(
        actor=by, action=AuditAction.CREATE, obj=result, request=request, via="fhir", changed_fields=["fhir_import"]
    )
    return ImportOutcome(imported=imported, created=True)


class _LostRace(Exception):
    """The identifier's row was inserted by a concurrent import; ours (and its result) must roll back."""


def _resent(earlier: ImportedObservation, *, patient: Patient, fingerprint: str, path: str) -> ImportOutcome:
    if earlier.patient_id != patient.pk or earlier.fingerprint != fingerprint:
        raise FhirInputError(
            f"An Observation with identifier {earlier} was already imported with other values or for another "
            "patient; imports do not change stored results. Correct the result in the console, or send it with a "
            "new identifier.",
            expression=f"{path}.identifier",
            issue="conflict",
            status=HTTPStatus.CONFLICT,
        )
    return ImportOutcome(imported=earlier, created=False)


def _identifier(resource: dict[str, Any], path: str) -> tuple[str, str]:
    for identifier in resource.get("identifier") or []:
        system, value = identifier.get("system"), identifier.get("value")
        if system and value:
            if len(system) > 255 or len(value) > 255:
                raise FhirInputError(
                    "The identifier's system and value must each be 255 characters or fewer.",
                    expression=f"{path}.identifier",
                )
            return system, value
    raise FhirInputError(
        "Give the Observation an identifier with a system and a value, so a re-send is "
        "recognised and recorded only once.",
        expression=f"{path}.identifier",
        issue="required",
    )


def _patient(resource: dict[str, Any], path: str, by: AbstractBaseUser) -> Patient:
    """The patient named by the clinic identifier the export writes, or by a `Patient/<id>` reference."""
    subject = resource.get("subject") or {}
    identifier = subject.get("identifier") or {}
    reference = subject.get("reference") or ""
    if identifier.get("system") == codes.patient_identifier_system() and identifier.get("value"):
        key = identifier["value"]
    elif reference.startswith("Patient/"):
        key = reference.removeprefix("Patient/")
    else:
        raise FhirInputError(
            f"Name the patient in subject.identifier (system {codes.patient_identifier_system()}) "
            "or as subject.reference 'Patient/<id>', as the export writes it.",
            expression=f"{path}.subject",
            issue="required",
        )
    # ASCII digits of a plausible length only: anything else cannot be an id, and must not overflow the query.
    is_id = key.isascii() and key.isdigit() and len(key) <= 18
    patient = Patient.objects.filter(pk=int(key)).first() if is_id else None
    if patient is None or not can_import_patient_results(by, patient):
        # A patient the caller may not edit is reported as unknown: the answer must not reveal who exists.
        raise FhirInputError(
            f"No patient with id {key} whose record you may change; check the subject.",
            expression=f"{path}.subject",
            issue="not-found",
            status=HTTPStatus.NOT_FOUND,
        )
    return patient


def _record(resource: dict[str, Any], *, path: str, patient: Patient, by: AbstractBaseUser) -> GeneticTest | LabResult:
    loinc = {c.get("code") for c in (resource.get("code") or {}).get("coding") or [] if c.get("system") == codes.LOINC}
    sample_on = _date(resource.get("effectiveDateTime"), f"{path}.effectiveDateTime", "sample date")
    lab = ((resource.get("performer") or [{}])[0]).get("display", "")[:150]
    try:
        if protocols.LOINC_BCR_ABL1_IS in loinc:
            return _record_qpcr(resource, path=path, patient=patient, sample_on=sample_on, lab=lab, by=by)
        counts = _counts(resource, path=path, loinc=loinc)
        return lab_result_record(patient=patient, taken_on=sample_on, lab=lab, recorded_by=by, **counts)
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"result": error.messages}
        detail = " ".join(f"{field}: {' '.join(texts)}" for field, texts in messages.items())
        raise FhirInputError(
            f"The result cannot be recorded. {detail}", expression=path, issue="business-rule"
        ) from error


def _record_qpcr(
    resource: dict[str, Any], *, path: str, patient: Patient, sample_on: date, lab: str, by: AbstractBaseUser
) -> GeneticTest:
    quantity = resource.get("valueQuantity")
    concept = resource.get("valueCodeableConcept") or {}
    if quantity is not None:
        if "%" not in (quantity.get("code"), quantity.get("unit")):
            raise FhirInputError(
                "Give BCR::ABL1 on the International Scale in % (UCUM code '%').", expression=f"{path}.valueQuantity"
            )
        detected, is_percent = True, _decimal(quantity.get("value"), f"{path}.valueQuantity.value")
    elif any(
        c.get("system") == codes.SNOMED and c.get("code") == codes.SNOMED_NOT_DETECTED
        for c in concept.get("coding") or []
    ):
        detected, is_percent = False, None
    else:
        raise FhirInputError(
            f"Give the IS % as valueQuantity, or 'not detected' as valueCodeableConcept "
            f"(SNOMED CT {codes.SNOMED_NOT_DETECTED}).",
            expression=f"{path}.value[x]",
        )
    copies = None
    for index, component in enumerate(resource.get("component") or []):
        if any(c.get("code") == codes.CONTROL_COPIES_CODE for c in (component.get("code") or {}).get("coding") or []):
            value = _decimal(
                (component.get("valueQuantity") or {}).get("value"), f"{path}.component[{index}].valueQuantity.value"
            )
            copies = int(value)
    if copies is None:
        raise FhirInputError(
            f"Add a component with the ABL1 control gene copies (code "
            f"{codes.code_system('observation')}|{codes.CONTROL_COPIES_CODE}); the response level "
            "depends on it.",
            expression=f"{path}.component",
            issue="required",
        )
    issued = resource.get("issued")
    resulted_on = _date(issued, f"{path}.issued", "result date") if issued else sample_on
    method = ((resource.get("method") or {}).get("text") or "")[:60]
    return genetic_test_result_record(
        patient=patient,
        kind=TestKind.BCR_ABL1_QPCR,
        collected_on=sample_on,
        resulted_on=resulted_on,
        bcr_abl1_detected=detected,
        is_percent=is_percent,
        control_copies=copies,
        lab=lab,
        method=method,
        recorded_by=by,
    )


def _counts(resource: dict[str, Any], *, path: str, loinc: set[str]) -> dict[str, Decimal]:
    """Blood counts from a CBC panel's components or from one single-count Observation."""
    if protocols.LOINC_CBC in loinc:
        parts = [(f"{path}.component[{i}]", c) for i, c in enumerate(resource.get("component") or [])]
    elif loinc & COUNT_CODES.keys():
        parts = [(path, resource)]
    else:
        shown = ", ".join(sorted(loinc)) or "no LOINC code"
        raise FhirInputError(
            f"The code ({shown}) is not a result this clinic imports; send {IMPORTABLE}.",
            expression=f"{path}.code",
            issue="code-invalid",
        )
    counts: dict[str, Decimal] = {}
    for where, part in parts:
        codes_here = {
            c.get("code") for c in (part.get("code") or {}).get("coding") or [] if c.get("system") == codes.LOINC
        }
        known = [code for code in codes_here if code in COUNT_CODES]
        if not known:
            continue
        field, unit = COUNT_CODES[known[0]]
        quantity = part.get("valueQuantity") or {}
        allowed = codes.COUNT_UNITS if unit != "g/dL" else codes.HAEMOGLOBIN_UNITS
        if not {quantity.get("code"), quantity.get("unit")} & allowed:
            raise FhirInputError(f"Give this value in {unit} (UCUM).", expression=f"{where}.valueQuantity")
        counts[field] = _decimal(quantity.get("value"), f"{where}.valueQuantity.value")
    if not counts:
        raise FhirInputError(
            f"The panel has no blood count this clinic records; send {IMPORTABLE}.",
            expression=f"{path}.component",
            issue="required",
        )
    return counts


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise FhirInputError("Give a number here.", expression=where, issue="required") from exc
    if not number.is_finite() or number < 0:
        raise FhirInputError("Give a number of zero or more here.", expression=where)
    return number


def _date(value: Any, where: str, what: str) -> date:
    """A full date from a FHIR date or dateTime; a time with a zone is read in the clinic's zone."""
    if not isinstance(value, str) or len(value) < 10:
        raise FhirInputError(
            f"Give the {what} as a full date (YYYY-MM-DD) or date-time.", expression=where, issue="required"
        )
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise FhirInputError(f"The {what} '{value}' is not a date; use YYYY-MM-DD.", expression=where) from exc
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
