"""The console, the staff API and the services ask the same capability: experts do not cancel consults;
only admins point an expert profile at a login (which must hold the expert role), audited."""

import pytest
from django.core.exceptions import PermissionDenied

from clinic.roles import EXPERT
from consults.models import ConsultSource, ConsultStatus
from consults.services import consult_cancel
from patients.models import AuditEntry
from tests.consults.helpers import DEC_2, expert_form, ist
from tests.factories.consults import ExpertFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/consults/consult/"


def cancel_api(client, consult):
    return client.post(
        f"/api/v1/staff/consults/{consult.pk}/cancel/", {"reason": "Clinic closed"}, content_type="application/json"
    )


def test_expert_cancel_through_the_staff_api_is_403(client, erin, booked):
    client.force_login(erin)
    assert cancel_api(client, booked).status_code == 403


def test_expert_cancel_refusal_is_json_that_says_who_can(client, erin, booked):
    client.force_login(erin)
    assert "coordinators and admins" in cancel_api(client, booked).json()["detail"]


def test_expert_cancel_through_the_api_leaves_the_consult_confirmed(client, erin, booked):
    client.force_login(erin)
    cancel_api(client, booked)
    booked.refresh_from_db()
    assert booked.status == ConsultStatus.CONFIRMED


def test_coordinator_cancels_through_the_staff_api(client, alice, booked):
    client.force_login(alice)
    assert cancel_api(client, booked).status_code == 200


def test_coordinator_cancel_is_audited(client, alice, booked):
    client.force_login(alice)
    cancel_api(client, booked)
    assert AuditEntry.objects.filter(actor=alice, action="change", object_id=str(booked.pk), via="api").count() == 1


def test_expert_is_not_offered_the_cancel_action_in_the_console(client, erin, booked):
    client.force_login(erin)
    page = client.get(CHANGELIST, {"when": "upcoming"}).content.decode()
    assert 'value="cancel_selected"' not in page


def test_expert_posting_the_cancel_action_changes_nothing(client, erin, booked):
    client.force_login(erin)
    client.post(
        CHANGELIST + "?when=upcoming",
        {"action": "cancel_selected", "_selected_action": [booked.pk], "apply": "1", "reason": "No"},
    )
    booked.refresh_from_db()
    assert booked.status == ConsultStatus.CONFIRMED


def test_the_cancel_service_refuses_an_expert(erin, booked):
    with pytest.raises(PermissionDenied):
        consult_cancel(consult=booked, reason="x", source=ConsultSource.STAFF, cancelled_by=erin)


def test_expert_still_records_the_outcome_of_their_consult(client, erin, booked, frozen):
    frozen.move_to(ist(DEC_2, 10, 30))
    client.force_login(erin)
    assert client.post(f"/api/v1/staff/consults/{booked.pk}/complete/").status_code == 200


# --- Expert.user ----------------------------------------------------------------------------------


@pytest.fixture
def unlinked(frozen):
    return ExpertFactory(display_name="Dr Unlinked", hours=[])


@pytest.fixture
def other_expert_login(db):
    return UserFactory(username="dr.new", roles=[EXPERT])


def test_coordinator_cannot_point_an_expert_profile_at_a_login(client, alice, unlinked, other_expert_login):
    client.force_login(alice)
    client.post(f"/admin/consults/expert/{unlinked.pk}/change/", expert_form(unlinked, user=other_expert_login.pk))
    unlinked.refresh_from_db()
    assert unlinked.user_id is None


def test_coordinator_sees_the_login_read_only(client, alice, unlinked):
    client.force_login(alice)
    page = client.get(f"/admin/consults/expert/{unlinked.pk}/change/").content.decode()
    assert 'name="user"' not in page


def test_coordinator_saving_the_profile_keeps_its_login(client, alice, expert):
    client.force_login(alice)
    client.post(f"/admin/consults/expert/{expert.pk}/change/", expert_form(expert))
    expert.refresh_from_db()
    assert expert.user is not None


def test_admin_points_an_expert_profile_at_an_expert_login(client, ada, unlinked, other_expert_login):
    client.force_login(ada)
    response = client.post(
        f"/admin/consults/expert/{unlinked.pk}/change/", expert_form(unlinked, user=other_expert_login.pk)
    )
    assert response.status_code == 302
    unlinked.refresh_from_db()
    assert unlinked.user_id == other_expert_login.pk


def test_admin_login_change_is_audited(client, ada, unlinked, other_expert_login):
    client.force_login(ada)
    client.post(f"/admin/consults/expert/{unlinked.pk}/change/", expert_form(unlinked, user=other_expert_login.pk))
    entry = AuditEntry.objects.get(object_type="consults.Expert", changed_fields=["user"])
    assert entry.actor_id == ada.pk


def test_admin_cannot_point_a_profile_at_a_login_without_the_expert_role(client, ada, bob, unlinked):
    client.force_login(ada)
    response = client.post(f"/admin/consults/expert/{unlinked.pk}/change/", expert_form(unlinked, user=bob.pk))
    assert "holds the expert role" in response.content.decode()
    unlinked.refresh_from_db()
    assert unlinked.user_id is None


@pytest.mark.parametrize(("who", "may_cancel"), [("ada", True), ("alice", True), ("erin", False)])
def test_console_and_api_agree_on_who_cancels(client, request, booked, who, may_cancel):
    user = request.getfixturevalue(who)
    client.force_login(user)
    offered = 'value="cancel_selected"' in client.get(CHANGELIST, {"when": "upcoming"}).content.decode()
    assert offered is may_cancel
    assert (cancel_api(client, booked).status_code == 200) is may_cancel


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_people_who_cannot_see_the_consult_cannot_cancel_it(client, request, booked, who):
    client.force_login(request.getfixturevalue(who))
    assert cancel_api(client, booked).status_code in (403, 404)
