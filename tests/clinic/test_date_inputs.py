"""Issue 14: every console date field is a native date picker that also takes dd/mm/yyyy; bad dates are
reported on their own field in a plain sentence; the API keeps ISO 8601."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from clinic.date_inputs import INVALID_DATE, NativeDateInput, has_console_dates
from patients.models import CareTask, LabResult, MonitoringItem
from tests.factories.care import cml_patient
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def patient(alice):
    return PatientFactory(coordinator=alice)


def add_lab_result(client, user, patient, taken_on: str):
    client.force_login(user)
    return client.post(
        reverse("admin:patients_labresult_add"),
        {"patient": patient.pk, "taken_on": taken_on, "lab": "City Lab", "platelets": "180"},
    )


@pytest.mark.parametrize("typed", ["2026-11-28", "28/11/2026", "28-11-2026", "28 Nov 2026"])
def test_an_admin_date_is_accepted_as_typed_in_india(client, alice, patient, typed):
    assert add_lab_result(client, alice, patient, typed).status_code == 302
    assert LabResult.objects.get(patient=patient).taken_on == date(2026, 11, 28)


def test_day_first_is_never_read_as_month_first(client, alice, patient):
    add_lab_result(client, alice, patient, "05/11/2026")
    assert LabResult.objects.get(patient=patient).taken_on == date(2026, 11, 5)


def test_an_impossible_date_is_reported_on_its_own_field(client, alice, patient):
    response = add_lab_result(client, alice, patient, "31/02/2026")
    assert response.context["adminform"].form.errors["taken_on"] == [INVALID_DATE]


def test_the_error_sentence_says_how_to_type_a_date():
    assert INVALID_DATE == "Enter the date as dd/mm/yyyy, for example 28/11/2026."


def test_an_admin_date_field_is_a_native_date_input_filled_in_iso(client, alice, patient):
    result = LabResult.objects.create(patient=patient, taken_on=date(2026, 11, 28))
    client.force_login(alice)
    body = client.get(reverse("admin:patients_labresult_change", args=[result.pk])).content.decode()
    assert 'type="date" name="taken_on" value="2026-11-28"' in body


def test_an_admin_date_field_shows_the_example(client, alice):
    client.force_login(alice)
    assert "e.g. 28/11/2026" in client.get(reverse("admin:patients_labresult_add")).content.decode()


def add_task_due(client, patient, assignee, title: str, *, day: str):
    """Post the console's "add care task" form, due at 15:30 on `day` as typed."""
    return client.post(
        reverse("admin:patients_caretask_add"),
        {
            "patient": patient.pk,
            "title": title,
            "detail": "",
            "priority": "normal",
            "due_at_0": day,
            "due_at_1": "15:30",
            "assignee": assignee.pk,
            "status": "open",
        },
    )


def test_the_date_half_of_a_date_time_takes_dd_mm_yyyy(client, alice, patient):
    client.force_login(alice)
    response = add_task_due(client, patient, alice, "Call about the results", day="03/12/2026")
    assert response.status_code == 302
    assert CareTask.objects.get(patient=patient).due_at == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # 15:30 IST


def test_an_impossible_date_half_is_reported_on_the_date_time_field(client, alice, patient):
    client.force_login(alice)
    response = add_task_due(client, patient, alice, "Call", day="31/02/2026")
    assert response.context["adminform"].form.errors["due_at"] == [INVALID_DATE]


def test_the_date_half_of_a_date_time_is_a_date_picker(client, alice):
    client.force_login(alice)
    assert 'type="date" name="due_at_0"' in client.get(reverse("admin:patients_caretask_add")).content.decode()


def test_the_time_half_shows_hours_and_minutes(client, alice, patient):
    client.force_login(alice)
    task = CareTask.objects.create(
        patient=patient, title="Call", priority="normal", due_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    )
    body = client.get(reverse("admin:patients_caretask_change", args=[task.pk])).content.decode()
    assert 'name="due_at_1" value="15:30"' in body


def test_a_custom_console_form_takes_dd_mm_yyyy(client, alice):
    patient = cml_patient(started_on=date(2025, 6, 1), coordinator=alice)
    item = MonitoringItem.objects.filter(patient=patient, completed_on__isnull=True).order_by("due_on").first()
    client.force_login(alice)
    response = client.post(
        reverse("admin:patients_monitoringitem_action", args=[item.pk, "override"]),
        {"due_on": "15/01/2027", "reason": "Patient travelling"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_on == date(2027, 1, 15)


def test_the_access_report_takes_dd_mm_yyyy(client, ada):
    client.force_login(ada)
    response = client.get(reverse("access-report"), {"start": "28/11/2026", "end": "01/12/2026"})
    assert response.context["form"].cleaned_data["start"] == date(2026, 11, 28)


@pytest.mark.parametrize("label", sorted(m._meta.label for m in admin.site._registry))
def test_every_registered_admin_uses_the_console_date_inputs(label):
    model_admin = next(ma for m, ma in admin.site._registry.items() if m._meta.label == label)
    assert has_console_dates(type(model_admin))


def test_every_inline_uses_the_console_date_inputs():
    inlines = [inline for model_admin in admin.site._registry.values() for inline in model_admin.inlines]
    assert [inline.__name__ for inline in inlines if not has_console_dates(inline)] == []


def test_every_editable_date_field_in_the_console_renders_a_date_picker():
    request = RequestFactory().get("/admin/")
    pickers = []
    for model, model_admin in admin.site._registry.items():
        for field in model._meta.get_fields():
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and field.editable:
                form_field = model_admin.formfield_for_dbfield(field, request)
                pickers.append((model._meta.label, field.name, type(form_field.widget).__name__))
    assert {widget for _label, _name, widget in pickers} == {NativeDateInput.__name__}


# --- the API keeps ISO 8601 --------------------------------------------------------------------------


def api_dose_change(client, alice, changed_on: str):
    """alice changes the dose of her patient's imatinib course through the API, dated as given."""
    patient = cml_patient(started_on=date(2025, 6, 1), coordinator=alice)
    client.force_login(alice)
    return client.post(
        f"/api/v1/medications/{patient.medications.get().pk}/dose-change/",
        {"to_mg": 300, "changed_on": changed_on, "reason": "Grade 3 neutropenia"},
        content_type="application/json",
    )


def test_the_api_reads_iso_dates(client, alice):
    response = api_dose_change(client, alice, "2026-11-28")
    assert response.status_code == 201, response.content


def test_the_api_refuses_dd_mm_yyyy_naming_the_field(client, alice):
    response = api_dose_change(client, alice, "28/11/2026")
    assert response.status_code == 400
    assert "changed_on" in response.json()


def test_the_api_answers_dates_in_iso_8601(client, alice):
    cml_patient(started_on=date(2025, 6, 1), coordinator=alice)
    client.force_login(alice)
    assert client.get("/api/v1/medications/").json()["results"][0]["started_on"] == "2025-06-01"
