"""Which patients an expert may see: patients' own relationships plus the rules other apps register
(patients.visibility), consults' booked-consult rule among them; patients names no other app."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from consults.selectors import expert_consult_patient_ids
from patients.models import Note
from patients.selectors import patients_visible_to
from patients.visibility import _rules, register_visibility_rule, visibility_rules
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_rules() -> Iterator[None]:
    saved = dict(_rules)
    yield
    _rules.clear()
    _rules.update(saved)


def test_consults_registers_its_rule_at_start_up():
    assert expert_consult_patient_ids in visibility_rules()


def test_a_registered_rule_lets_the_expert_see_the_patients_it_selects(erin, alice, restore_rules):
    noted = PatientFactory(coordinator=alice, full_name="Noted By Erin")
    PatientFactory(coordinator=alice, full_name="Not Noted")
    Note.objects.create(patient=noted, author=erin, body="Seen in clinic.")
    assert list(patients_visible_to(erin)) == []
    register_visibility_rule("notes", lambda user, now: Note.objects.filter(author=user).values("patient_id"))
    assert list(patients_visible_to(erin)) == [noted]


def test_without_consults_rule_a_consult_gives_no_sight(erin, alice, restore_rules):
    patient = PatientFactory(coordinator=alice)
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    ConsultFactory(patient=patient, expert=ExpertFactory(user=erin), start=start)
    assert list(patients_visible_to(erin)) == [patient]
    _rules.pop("consults")
    assert list(patients_visible_to(erin)) == []
