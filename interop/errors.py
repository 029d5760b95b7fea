"""FHIR-shaped errors: the project's DomainError, answered as an OperationOutcome naming the element."""

from http import HTTPStatus
from typing import Any

from clinic.errors import DomainError


class FhirInputError(DomainError):
    """Something in the posted resource is wrong; `expression` names the element (FHIRPath), `issue` the kind."""

    def __init__(
        self,
        message: str,
        *,
        expression: str,
        issue: str = "invalid",
        status: HTTPStatus = HTTPStatus.UNPROCESSABLE_ENTITY,
    ):
        super().__init__(message, field=expression)
        self.expression = expression
        self.issue = issue
        self.status = status


def operation_outcome(diagnostics: str, *, issue: str = "invalid", expression: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"severity": "error", "code": issue, "diagnostics": diagnostics}
    if expression:
        entry["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [entry]}
