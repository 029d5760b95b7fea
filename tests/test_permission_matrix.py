"""The permission matrix (issue 14): every capability in patients/capabilities.py, asked of the whole cast
(coordinators alice and bob, experts erin and frank, admin ada, outsider charlie) at the rule itself and at
every door that uses it: the console, the staff API and the service. A door of a kind that does not exist
says why in its row.

The objects (tests/permission_world.py): alice coordinates `patient`; erin has a consult with that patient
that started an hour ago and one in two days, so she may see them now; frank is an expert with no patients;
bob coordinates another patient. How visibility changes over time (the consult window, care-team ends,
break-glass expiry) is tests/patients/test_access_matrix.py.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from patients import capabilities
from tests import permission_doors as door
from tests import permission_doors_rights as rights_door
from tests.permission_world import CAST, World, build_world

pytestmark = pytest.mark.django_db

NO_API_DASHBOARD = "a console page: the staff API has no dashboard"
NO_WRITE = "a page or section that only reads: no service is involved"
READS_ARE_SELECTORS = "reads go through selectors (patients_visible_to, consults_visible_to), not services"
NO_EXPERT_API = "the staff API has no expert-profile endpoints; the public API only lists active experts"
ADMIN_FORM_ONLY = "saved by the console's model form; no service stands behind it"


@dataclass(frozen=True)
class Row:
    """One capability: who has it (`allowed`, names from the cast), and each door, or why there is none."""

    predicate: Callable[..., bool]
    allowed: str
    console: door.HttpDoor | str
    api: door.HttpDoor | str
    service: door.ServiceDoor | str
    of: Callable[[World], object] | None = None  # the object the predicate is asked about

    def ask(self, user, world: World) -> bool:
        return self.predicate(user) if self.of is None else self.predicate(user, self.of(world))


def patient(world: World) -> object:
    return world.patient


c = capabilities
ROWS: list[Row] = [
    Row(
        c.can_use_console,
        "alice bob erin frank ada",
        console=door.get("/admin/work/search/?q=zz"),
        api=door.get("/api/v1/staff/consults/"),
        service="signing in to the console is checked at each door; no service acts on it alone",
    ),
    Row(
        c.can_view_patient,
        "alice erin ada",
        of=patient,
        console=door.get("/admin/patients/patient/{w.patient.pk}/change/"),
        api=door.get("/api/v1/patients/{w.patient.pk}/"),
        service=READS_ARE_SELECTORS,
    ),
    Row(
        c.can_edit_care_record,
        "alice ada",
        of=patient,
        console=door.console_consent_by_phone,
        api=door.api_patch_patient,
        service=door.service_consent_by_phone,
    ),
    Row(
        c.can_add_note,
        "alice erin ada",
        of=patient,
        console=door.console_add_note,
        api=door.api_add_note,
        service=door.service_add_note,
    ),
    Row(
        c.can_delete_patient_data,
        "ada",
        console=door.console_delete_note,
        api="the staff API deletes nothing: its patient-data endpoints take GET, POST and PATCH only",
        service="deleting is the console's delete view only; no service deletes patient data",
    ),
    Row(
        c.can_export_patient_record,
        "alice erin ada",
        of=patient,
        console=door.get("/admin/patients/patient/{w.patient.pk}/fhir/"),
        api=door.get("/api/v1/patients/{w.patient.pk}/fhir/"),
        service=door.service_export,
    ),
    Row(
        c.can_import_patient_results,
        "alice ada",
        of=patient,
        console="API only: results typed into the console are an edit of the record (can_edit_care_record)",
        api=door.api_import_results,
        service=door.service_import_results,
    ),
    Row(
        c.can_pause_follow_ups,
        "alice ada",
        of=patient,
        console=door.console_pause_follow_ups,
        api=door.api_pause_follow_ups,
        service=door.service_pause_follow_ups,
    ),
    Row(
        c.can_reply_to_conversation,
        "alice ada",
        of=lambda w: w.conversation,
        console=door.console_close_conversation,
        api=door.api_reply,
        service=door.service_close_conversation,
    ),
    Row(
        c.can_run_schedule,
        "alice ada",
        of=patient,
        console=door.console_book,
        api="the staff API books no consults: staff book in the console, patients through the public API",
        service=door.service_book,
    ),
    Row(
        c.can_view_consult,
        "alice erin ada",
        of=lambda w: w.consult_upcoming,
        console=door.get("/admin/consults/consult/{w.consult_upcoming.pk}/change/"),
        api=door.get("/api/v1/staff/consults/{w.consult_upcoming.pk}/"),
        service=READS_ARE_SELECTORS,
    ),
    Row(
        c.can_cancel_consult,
        "alice ada",
        of=lambda w: w.consult_upcoming,
        console=door.console_cancel,
        api=door.api_cancel,
        service=door.service_cancel,
    ),
    Row(
        c.can_complete_consult,
        "alice erin ada",
        of=lambda w: w.consult_started,
        console=door.console_complete,
        api=door.post_to("/api/v1/staff/consults/{w.consult_started.pk}/complete/"),
        service=door.service_complete,
    ),
    Row(
        c.can_change_expert_profile,
        "alice bob ada",
        of=lambda w: w.erin_profile,
        console=door.get("/admin/consults/expert/{w.erin_profile.pk}/change/"),
        api=NO_EXPERT_API,
        service=ADMIN_FORM_ONLY + " (the login it points at is expert_user_set: can_change_expert_user)",
    ),
    Row(
        c.can_change_expert_user,
        "ada",
        of=lambda w: w.erin_profile,
        console=door.console_expert_login_field,
        api=NO_EXPERT_API,
        service=door.service_expert_user,
    ),
    Row(
        c.can_delete_expert,
        "ada",
        of=lambda w: w.frank_profile,
        console=door.console_delete_expert,
        api=NO_EXPERT_API,
        service="deleting a profile is the console's delete view only",
    ),
    Row(
        c.can_assign_care_team,
        "alice ada",
        of=patient,
        console=door.console_assign(door.the_member, door.expert_frank),
        api=door.api_assign(door.the_member, door.expert_frank),
        service=door.service_assign,
    ),
    Row(
        c.can_be_on_care_team,
        "erin frank",  # asked of the one joining; ada puts them on the team
        console=door.console_assign(door.admin_ada, door.the_member),
        api=door.api_assign(door.admin_ada, door.the_member),
        service=door.service_join_team,
    ),
    Row(
        c.can_break_glass,
        "erin frank",
        console=door.console_break_glass,
        api="console only: the staff API has no break-glass",
        service=door.service_break_glass,
    ),
    Row(
        c.can_view_break_glass_report,
        "ada",
        console=door.get("/admin/patients/breakglassaccess/"),
        api="console only: the report is the admins' list in the console",
        service=NO_WRITE,
    ),
    Row(
        c.can_merge_intake,
        "alice ada",
        of=lambda w: w.intake,
        console=door.console_merge_intake,
        api="console only: the staff API has no intake merge (the patient's YES merges by SMS)",
        service=door.service_merge_intake,
    ),
    Row(
        c.can_work_triage,
        "alice bob",
        console=door.get("/admin/work/triage/"),
        api="console only: the staff API has no triage queue",
        service=door.service_take,
    ),
    Row(
        c.can_see_coordinator_queue,
        "alice bob ada",
        console=door.page_shows("/admin/", 'aria-labelledby="ct-queue-title"'),
        api=NO_API_DASHBOARD,
        service=NO_WRITE,
    ),
    Row(
        c.can_see_my_day,
        "erin frank",
        console=door.page_shows("/admin/", 'data-section="my-day"'),
        api=NO_API_DASHBOARD,
        service=NO_WRITE,
    ),
    Row(
        c.can_open_settings,
        "ada",
        console=door.page_shows("/admin/?view=settings", "Back to the work queue"),
        api=NO_API_DASHBOARD,
        service=NO_WRITE,
    ),
    Row(
        c.can_view_clinic_insights,
        "alice bob ada",
        console=door.get("/admin/insights/"),
        api="a console page with CSV downloads; the API has no insights endpoint",
        service=READS_ARE_SELECTORS,
    ),
    Row(
        c.can_view_access_report,
        "ada",
        console=door.get("/admin/access-report/"),
        api="a console page with a CSV download; the API has no access report",
        service=NO_WRITE,
    ),
    Row(
        c.can_view_audit_log,
        "ada",
        console=door.get("/admin/patients/auditentry/"),
        api="the audit trail is read in the console only",
        service=NO_WRITE,
    ),
    Row(
        c.can_edit_resource_directory,
        "ada",
        console=door.get("/admin/patients/resource/add/"),
        api=door.api_add_resource,
        service=ADMIN_FORM_ONLY + " (or the API's serializer)",
    ),
    Row(
        c.can_change_protocol_settings,
        "ada",
        console=door.get("/admin/patients/protocolsetting/add/"),
        api="protocol settings are changed in the console only",
        service=ADMIN_FORM_ONLY,
    ),
    Row(
        c.can_edit_message_templates,
        "alice bob ada",
        console=door.get("/admin/messaging/whatsapptemplate/add/"),
        api="WhatsApp template SIDs are kept in the console only",
        service=ADMIN_FORM_ONLY,
    ),
    Row(
        c.can_create_api_token,
        "alice bob erin frank ada",
        console=door.console_create_token,
        api="console only: an API token cannot be used to make more tokens",
        service=door.service_create_token,
    ),
    Row(
        c.can_revoke_api_token,
        "alice ada",
        of=lambda w: w.alices_token,
        console=door.console_revoke_token,
        api="console only: tokens are managed on the console's token page",
        service=door.service_revoke_token,
    ),
    Row(
        c.can_manage_sign_in_security,
        "ada",
        console=door.get("/admin/accounts/apitoken/"),
        api="console only: sign-in locks, second factors and everyone's tokens are admin pages",
        service=door.service_remove_second_factor,
    ),
    Row(
        c.can_change_staff_settings,
        "alice bob erin frank ada",  # their own; an admin also sets anyone's
        console=door.console_change_my_settings,
        api="console only: the time zone is set on My settings (or by an admin on Staff members' settings)",
        service=door.service_change_my_settings,
    ),
    Row(
        c.can_manage_patient_rights,
        "alice ada",
        of=patient,
        console=rights_door.console_record_correction,
        api=rights_door.api_record_correction,
        service=rights_door.service_record_correction,
    ),
    Row(
        c.can_run_erasure,
        "alice ada",
        of=patient,
        console=rights_door.console_record_erasure,
        api=rights_door.api_record_erasure,
        service=rights_door.service_record_erasure,
    ),
    Row(
        c.can_set_retention,
        "ada",
        console=rights_door.console_set_retention,
        api="retention periods are set in the console only",
        service=rights_door.service_set_retention,
    ),
]
DOORS = ("console", "api", "service")


def name(row: Row) -> str:
    return row.predicate.__name__


def test_every_capability_has_a_row() -> None:
    """A new predicate without a row fails here: add its expected answers and its doors to ROWS."""
    predicates = {
        member
        for member, value in inspect.getmembers(capabilities, inspect.isfunction)
        if member.startswith("can_") and value.__module__ == capabilities.__name__
    }
    assert sorted(name(row) for row in ROWS) == sorted(predicates)


def test_each_row_names_only_cast_members() -> None:
    assert {member for row in ROWS for member in row.allowed.split()} <= set(CAST)


@pytest.fixture
def world(alice, bob, erin, frank, ada, charlie) -> World:
    return build_world({"alice": alice, "bob": bob, "erin": erin, "frank": frank, "ada": ada, "charlie": charlie})


def cases(*, with_door: bool) -> list:
    params = []
    for row in ROWS:
        for member in CAST:
            if not with_door:
                params.append(pytest.param(row, member, id=f"{name(row)}-{member}-rule"))
                continue
            for kind in DOORS:
                if callable(getattr(row, kind)):
                    params.append(pytest.param(row, member, kind, id=f"{name(row)}-{member}-{kind}"))
    return params


@pytest.mark.parametrize(("row", "member"), cases(with_door=False))
def test_the_rule(world: World, row: Row, member: str) -> None:
    assert row.ask(world.cast[member], world) is (member in row.allowed.split())


@pytest.mark.parametrize(("row", "member", "kind"), cases(with_door=True))
def test_the_door(client, world: World, row: Row, member: str, kind: str) -> None:
    entrance = getattr(row, kind)
    user = world.cast[member]
    answer = entrance(user, world) if kind == "service" else entrance(client, user, world)
    assert answer is (member in row.allowed.split())


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        pytest.param(row, kind, id=f"{name(row)}-{kind}-none")
        for row in ROWS
        for kind in DOORS
        if not callable(getattr(row, kind))
    ],
)
def test_a_missing_door_says_why(row: Row, kind: str) -> None:
    assert getattr(row, kind).strip() != ""
