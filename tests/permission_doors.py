"""The doors of each capability, for the permission matrix: the console page or action, the staff API endpoint
and the service that each ask one predicate. Each door tries the capability as one cast member and answers
whether it let them (True) or refused them (False); `World` (tests/permission_world.py) holds the objects.
"""

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import mfa_device_remove
from accounts.models import ApiToken, StaffProfile
from accounts.preferences import staff_time_zone_set
from accounts.tokens import api_token_create, api_token_revoke
from clinic.errors import DomainError
from consults.expert_profiles import expert_user_set
from consults.models import Consult, ConsultSource, ConsultStatus, Expert, Topic
from consults.services import consult_book, consult_cancel, consult_mark_completed
from followups.models import FollowUpPause
from followups.pause import follow_ups_pause
from interop.errors import FhirInputError
from interop.export import care_record_export
from interop.imports import observations_import
from messaging.inbox import conversation_set_status
from messaging.models import Conversation, ConversationStatus
from patients.intake_link import SOURCE_STAFF, patient_intake_merge
from patients.models import (
    BreakGlassAccess,
    CareTeamAssignment,
    ConsentEvent,
    ConsentHow,
    Note,
    Patient,
    RecordState,
)
from patients.services.access import break_glass_open, care_team_assign
from patients.services.consent import consent_record
from patients.services.records import note_add
from patients.services.triage import patient_take
from tests.permission_world import World, effect_answer, http_answer, signed_in

HttpDoor = Callable[[Client, AbstractBaseUser, World], bool]
ServiceDoor = Callable[[AbstractBaseUser, World], bool]
REASON = "Patient collapsed in clinic, coordinator away"


def refused_by(call: Callable[[], object], refusal: Callable[[Exception], bool] | None = None) -> bool:
    """A service door: True when the call goes through; False when it refuses with PermissionDenied, or with
    the domain error `refusal` recognises. Any other error fails the test."""
    try:
        call()
    except PermissionDenied:
        return False
    except DomainError as error:
        if refusal is not None and refusal(error):
            return False
        raise
    return True


def get(path: str, *, allowed: tuple[int, ...] = (200,)) -> HttpDoor:
    """A page or endpoint that lets in with `allowed` and refuses with 403, 404 or the sign-in page."""
    return lambda client, user, world: http_answer(signed_in(client, user).get(path.format(w=world)), allowed=allowed)


def post_to(path: str, *, allowed: tuple[int, ...] = (200,)) -> HttpDoor:
    """An action endpoint that takes no body."""
    return lambda client, user, world: http_answer(signed_in(client, user).post(path.format(w=world)), allowed=allowed)


def page_shows(path: str, marker: str) -> HttpDoor:
    """A page section shown only to those with the capability (the sign-in page shows nothing)."""

    def door(client: Client, user: AbstractBaseUser, world: World) -> bool:
        response = signed_in(client, user).get(path)
        return response.status_code == 200 and marker in response.content.decode()

    return door


def post_json(client: Client, path: str, body: dict) -> object:
    return client.post(path, json.dumps(body), content_type="application/json")


# --- patients and their records ----------------------------------------------------------------------------


def console_consent_by_phone(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        f"/admin/patients/patient/{world.patient.pk}/consent/",
        {
            "consent-purpose": "messaging",
            "consent-channel": "sms",
            "consent-given": "1",
            "consent-reason": "Patient called and asked for reminders",
        },
    )
    return effect_answer(response, happened=ConsentEvent.objects.filter(patient=world.patient, by=user).exists())


def api_patch_patient(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).patch(
        f"/api/v1/patients/{world.patient.pk}/", {"email": "meera@example.org"}, content_type="application/json"
    )
    return http_answer(response)


def service_consent_by_phone(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: consent_record(
            patient=world.patient,
            purpose="messaging",
            channel="sms",
            given=True,
            how=ConsentHow.STAFF_PHONE,
            by=user,
            reason="Patient called",
        )
    )


def console_add_note(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        "/admin/patients/note/add/", {"patient": world.patient.pk, "body": "Matrix note"}
    )
    return effect_answer(response, happened=Note.objects.filter(body="Matrix note").exists())


def api_add_note(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = post_json(signed_in(client, user), "/api/v1/notes/", {"patient": world.patient.pk, "body": "Matrix"})
    if response.status_code == 400:  # a patient the caller may not see is not a valid choice, revealing nothing
        assert "patient" in response.json()
        return False
    return http_answer(response, allowed=(201,))


def service_add_note(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: note_add(patient=world.patient, body="Matrix note", author=user))


def console_delete_note(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(f"/admin/patients/note/{world.note.pk}/delete/", {"post": "yes"})
    return effect_answer(response, happened=not Note.objects.filter(pk=world.note.pk).exists())


def console_pause_follow_ups(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(f"/followups/patients/{world.patient.pk}/pause/", {"reason": "In hospital"})
    return effect_answer(response, happened=FollowUpPause.objects.filter(patient=world.patient).exists())


def api_pause_follow_ups(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = post_json(
        signed_in(client, user), f"/api/v1/follow-ups/{world.patient.pk}/pause/", {"reason": "In hospital"}
    )
    return http_answer(response, allowed=(201,))


def service_pause_follow_ups(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: follow_ups_pause(patient=world.patient, reason="In hospital", by=user))


# --- FHIR --------------------------------------------------------------------------------------------------


def service_export(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: care_record_export(patient=world.patient, by=user, with_message_bodies=False))


def blood_counts(patient: Patient) -> dict:
    def count(code: str, value: float, unit: str = "10*9/L") -> dict:
        return {
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
        }

    return {
        "resourceType": "Observation",
        "identifier": [{"system": "https://lab.example.org/results", "value": "MATRIX-CBC-1"}],
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}]},
        "subject": {"reference": f"Patient/{patient.pk}"},
        "effectiveDateTime": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "component": [count("6690-2", 5.1), count("751-8", 2.4), count("777-3", 190), count("718-7", 12.6, "g/dL")],
    }


def api_import_results(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        "/api/v1/fhir/Observation", json.dumps(blood_counts(world.patient)), content_type="application/fhir+json"
    )
    return http_answer(response, allowed=(201,))


def service_import_results(user: AbstractBaseUser, world: World) -> bool:
    # A patient the caller may not change is reported as unknown (404), never as a refusal that reveals them.
    return refused_by(
        lambda: observations_import(payload=blood_counts(world.patient), by=user),
        lambda error: isinstance(error, FhirInputError) and error.status == 404,
    )


# --- consults and experts ----------------------------------------------------------------------------------


def booking_start() -> datetime:
    """Five days ahead at 11:00 in the clinic's zone: free, not in the past (staff may book off the grid)."""
    return timezone.localtime().replace(hour=11, minute=0, second=0, microsecond=0) + timedelta(days=5)


def console_book(client: Client, user: AbstractBaseUser, world: World) -> bool:
    start = booking_start()
    response = signed_in(client, user).post(
        "/admin/consults/consult/add/",
        {
            "patient": world.patient.pk,
            "expert": world.erin_profile.pk,
            "start_0": f"{start:%Y-%m-%d}",
            "start_1": f"{start:%H:%M:%S}",
            "mode": "phone",
            "topic": "side_effects",
            "note": "Booked by phone",
        },
    )
    return effect_answer(response, happened=Consult.objects.filter(start=start).exists())


def service_book(user: AbstractBaseUser, world: World) -> bool:
    start = booking_start()
    return refused_by(
        lambda: consult_book(
            patient=world.patient,
            expert=world.erin_profile,
            start=start,
            topic=Topic.TREATMENT_QUESTION,
            source=ConsultSource.STAFF,
            booked_by=user,
        )
    )


def consult_status(consult: Consult) -> str:
    return Consult.objects.get(pk=consult.pk).status


def console_cancel(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        "/admin/consults/consult/?when=upcoming",
        {
            "action": "cancel_selected",
            "_selected_action": [world.consult_upcoming.pk],
            "apply": "1",
            "reason": "Clinic closed",
        },
    )
    return effect_answer(response, happened=consult_status(world.consult_upcoming) == ConsultStatus.CANCELLED)


def api_cancel(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = post_json(
        signed_in(client, user),
        f"/api/v1/staff/consults/{world.consult_upcoming.pk}/cancel/",
        {"reason": "Clinic closed"},
    )
    return http_answer(response)


def service_cancel(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: consult_cancel(
            consult=world.consult_upcoming, reason="Clinic closed", source=ConsultSource.STAFF, cancelled_by=user
        )
    )


def console_complete(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        f"/admin/consults/consult/{world.consult_started.pk}/outcome/", {"outcome": "completed"}
    )
    return effect_answer(response, happened=consult_status(world.consult_started) == ConsultStatus.COMPLETED)


def service_complete(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: consult_mark_completed(consult=world.consult_started, by=user))


def console_expert_login_field(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).get(f"/admin/consults/expert/{world.erin_profile.pk}/change/")
    return http_answer(response) and 'name="user"' in response.content.decode()


def service_expert_user(user: AbstractBaseUser, world: World) -> bool:
    frank = world.cast["frank"]
    return refused_by(lambda: expert_user_set(expert=world.frank_profile, user=frank, by=user))


def console_delete_expert(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(f"/admin/consults/expert/{world.frank_profile.pk}/delete/", {"post": "yes"})
    return effect_answer(response, happened=not Expert.objects.filter(pk=world.frank_profile.pk).exists())


# --- care teams, break-glass, intakes, triage --------------------------------------------------------------


def console_assign(
    actor: Callable[[AbstractBaseUser, World], AbstractBaseUser],
    member: Callable[[AbstractBaseUser, World], AbstractBaseUser],
) -> HttpDoor:
    """The console's care-team form, posted by `actor` to put `member` on alice's patient's team."""

    def door(client: Client, user: AbstractBaseUser, world: World) -> bool:
        joining = member(user, world)
        response = signed_in(client, actor(user, world)).post(
            "/admin/patients/careteamassignment/add/",
            {"patient": world.patient.pk, "member": joining.pk, "reason": "Second opinion on dose"},
        )
        made = CareTeamAssignment.objects.filter(patient=world.patient, member=joining).exists()
        return effect_answer(response, happened=made)

    return door


def api_assign(
    actor: Callable[[AbstractBaseUser, World], AbstractBaseUser],
    member: Callable[[AbstractBaseUser, World], AbstractBaseUser],
) -> HttpDoor:
    def door(client: Client, user: AbstractBaseUser, world: World) -> bool:
        response = post_json(
            signed_in(client, actor(user, world)),
            "/api/v1/care-team/",
            {"patient": world.patient.pk, "member": member(user, world).pk, "reason": "Second opinion on dose"},
        )
        if response.status_code == 400:  # the patient or member is not among the choices
            assert {"patient", "member"} & set(response.json())
            return False
        return http_answer(response, allowed=(201,))

    return door


def the_member(user: AbstractBaseUser, world: World) -> AbstractBaseUser:
    return user


def admin_ada(user: AbstractBaseUser, world: World) -> AbstractBaseUser:
    return world.cast["ada"]


def expert_frank(user: AbstractBaseUser, world: World) -> AbstractBaseUser:
    return world.cast["frank"]


def service_assign(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: care_team_assign(patient=world.patient, member=world.cast["frank"], by=user))


def service_join_team(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: care_team_assign(patient=world.patient, member=user, by=world.cast["ada"]),
        lambda error: error.field == "member",
    )


def console_break_glass(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        "/admin/patients/breakglassaccess/add/", {"patient": world.others_patient.pk, "reason": REASON}
    )
    return effect_answer(response, happened=BreakGlassAccess.objects.filter(user=user).exists())


def service_break_glass(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: break_glass_open(patient=world.others_patient, user=user, reason=REASON))


def console_merge_intake(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        "/admin/patients/patient/", {"action": "merge_intakes", "_selected_action": [world.intake.pk]}
    )
    merged = Patient.objects.get(pk=world.intake.pk).record_state == RecordState.MERGED
    return effect_answer(response, happened=merged)


def service_merge_intake(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: patient_intake_merge(intake=world.intake, by=user, source=SOURCE_STAFF))


def service_take(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: patient_take(patient=world.unassigned, by=user))


# --- inbox -------------------------------------------------------------------------------------------------


def console_close_conversation(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        f"/admin/messaging/conversation/{world.conversation.pk}/change/", {"action": "close"}
    )
    closed = Conversation.objects.get(pk=world.conversation.pk).status == ConversationStatus.CLOSED
    return effect_answer(response, happened=closed)


def api_reply(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = post_json(
        signed_in(client, user),
        f"/api/v1/conversations/{world.conversation.pk}/reply/",
        {"text": "We will call you this afternoon.", "channel": "sms", "idempotency_key": "matrix-1"},
    )
    return http_answer(response, allowed=(201,))


def service_close_conversation(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: conversation_set_status(conversation=world.conversation, actor=user, status=ConversationStatus.CLOSED)
    )


# --- resources, tokens, sign-in security -------------------------------------------------------------------


def api_add_resource(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = post_json(
        signed_in(client, user),
        "/api/v1/resources/",
        {
            "name": "Matrix support line",
            "category": "support",
            "description": "Phone support",
            "url": "",
            "phone": "",
            "is_active": True,
        },
    )
    return http_answer(response, allowed=(201,))


def console_create_token(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post("/account/tokens/", {"name": "matrix", "expires_in_days": 30})
    return effect_answer(response, happened=ApiToken.objects.filter(user=user, name="matrix").exists())


def service_create_token(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: api_token_create(user=user, name="matrix", expires_in_days=30),
        lambda error: "clinic staff" in error.message,
    )


def revoked(world: World) -> bool:
    return ApiToken.objects.get(pk=world.alices_token.pk).revoked_at is not None


def console_revoke_token(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(f"/account/tokens/{world.alices_token.pk}/revoke/")
    return effect_answer(response, happened=revoked(world))


def service_revoke_token(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: api_token_revoke(token=world.alices_token, actor=user), lambda error: "your own" in error.message
    )


def service_remove_second_factor(user: AbstractBaseUser, world: World) -> bool:
    device = TOTPDevice.objects.create(user=world.cast["frank"], name="Lost phone", confirmed=True)
    return refused_by(lambda: mfa_device_remove(device=device, actor=user))


# --- My settings ---------------------------------------------------------------------------------------------


def console_change_my_settings(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post("/account/settings/", {"time_zone": "Europe/London"})
    changed = StaffProfile.objects.filter(user=user, time_zone="Europe/London").exists()
    return effect_answer(response, happened=changed)


def service_change_my_settings(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: staff_time_zone_set(user=user, time_zone="Europe/London", by=user),
        lambda error: "only your own settings" in error.message,
    )
