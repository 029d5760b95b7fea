"""Expert visibility in time: a care relationship opens a record, nothing else does (console and API).

Consult booked at T0 for T0 + 2 days (20 minutes); EXPERT_ACCESS_RECENT_DAYS = 30; break-glass 4 hours.
Who holds each capability at one moment, at every door, is tests/test_permission_matrix.py.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clinic.errors import DomainError
from consults.models import ConsultStatus
from patients.models import AuditEntry
from patients.services.access import break_glass_open, care_team_assign, care_team_end
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
START = T0 + timedelta(days=2)
END = START + timedelta(minutes=20)


@pytest.fixture(autouse=True)
def access_settings(settings):
    settings.EXPERT_ACCESS_RECENT_DAYS = 30
    settings.EXPERT_BREAK_GLASS_HOURS = 4


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def patient(alice, clock):
    return PatientFactory(coordinator=alice, full_name="Matrix Patient Meera")


def booked(erin, patient, status=ConsultStatus.CONFIRMED):
    return ConsultFactory(patient=patient, expert=ExpertFactory(user=erin), start=START, status=status)


def console_record(client, patient) -> int:
    return client.get(f"/admin/patients/patient/{patient.pk}/change/").status_code


def console_lists(client, patient) -> bool:
    return patient.full_name in client.get("/admin/patients/patient/").content.decode()


def api_detail(client, patient) -> int:
    return client.get(f"/api/v1/patients/{patient.pk}/").status_code


def api_lists(client, patient) -> bool:
    return patient.pk in {row["id"] for row in client.get("/api/v1/patients/").json()["results"]}


CONSULT_MOMENTS = [
    ("before the booking exists", T0 - timedelta(hours=1), False),
    ("upcoming", T0 + timedelta(hours=1), True),
    ("during the consult", START + timedelta(minutes=10), True),
    ("29 days after", END + timedelta(days=29), True),
    ("31 days after", END + timedelta(days=31), False),
]


@pytest.fixture
def erin_at(client, erin, patient, clock):
    """`erin_at(moment, door)`: what erin, signed in at that moment, gets at one door to the patient's record."""

    def knock(moment: datetime, door):
        clock.move_to(moment)
        client.force_login(erin)
        return door(client, patient)

    return knock


# Each door with what erin gets there when the record is open to her, and when it is closed.
DOORS = [
    pytest.param(console_record, 200, 404, id="console record"),
    pytest.param(console_lists, True, False, id="console list"),
    pytest.param(api_detail, 200, 404, id="api detail"),
    pytest.param(api_lists, True, False, id="api list"),
]


@pytest.mark.parametrize(("door", "open_", "closed"), DOORS)
@pytest.mark.parametrize(("moment", "sees"), [m[1:] for m in CONSULT_MOMENTS], ids=[m[0] for m in CONSULT_MOMENTS])
def test_every_door_follows_the_consult_window(erin_at, erin, patient, moment, sees, door, open_, closed):
    booked(erin, patient)
    assert erin_at(moment, door) == (open_ if sees else closed)


def test_the_recent_window_comes_from_the_setting(erin_at, erin, patient, settings):
    settings.EXPERT_ACCESS_RECENT_DAYS = 7
    booked(erin, patient)
    assert erin_at(END + timedelta(days=8), api_detail) == 404


def test_a_cancelled_consult_gives_no_access_in_the_console(erin_at, erin, patient):
    booked(erin, patient, status=ConsultStatus.CANCELLED)
    assert erin_at(T0 + timedelta(hours=1), console_record) == 404


def test_a_cancelled_consult_gives_no_access_in_the_api(erin_at, erin, patient):
    booked(erin, patient, status=ConsultStatus.CANCELLED)
    assert erin_at(T0 + timedelta(hours=1), api_lists) is False


def test_a_colleagues_consult_gives_no_access(client, erin, patient, clock):
    ConsultFactory(patient=patient, expert=ExpertFactory(), start=START)
    client.force_login(erin)
    assert api_detail(client, patient) == 404


# --- care team ----------------------------------------------------------------------------------


def test_care_team_assignment_opens_the_record_in_the_console(erin_at, alice, erin, patient):
    care_team_assign(patient=patient, member=erin, by=alice, reason="Second opinion on dose")
    assert erin_at(T0 + timedelta(days=90), console_record) == 200


def test_care_team_assignment_opens_the_record_in_the_api(erin_at, alice, erin, patient):
    care_team_assign(patient=patient, member=erin, by=alice)
    assert erin_at(T0 + timedelta(days=90), api_lists) is True


def test_an_ended_assignment_closes_the_record_in_the_console(erin_at, alice, erin, patient, clock):
    assignment = care_team_assign(patient=patient, member=erin, by=alice)
    clock.move_to(T0 + timedelta(days=3))
    care_team_end(assignment=assignment, by=alice)
    assert erin_at(T0 + timedelta(days=3, minutes=1), console_record) == 404


def test_an_ended_assignment_closes_the_record_in_the_api(erin_at, alice, erin, patient):
    assignment = care_team_assign(patient=patient, member=erin, by=alice)
    care_team_end(assignment=assignment, by=alice)
    assert erin_at(T0 + timedelta(minutes=1), api_detail) == 404


def test_assigning_and_ending_are_audited(alice, erin, patient):
    assignment = care_team_assign(patient=patient, member=erin, by=alice)
    care_team_end(assignment=assignment, by=alice)
    actions = list(
        AuditEntry.objects.filter(object_type="patients.CareTeamAssignment", actor=alice)
        .order_by("id")
        .values_list("action", "changed_fields")
    )
    assert actions == [("create", ["member", "reason"]), ("change", ["ended_at"])]


def test_care_team_api_assigns_with_an_audit_entry(client, alice, erin, patient):
    client.force_login(alice)
    response = client.post(
        "/api/v1/care-team/",
        {"patient": patient.pk, "member": erin.pk, "reason": "Diet plan"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert AuditEntry.objects.filter(object_type="patients.CareTeamAssignment", via="api", action="create").count() == 1


def test_care_team_api_ends_an_assignment(client, alice, erin, patient):
    assignment = care_team_assign(patient=patient, member=erin, by=alice)
    client.force_login(alice)
    response = client.post(f"/api/v1/care-team/{assignment.pk}/end/")
    assert response.status_code == 200
    assert response.json()["ended_at"] is not None


# --- break-glass --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("door", "after", "expected"),
    [
        pytest.param(console_record, timedelta(hours=3, minutes=59), 200, id="console record, 3 h 59 min after"),
        pytest.param(api_detail, timedelta(hours=3), 200, id="api detail, 3 h after"),
        pytest.param(console_record, timedelta(hours=4), 404, id="console record, 4 h after"),
        pytest.param(api_lists, timedelta(hours=5), False, id="api list, 5 h after"),
    ],
)
def test_break_glass_opens_the_record_for_its_window_only(erin_at, erin, patient, door, after, expected):
    break_glass_open(patient=patient, user=erin, reason="Patient collapsed in clinic, coordinator away")
    assert erin_at(T0 + after, door) == expected


def test_break_glass_is_audited_with_its_reason(erin, patient):
    access = break_glass_open(patient=patient, user=erin, reason="Patient collapsed in clinic, coordinator away")
    entry = AuditEntry.objects.get(action="breakglass")
    assert entry.object_id == str(access.pk)
    assert entry.patient_id == patient.pk


def test_break_glass_needs_a_reason(erin, patient):
    with pytest.raises(DomainError):
        break_glass_open(patient=patient, user=erin, reason="need it")


# --- query counts: lists cost the same for 1 row or 10 ------------------------------------------


def queries_for(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def same_queries_for_ten(client, url: str, add_nine_more) -> None:
    """The list at `url` runs as many queries with ten rows as with one."""
    one = queries_for(client, url)
    add_nine_more()
    assert queries_for(client, url) == one


def nine_more_on_the_team(alice, erin):
    """What puts erin on the care team of nine more of alice's patients."""

    def add() -> None:
        for _ in range(9):
            care_team_assign(patient=PatientFactory(coordinator=alice), member=erin, by=alice)

    return add


def test_care_team_api_list_uses_a_fixed_number_of_queries(client, alice, erin, patient):
    care_team_assign(patient=patient, member=erin, by=alice)
    client.force_login(alice)
    same_queries_for_ten(client, "/api/v1/care-team/", nine_more_on_the_team(alice, erin))


def test_care_team_console_list_uses_a_fixed_number_of_queries(client, alice, erin, patient):
    care_team_assign(patient=patient, member=erin, by=alice)
    client.force_login(alice)
    same_queries_for_ten(client, "/admin/patients/careteamassignment/", nine_more_on_the_team(alice, erin))


def test_break_glass_report_uses_a_fixed_number_of_queries(client, ada, erin, alice, patient):
    break_glass_open(patient=patient, user=erin, reason="Patient collapsed in clinic, coordinator away")
    client.force_login(ada)

    def nine_more_break_glass_openings() -> None:
        for _ in range(9):
            break_glass_open(patient=PatientFactory(coordinator=alice), user=erin, reason="Urgent question from A&E")

    same_queries_for_ten(client, "/admin/patients/breakglassaccess/", nine_more_break_glass_openings)


def test_expert_patient_api_list_uses_a_fixed_number_of_queries(client, alice, erin, patient):
    care_team_assign(patient=patient, member=erin, by=alice)
    client.force_login(erin)
    same_queries_for_ten(client, "/api/v1/patients/", nine_more_on_the_team(alice, erin))


def test_an_expert_outside_the_care_relationship_is_offered_break_glass(client, erin, patient):
    client.force_login(erin)
    response = client.get(f"/admin/patients/patient/{patient.pk}/change/")
    assert response.status_code == 404
    assert f"/admin/patients/breakglassaccess/add/?patient={patient.pk}" in response.content.decode()


def test_the_break_glass_offer_does_not_name_the_patient(client, erin, patient):
    client.force_login(erin)
    assert patient.full_name not in client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()


def test_the_break_glass_offer_looks_the_same_for_a_number_that_does_not_exist(client, erin, patient):
    client.force_login(erin)
    response = client.get("/admin/patients/patient/999999/change/")
    assert response.status_code == 404
    assert "Open break-glass access" in response.content.decode()
