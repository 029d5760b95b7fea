"""Staff API: who sees which consults, filters, fixed query counts, outcomes, audit."""

import pytest
import time_machine

from accounts.tokens import api_token_create
from consults.models import ConsultStatus
from patients.models import AuditEntry
from tests.consults.helpers import DEC_2, ist
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/staff/consults/"


@pytest.fixture
def world(alice, bob, erin, frozen):
    erins = ExpertFactory(user=erin, display_name="Dr Erin")
    other = ExpertFactory(display_name="Dr Other")
    alices_patient = PatientFactory(coordinator=alice)
    bobs_patient = PatientFactory(coordinator=bob)
    unassigned = PatientFactory(coordinator=None)
    return {
        "erin_alice": ConsultFactory(expert=erins, patient=alices_patient, start=ist(DEC_2, 9)),
        "other_alice": ConsultFactory(expert=other, patient=alices_patient, start=ist(DEC_2, 10)),
        "other_unassigned": ConsultFactory(expert=other, patient=unassigned, start=ist(DEC_2, 11)),
        "other_bob": ConsultFactory(
            expert=other, patient=bobs_patient, start=ist(DEC_2, 12), status=ConsultStatus.CANCELLED
        ),
        "erins": erins,
        "other": other,
    }


def references(response) -> set[str]:
    return {row["reference"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("alice", {"erin_alice", "other_alice", "other_unassigned"}),
        ("bob", {"other_unassigned", "other_bob"}),
        ("erin", {"erin_alice"}),
        ("ada", {"erin_alice", "other_alice", "other_unassigned", "other_bob"}),
    ],
)
def test_each_staff_member_sees_only_the_consults_they_may(client, world, request, ada, who, visible):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert references(response) == {world[key].reference for key in visible}


def test_an_outsider_is_refused(client, world, charlie):
    client.force_login(charlie)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{world['erin_alice'].pk}/").status_code == 403
    assert client.post(f"{URL}{world['erin_alice'].pk}/complete/").status_code == 403


def test_anonymous_callers_are_refused(client, world):
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}{world['erin_alice'].pk}/no-show/").status_code == 401


def test_token_authentication_works_for_staff(client, world, alice):
    _, secret = api_token_create(user=alice, name="lab script", expires_in_days=30)
    response = client.get(URL, headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_filters_by_expert_status_and_day(client, world, ada):
    client.force_login(ada)
    assert references(client.get(f"{URL}?expert={world['erins'].pk}")) == {world["erin_alice"].reference}
    assert references(client.get(f"{URL}?status=cancelled")) == {world["other_bob"].reference}
    assert len(references(client.get(f"{URL}?date=2026-12-02"))) == 4
    assert references(client.get(f"{URL}?date=2026-12-03")) == set()
    bad = client.get(f"{URL}?status=maybe&date=tomorrow")
    assert bad.status_code == 400
    assert {"status", "date"} <= set(bad.json())


def test_list_times_are_shown_in_the_requested_zone(client, world, ada):
    client.force_login(ada)
    rows = client.get(f"{URL}?expert={world['erins'].pk}&tz=Europe/London").json()["results"]
    assert rows[0]["start"] == "2026-12-02T03:30:00+00:00"
    assert rows[0]["patient"]["name"] == world["erin_alice"].patient.full_name


def test_list_query_count_stays_fixed_as_consults_grow(client, world, alice, django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        client.get(URL)
    for hour in range(13, 17):
        ConsultFactory(expert=world["other"], patient=PatientFactory(coordinator=alice), start=ist(DEC_2, hour))
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 7


def test_detail_view_is_audited_and_hidden_consults_are_404(client, world, erin):
    client.force_login(erin)
    consult = world["erin_alice"]
    assert client.get(f"{URL}{consult.pk}/").json()["reference"] == consult.reference
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.via, entry.patient) == (erin, "view", "api", consult.patient)
    assert client.get(f"{URL}{world['other_alice'].pk}/").status_code == 404


def test_experts_mark_their_own_consults_completed_once_started(client, world, erin):
    client.force_login(erin)
    consult = world["erin_alice"]
    early = client.post(f"{URL}{consult.pk}/complete/")
    assert early.status_code == 409
    assert "not started" in early.json()["detail"]
    with time_machine.travel(ist(DEC_2, 9, 30)):
        client.force_login(erin)  # a day later: the old session has expired
        response = client.post(f"{URL}{consult.pk}/complete/")
        assert response.status_code == 200
        assert response.json()["status"] == "completed"
        assert client.post(f"{URL}{world['other_alice'].pk}/complete/").status_code == 404
    assert AuditEntry.objects.filter(action="change", changed_fields=["status"]).count() == 1


def test_coordinators_mark_no_show(client, world, alice):
    client.force_login(alice)
    with time_machine.travel(ist(DEC_2, 10, 30)):
        client.force_login(alice)
        response = client.post(f"{URL}{world['other_alice'].pk}/no-show/")
    assert response.status_code == 200
    assert response.json()["status"] == "no_show"


def test_staff_cancel_needs_a_reason(client, world, alice):
    client.force_login(alice)
    url = f"{URL}{world['other_alice'].pk}/cancel/"
    missing = client.post(url, {}, content_type="application/json")
    assert missing.status_code == 400
    assert "reason" in missing.json()
    done = client.post(url, {"reason": "Expert unwell"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["cancellation_reason"] == "Expert unwell"
