"""Done when: an erased patient's name, phone and message texts appear nowhere in the database.

The search walks every model Django knows (every app, Wagtail's too) and every text column (char, text,
JSON, file name) with a case-insensitive substring match. It runs on SQLite and, with DATABASE_URL set,
on PostgreSQL."""

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from patients.models import GeneticTest, LabResult, Medication, Note, Patient
from rights.services import erasure_request_complete, erasure_request_record
from tests.rights.scenario import CLINICAL_NOTE, NEEDLES, lived_record

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def text_columns() -> list[tuple[type[models.Model], str, bool]]:
    columns: list[tuple[type[models.Model], str, bool]] = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS):
                columns.append((model, str(field.column), isinstance(field, models.JSONField)))
    return columns


def where_found(needle: str) -> list[str]:
    """Every table.column holding `needle` (any case); JSON compared as its text."""
    places = []
    for model, column, is_json in text_columns():
        rows = model._base_manager.all()
        name = column
        if is_json:
            rows = rows.annotate(as_text=Cast(column, output_field=models.TextField()))
            name = "as_text"
        if rows.filter(**{f"{name}__icontains": needle}).exists():
            places.append(f"{model._meta.db_table}.{column}")
    return places


def erase(patient: Patient, actor) -> None:
    erasure = erasure_request_record(
        actor=actor, patient=patient, received_via="phone", received_on=timezone.localdate()
    )
    erasure_request_complete(actor=actor, erasure=erasure, confirm_reference=patient.reference)


@pytest.fixture
def lived(alice, ada, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return lived_record(alice, ada)


def test_the_search_finds_every_needle_before_the_erasure(lived):
    """The walk can fail: before the erasure each string is somewhere."""
    assert [needle for needle in NEEDLES if not where_found(needle)] == []


def test_the_name_is_in_many_tables_before_the_erasure(lived):
    assert len(where_found(NEEDLES[0])) >= 10


@pytest.mark.parametrize("needle", NEEDLES)
def test_after_the_erasure_the_string_is_nowhere(lived, alice, needle):
    erase(lived, alice)
    assert where_found(needle) == []


def test_clinical_rows_under_retention_remain_with_the_pseudonym(lived, alice):
    erase(lived, alice)
    assert Patient.objects.get(pk=lived.pk).full_name == f"Erased patient {lived.reference}"
    assert GeneticTest.objects.filter(patient=lived).count() == 1
    assert LabResult.objects.filter(patient=lived).count() == 1
    assert Medication.objects.filter(patient=lived).count() == 1


def test_the_clinical_words_of_a_note_stay(lived, alice):
    erase(lived, alice)
    assert CLINICAL_NOTE in Note.objects.get(patient=lived).body
