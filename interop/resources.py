"""Small builders shared by the export modules: references, codings, quantities, dates."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from interop.codes import UCUM, code_system, stable_uuid

Resource = dict[str, Any]


def resource_id(kind: str, key: object) -> str:
    return stable_uuid(kind, key)


def full_url(kind: str, key: object) -> str:
    return f"urn:uuid:{resource_id(kind, key)}"


def reference(kind: str, key: object, display: str = "") -> dict[str, str]:
    ref = {"reference": full_url(kind, key)}
    if display:
        ref["display"] = display
    return ref


def coding(system: str, code: str, display: str = "") -> dict[str, str]:
    item = {"system": system, "code": code}
    if display:
        item["display"] = display
    return item


def concept(*codings: dict[str, str], text: str = "") -> dict[str, Any]:
    value: dict[str, Any] = {}
    if codings:
        value["coding"] = list(codings)
    if text:
        value["text"] = text
    return value


def own_concept(system_name: str, code: str, display: str) -> dict[str, Any]:
    """A concept in the clinic's own code system (for values no standard code was confirmed for)."""
    return concept(coding(code_system(system_name), code, display), text=display)


def quantity(value: Decimal | int, unit: str, code: str | None = None) -> dict[str, Any]:
    # FHIR decimals are JSON numbers; the stored Decimal is exact and short (6 places at most).
    number: float | int = value if isinstance(value, int) else float(value)
    return {"value": number, "unit": unit, "system": UCUM, "code": code or unit}


def instant(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def start_of_day(value: date) -> str:
    """A date as an instant: midnight in the clinic's zone (FHIR `instant` needs a time and zone)."""
    return datetime.combine(value, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def compact(resource: Resource) -> Resource:
    """Drop empty values: FHIR forbids empty strings, lists and objects."""
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}
