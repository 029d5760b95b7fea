"""Reads for patient rights: the care record's panel, the erasure preview, and the API's lists."""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, QuerySet
from django.utils import timezone

from consults.models import Consult, ConsultStatus
from messaging.models import Message
from patients.models import Patient
from patients.selectors import patient_visibility_q
from rights.models import CorrectionRequest, DataPackageLink, ErasureRequest, RetentionPolicy
from rights.services.retention import retention_policy_current

_Row = TypeVar("_Row", bound=Model)

PANEL_ROWS = 10


def package_links_of(patient: Patient) -> QuerySet[DataPackageLink]:
    return DataPackageLink.objects.filter(patient=patient).select_related("message", "created_by", "revoked_by")


def _visible(queryset: QuerySet[_Row], user: User | AnonymousUser) -> QuerySet[_Row]:
    rule = patient_visibility_q(user, prefix="patient__")
    return queryset if rule is None else queryset.filter(rule)


def correction_requests_visible_to(user: User | AnonymousUser) -> QuerySet[CorrectionRequest]:
    return _visible(CorrectionRequest.objects.select_related("recorded_by", "decided_by"), user)


def erasure_requests_visible_to(user: User | AnonymousUser) -> QuerySet[ErasureRequest]:
    return _visible(ErasureRequest.objects.select_related("requested_by", "completed_by"), user)


def rights_rows(patient: Patient) -> dict[str, list[Any]]:
    """Three queries: the latest links (with their message), correction requests and erasure requests."""
    return {
        "links": list(package_links_of(patient)[:PANEL_ROWS]),
        "corrections": list(
            CorrectionRequest.objects.filter(patient=patient).select_related("recorded_by", "decided_by")[:PANEL_ROWS]
        ),
        "erasures": list(
            ErasureRequest.objects.filter(patient=patient).select_related("requested_by", "completed_by")[:PANEL_ROWS]
        ),
    }


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure of this record would touch, for the confirmation step."""

    messages: int
    upcoming_consults: int
    intakes: int
    policy: RetentionPolicy


def erasure_preview(patient: Patient) -> ErasurePreview:
    return ErasurePreview(
        messages=Message.objects.filter(patient=patient).count(),
        upcoming_consults=Consult.objects.filter(
            patient=patient, status=ConsultStatus.CONFIRMED, start__gt=timezone.now()
        ).count(),
        intakes=Patient.objects.filter(intake_of=patient).count(),
        policy=retention_policy_current(),
    )
