"""Issue 13: the expert's consult page shows how to reach the patient and records the outcome."""

import pytest
import time_machine

from consults.models import Consult, ConsultStatus
from consults.video import consult_video_url
from patients.models import AuditEntry
from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consult(erin, alice, frozen):
    expert = ExpertFactory(user=erin, display_name="Dr Erin")
    patient = PatientFactory(coordinator=alice, phone="+447700900123", time_zone="Europe/London")
    return ConsultFactory(expert=expert, patient=patient, start=ist(DEC_2, 10, 30), mode="video")


def page(client, user, consult) -> str:
    client.force_login(user)
    return client.get(f"/admin/consults/consult/{consult.pk}/change/").content.decode()


def outcome(client, user, consult, value: str):
    with time_machine.travel(ist(DEC_2, 10, 55)):
        client.force_login(user)  # staff sessions end after a short idle time
        return client.post(f"/admin/consults/consult/{consult.pk}/outcome/", {"outcome": value})


def test_expert_sees_the_patients_phone(client, erin, consult):
    assert 'href="tel:+447700900123"' in page(client, erin, consult)


def test_expert_sees_the_patients_local_time(client, erin, consult):
    assert "2 Dec 2026, 05:00 GMT (Europe/London)" in page(client, erin, consult)


def test_expert_sees_the_video_link(client, erin, consult):
    assert consult_video_url(consult) in page(client, erin, consult)


def test_expert_sees_the_outcome_buttons(client, erin, consult):
    assert "Mark no-show" in page(client, erin, consult)


def test_expert_marks_a_consult_completed_from_its_page(client, erin, consult):
    response = outcome(client, erin, consult, "completed")
    assert response.status_code == 302
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.COMPLETED


def test_marking_the_outcome_is_audited(client, erin, consult):
    outcome(client, erin, consult, "no_show")
    assert AuditEntry.objects.filter(action="change", actor=erin, patient=consult.patient).exists()


def test_marking_before_the_consult_explains_and_changes_nothing(client, erin, consult):
    client.force_login(erin)
    client.post(f"/admin/consults/consult/{consult.pk}/outcome/", {"outcome": "completed"})
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.CONFIRMED


def test_another_expert_cannot_mark_the_outcome(client, consult, django_user_model):
    from django.contrib.auth.models import Group

    from clinic.roles import EXPERT

    other = django_user_model.objects.create_user("dr.other", password="x", is_staff=True)
    other.groups.add(Group.objects.get_or_create(name=EXPERT)[0])
    ExpertFactory(user=other)
    response = outcome(client, other, consult, "completed")
    assert response.status_code in (302, 403)
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.CONFIRMED


def test_an_outsider_cannot_mark_the_outcome(client, charlie, consult):
    outcome(client, charlie, consult, "completed")
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.CONFIRMED


def test_an_unknown_outcome_changes_nothing(client, erin, consult):
    outcome(client, erin, consult, "vanished")
    assert Consult.objects.get(pk=consult.pk).status == ConsultStatus.CONFIRMED
