"""The "Patient rights" section of the care record (a clinic.panels RecordPanel): the data package link,
correction requests and the erasure request, with the forms that start each."""

from typing import Any

from django.http import HttpRequest

from clinic.panels import RecordPanel
from patients.capabilities import can_manage_patient_rights, can_run_erasure, can_set_retention
from patients.models import Patient
from rights.forms import ErasureRequestForm, PackageLinkForm
from rights.models import ErasureStatus
from rights.selectors import rights_rows


def rights_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """Five queries: two capability checks (visibility) and the three lists."""
    user = request.user
    may_manage = can_manage_patient_rights(user, patient)
    may_erase = can_run_erasure(user, patient)
    rows = rights_rows(patient)
    open_erasure = next((e for e in rows["erasures"] if e.status == ErasureStatus.REQUESTED), None)
    active = not patient.is_erased and patient.is_verified
    return {
        **rows,
        "open_erasure": open_erasure,
        "package_form": PackageLinkForm(prefix="package") if may_manage and active else None,
        "erasure_form": ErasureRequestForm(prefix="erasure") if may_erase and active and not open_erasure else None,
        "may_manage": may_manage and active,
        "may_erase": may_erase,
        "may_set_retention": can_set_retention(user),
    }


RIGHTS_PANEL = RecordPanel(
    key="rights",
    title="Patient rights",
    template="rights/panel.html",
    context=rights_context,
    order=70,
    visible_to=lambda user: can_manage_patient_rights(user),
)
