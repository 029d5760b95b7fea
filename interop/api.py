"""FHIR endpoints of the staff API: export a care record, import lab-result Observations.

Both speak application/fhir+json, answer errors as OperationOutcome and are audited.
"""

import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.api_errors import api_exception_handler
from interop.codes import FHIR_JSON
from interop.errors import FhirInputError, operation_outcome
from interop.export import care_record_export
from interop.export_clinical import lab_observations, qpcr_observation
from interop.imports import ImportOutcome, observations_import
from patients.capabilities import can_export_patient_record, can_import_patient_results
from patients.models import GeneticTest, Patient

MAX_BODY_BYTES = 5_000_000


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


class FhirJSONParser(BaseParser):
    """JSON whose decimals stay exact (0.0032 % must not become 0.0031999…)."""

    media_type = FHIR_JSON

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        # DRF reads the stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE: cap the body here.
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise ParseError(
                f"The body is larger than {MAX_BODY_BYTES // 1_000_000} MB; send fewer Observations per request."
            )
        try:
            return json.loads(raw.decode(settings.DEFAULT_CHARSET), parse_float=Decimal)
        except RecursionError as exc:  # `[[[…]]]` nested past Python's limit: a 400 like clinic/parsers.py's
            raise ParseError("The body is nested too deeply to be FHIR JSON.") from exc
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"The body is not JSON: {error}") from error


class PlainJSONParser(FhirJSONParser):
    media_type = "application/json"


class AlwaysFhirJSON(BaseContentNegotiation):
    """FHIR clients send Accept headers of every kind; the answer is always application/fhir+json."""

    def select_parser(self, request, parsers):
        return next((p for p in parsers if request.content_type.startswith(p.media_type)), None)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


ISSUE_FOR_STATUS = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    415: "not-supported",
    422: "invalid",
}


def fhir_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The project's one error mapping, reshaped as an OperationOutcome naming the element at fault."""
    response = api_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, FhirInputError):
        response.data = operation_outcome(exc.message, issue=exc.issue, expression=exc.expression)
        return response
    data = response.data
    detail = data.get("detail") if isinstance(data, dict) else None
    text = str(detail) if detail else json.dumps(data, default=str)
    response.data = operation_outcome(
        text,
        issue=ISSUE_FOR_STATUS.get(response.status_code, "processing"),
        expression=data.get("field") if isinstance(data, dict) else None,
    )
    return response


class FhirView(APIView):
    renderer_classes = [FhirJSONRenderer]
    parser_classes = [FhirJSONParser, PlainJSONParser]
    content_negotiation_class = AlwaysFhirJSON

    def get_exception_handler(self):
        return fhir_exception_handler


class ClinicStaffOnly(BasePermission):
    message = "Only clinic staff may export care records."

    def has_permission(self, request, view) -> bool:
        return can_export_patient_record(request.user)  # which patient: the view asks again with the patient


class MayImportResults(BasePermission):
    message = "Only coordinators and admins may import results into a care record."

    def has_permission(self, request, view) -> bool:
        # Whether the caller could import for anyone, checked before the body is read; each patient is asked again.
        return can_import_patient_results(request.user)


OUTCOME = OpenApiResponse(OpenApiTypes.OBJECT, description="An OperationOutcome naming what is wrong.")


class PatientFhirExportView(FhirView):
    permission_classes = [ClinicStaffOnly]

    @extend_schema(
        operation_id="patient_fhir_export",
        tags=["fhir"],
        summary="The patient's care record as a FHIR R4 Bundle (collection)",
        description="Patient, Condition, Observations (BCR::ABL1 IS % with response level and ELN 2020 assessment, "
        "blood counts, genetic findings) with Provenance, MedicationStatements (dose history), the "
        "monitoring CarePlan with its ServiceRequests, Appointments, Tasks, Communications (no message "
        "text unless `include=message_bodies`) and Consents. Audited; not cached.",
        parameters=[
            OpenApiParameter(
                "include",
                str,
                enum=["message_bodies"],
                description="`message_bodies` adds each message's text to its Communication.",
            )
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR R4 Bundle."),
            403: OUTCOME,
            404: OUTCOME,
        },
    )
    def get(self, request, pk: int) -> Response:
        patient = Patient.objects.select_related("care_record").filter(pk=pk).first()
        if patient is None or not can_export_patient_record(request.user, patient):
            raise NotFound("No patient with this id whose record you may see.")
        bodies = "message_bodies" in request.query_params.get("include", "").split(",")
        bundle = care_record_export(patient=patient, by=request.user, with_message_bodies=bodies, request=request)
        response = Response(bundle)
        # Health data: never kept by a browser or proxy cache.
        response["Cache-Control"] = "no-store"
        response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}-fhir-r4.json"'
        return response


IMPORT_EXAMPLE = {
    "resourceType": "Observation",
    "identifier": [{"system": "https://lab.example.org/results", "value": "Q-2026-0042"}],
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "69380-4"}]},
    "subject": {"identifier": {"system": "https://clinic.example.org/fhir/sid/patient", "value": "12"}},
    "effectiveDateTime": "2026-05-02",
    "valueQuantity": {"value": 0.08, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"},
    "component": [
        {
            "code": {
                "coding": [
                    {"system": "https://clinic.example.org/fhir/CodeSystem/observation", "code": "abl1-control-copies"}
                ]
            },
            "valueQuantity": {
                "value": 52000,
                "unit": "copies",
                "system": "http://unitsofmeasure.org",
                "code": "{copies}",
            },
        }
    ],
}


class ObservationImportView(FhirView):
    permission_classes = [MayImportResults]

    @extend_schema(
        operation_id="fhir_observation_import",
        tags=["fhir"],
        summary="Import BCR::ABL1 or blood-count results (an R4 Observation, or a Bundle of them)",
        description="Each Observation needs an `identifier` (a re-send with the same identifier and content changes "
        "nothing and answers 200), `status` final, the patient as `subject.identifier` (system "
        "`{PUBLIC_BASE_URL}/fhir/sid/patient`, as the export writes it) or `subject.reference` "
        "`Patient/<id>`, the sample date as `effectiveDateTime`, and a LOINC code: 69380-4 (BCR::ABL1 "
        "IS %, with an `abl1-control-copies` component) or 58410-2 / 6690-2 / 751-8 / 777-3 / 718-7 "
        "(blood counts). Results are recorded and assessed as in the console; a Bundle is all or "
        "nothing. Errors are OperationOutcomes naming the element.",
        request={FHIR_JSON: OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
        examples=[OpenApiExample("BCR::ABL1 result", value=IMPORT_EXAMPLE, request_only=True)],
        responses={
            201: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The recorded Observation (or a batch-response Bundle) with the clinic's assessment.",
            ),
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Already imported; nothing changed."),
            400: OUTCOME,
            403: OUTCOME,
            404: OUTCOME,
            409: OUTCOME,
            422: OUTCOME,
        },
    )
    def post(self, request) -> Response:
        outcomes = observations_import(payload=request.data, by=request.user, request=request)
        created = any(outcome.created for outcome in outcomes)
        code = http.HTTP_201_CREATED if created else http.HTTP_200_OK
        if request.data.get("resourceType") == "Observation":
            return Response(_stored_observation(outcomes[0]), status=code)
        return Response(
            {
                "resourceType": "Bundle",
                "type": "batch-response",
                "entry": [
                    {
                        "resource": _stored_observation(outcome),
                        "response": {"status": "201 Created" if outcome.created else "200 OK"},
                    }
                    for outcome in outcomes
                ],
            },
            status=code,
        )


def _stored_observation(outcome: ImportOutcome) -> dict[str, Any]:
    """The result as the clinic now holds it (with its response level and ELN assessment), in export form."""
    result = outcome.result
    if isinstance(result, GeneticTest):
        return qpcr_observation(result)
    return lab_observations(result)[0]
