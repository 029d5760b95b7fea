"""Symptom escalation and care tasks: red flags and grade >= 3 are urgent at once; tasks open once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from patients import protocols
from patients.models import CareTask
from patients.services import care_task_open, care_task_set_status, symptom_report_record
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(alice):
    return PatientFactory(coordinator=alice)


def report(patient, symptom, grade, **extra):
    return symptom_report_record(
        patient=patient, symptom=symptom, grade=grade, source="sms", reported_at=timezone.now(), **extra
    )


@pytest.mark.parametrize("symptom", [s.key for s in protocols.SYMPTOMS if s.red_flag])
def test_every_red_flag_symptom_is_urgent_even_at_grade_1(patient, symptom):
    saved, urgent = report(patient, symptom, 1)
    assert urgent
    assert saved.is_red_flag
    task = CareTask.objects.get(source_kind="symptom", source_id=saved.pk)
    assert task.priority == "urgent"
    assert "call the patient now" in task.title


@pytest.mark.parametrize(("grade", "urgent"), [(1, False), (2, False), (3, True), (4, True), (5, True)])
def test_common_side_effect_is_urgent_from_grade_3(patient, grade, urgent):
    saved, was_urgent = report(patient, "nausea", grade)
    assert (was_urgent, saved.is_urgent) == (urgent, urgent)
    assert CareTask.objects.filter(source_kind="symptom", source_id=saved.pk).exists() is urgent


def test_urgent_task_goes_to_the_patients_coordinator_and_is_due_now(patient, alice):
    saved, _urgent = report(patient, "chest_pain", 2)
    task = CareTask.objects.get(source_id=saved.pk)
    assert task.assignee == alice
    assert task.due_at <= timezone.now()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"symptom": "hiccups"}, "symptom"),
        ({"grade": 6}, "grade"),
        ({"grade": 0}, "grade"),
        ({"source": "pigeon"}, "source"),
        ({"symptom": "other"}, "note"),
    ],
)
def test_bad_symptom_input_names_the_field(patient, changes, field):
    values = {"symptom": "nausea", "grade": 2, "source": "sms", "reported_at": timezone.now(), **changes}
    with pytest.raises(DomainError) as error:
        symptom_report_record(patient=patient, **values)
    assert error.value.field == field


def test_report_in_the_future_is_refused(patient):
    with pytest.raises(DomainError, match="in the future"):
        symptom_report_record(
            patient=patient, symptom="nausea", grade=1, source="web", reported_at=timezone.now() + timedelta(hours=2)
        )


def open_task(patient, *, title: str, priority: str = "low", source_kind: str = "manual", source_id=None, **extra):
    """A care task due today, opened through the service (by hand unless a source is named)."""
    return care_task_open(
        patient=patient,
        title=title,
        priority=priority,
        due=timezone.localdate(),
        source_kind=source_kind,
        source_id=source_id,
        **extra,
    )


def test_opening_the_same_source_twice_returns_the_open_task(patient):
    first = open_task(patient, title="Message failed", priority="normal", source_kind="message", source_id=41)
    again = open_task(
        patient,
        title="Message failed again",
        priority="high",
        source_kind="message",
        source_id=41,
        detail="Second failure",
    )
    assert again.pk == first.pk
    assert (again.priority, again.detail) == ("high", "Second failure")
    assert CareTask.objects.count() == 1


def test_a_closed_task_does_not_block_a_new_one_for_the_same_source(patient, alice):
    first = open_task(patient, title="Adherence gap", priority="normal", source_kind="adherence", source_id=7)
    care_task_set_status(task=first, status="done", by=alice)
    second = open_task(patient, title="Adherence gap", priority="normal", source_kind="adherence", source_id=7)
    assert second.pk != first.pk


def test_closing_stamps_who_and_when_and_reopening_clears_it(patient, alice):
    task = open_task(patient, title="Call back")
    task = care_task_set_status(task=task, status="done", by=alice)
    assert task.completed_by == alice
    assert task.completed_at is not None
    task = care_task_set_status(task=task, status="open", by=alice)
    assert task.completed_at is None
    assert task.completed_by is None


def test_reopening_is_refused_when_another_task_covers_the_source(patient, alice):
    first = open_task(patient, title="A", source_kind="message", source_id=9)
    care_task_set_status(task=first, status="done", by=alice)
    open_task(patient, title="B", source_kind="message", source_id=9)
    with pytest.raises(Conflict):
        care_task_set_status(task=first, status="open", by=alice)


def test_unknown_priority_is_refused_naming_the_field(patient):
    with pytest.raises(DomainError) as error:
        open_task(patient, title="x", priority="whenever")
    assert error.value.field == "priority"


def test_unknown_source_is_refused(patient):
    with pytest.raises(DomainError):
        open_task(patient, title="x", source_kind="dream")


def test_task_due_on_a_date_is_due_by_the_end_of_that_day_in_the_clinic_zone(patient):
    task = open_task(patient, title="x")
    local = timezone.localtime(task.due_at)
    assert (local.date(), local.hour, local.minute) == (timezone.localdate(), 23, 59)
