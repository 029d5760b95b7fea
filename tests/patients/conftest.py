"""Care-record fixtures: the clinic's "today" (Monday 15 June 2026, 09:00 in Kolkata) and a CML patient of
alice's seven months into imatinib on that day."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from clinic.months import add_months
from patients.models import Patient
from tests.factories.care import cml_patient

TODAY = date(2026, 6, 15)
START = add_months(TODAY, -7)


@pytest.fixture
def frozen_today(time_machine):
    """The clock stopped at 09:00 IST on TODAY; the time machine is returned for tests that move it on."""
    time_machine.move_to(datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")), tick=False)
    return time_machine


@pytest.fixture
def alices_patient(alice) -> Patient:
    return cml_patient(started_on=START, coordinator=alice)


def post_edit_page(client, patient: Patient, changes: dict[str, str]):
    """Post the record's "Edit details" page back as a browser would, with `changes` made to its fields."""
    edit_url = f"/admin/patients/patient/{patient.pk}/edit/"
    page = client.get(edit_url)
    data = _form_data(page.context["adminform"].form, page.context["inline_admin_formsets"])
    return client.post(edit_url, {**data, **changes})


def _form_data(form, inline_formsets) -> dict:
    """The values a browser would post back for an admin change form and its inlines."""
    data = {}
    for bound in [form, *[f for inline in inline_formsets for f in inline.formset]]:
        for field in bound:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = (
                "on" if value is True else (value.isoformat() if hasattr(value, "isoformat") else value)
            )
    for inline in inline_formsets:
        management = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data
