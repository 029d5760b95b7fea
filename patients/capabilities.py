"""Who may do what: one named predicate per capability, used by the console, the API and the services.

Each predicate takes the acting user (and the object when the answer depends on it) and returns a
bool. Callers never test roles themselves: the admin's has_*_permission, the API's permission
classes and the services' own checks all ask here, so the three can never disagree.
tests/test_permission_matrix.py asks every `can_*` here of the whole cast at every door: a new predicate
fails that test until its row (who may, and which console page, endpoint and service ask it) is added.
They live in patients, not in the clinic core beside the roles they read: almost every answer is about a
patient (whose record, which care team, `patients_visible_to`), and the core imports no app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from clinic.roles import is_admin, is_clinic_staff, is_coordinator, is_expert
from patients.models import Patient
from patients.selectors import patients_visible_to

if TYPE_CHECKING:  # consults, messaging and accounts depend on patients, never the other way round at import time
    from accounts.models import ApiToken
    from consults.models import Consult, Expert
    from messaging.models import Conversation

User = AbstractBaseUser | AnonymousUser


def _runs_care(user: User) -> bool:
    """Coordinators and admins: they keep care records and run the schedule."""
    return is_admin(user) or is_coordinator(user)


def can_use_console(user: User) -> bool:
    return is_clinic_staff(user)


def can_view_patient(user: User, patient: Patient) -> bool:
    """Admins: everyone; coordinators: their own and unassigned; experts: while in a care relationship."""
    return patients_visible_to(user).filter(pk=patient.pk).exists()


def can_edit_care_record(user: User, patient: Patient | None = None) -> bool:
    """Coordinators and admins write care records (of patients they may see); experts only read."""
    return _runs_care(user) and (patient is None or can_view_patient(user, patient))


def can_add_note(user: User, patient: Patient | None = None) -> bool:
    """Any clinic staff may add a note to a record they may see (experts record consult advice)."""
    return is_clinic_staff(user) and (patient is None or can_view_patient(user, patient))


def can_delete_patient_data(user: User) -> bool:
    """Delete rows of patient data (a wrong note, a duplicate result) in the console: admins only."""
    return is_admin(user)


def can_export_patient_record(user: User, patient: Patient | None = None) -> bool:
    """Download the care record as FHIR: clinic staff who may view the patient's record."""
    return is_clinic_staff(user) and (patient is None or can_view_patient(user, patient))


def can_import_patient_results(user: User, patient: Patient | None = None) -> bool:
    """Import lab results (FHIR Observations) into a record: whoever may edit it (coordinators, admins)."""
    return can_edit_care_record(user, patient)


def can_pause_follow_ups(user: User, patient: Patient | None = None) -> bool:
    """Pause or resume a patient's automated reminders and check-ins: whoever may edit the record."""
    return can_edit_care_record(user, patient)


def can_reply_to_conversation(user: User, conversation: Conversation | None = None) -> bool:
    """Work a patient's conversation in the inbox (reply, send the WhatsApp template, assign, close, retry a
    message): coordinators and admins, of patients they may see; experts read the thread only."""
    return can_edit_care_record(user, conversation.patient if conversation is not None else None)


def can_run_schedule(user: User, patient: Patient | None = None) -> bool:
    """Book consults for patients (of a patient: one they may see), edit experts' hours and time off, change
    consult details."""
    return _runs_care(user) and (patient is None or can_view_patient(user, patient))


def can_view_consult(user: User, consult: Consult) -> bool:
    """Same rule as consults.selectors.consults_visible_to, for one consult: coordinators and admins by
    the patient; an expert only their own consults, while they may see the patient."""
    if is_admin(user):
        return True
    if is_coordinator(user) and can_view_patient(user, consult.patient):
        return True
    return is_expert(user) and consult.expert.user_id == user.pk and can_view_patient(user, consult.patient)


def can_cancel_consult(user: User, consult: Consult | None = None) -> bool:
    """Only coordinators and admins cancel from the console or staff API (patients cancel with their link)."""
    return _runs_care(user) and (consult is None or can_view_consult(user, consult))


def can_complete_consult(user: User, consult: Consult | None = None) -> bool:
    """Record completed / no-show: any clinic staff, for a consult they may see (an expert: their own)."""
    return is_clinic_staff(user) and (consult is None or can_view_consult(user, consult))


def can_change_expert_profile(user: User, expert: Expert | None = None) -> bool:
    """Edit an expert's public profile, hours and time off."""
    return _runs_care(user)


def can_change_expert_user(user: User, expert: Expert | None = None) -> bool:
    """Point an expert profile at a login: this widens that login's access, so admins only."""
    return is_admin(user)


def can_delete_expert(user: User, expert: Expert | None = None) -> bool:
    return is_admin(user)


def can_assign_care_team(user: User, patient: Patient | None = None) -> bool:
    """Put an expert on (or take them off) a patient's care team: coordinators of that patient and admins."""
    return _runs_care(user) and (patient is None or can_view_patient(user, patient))


def can_be_on_care_team(user: User) -> bool:
    """Only logins that hold the expert role join care teams (coordinators already see their patients)."""
    return is_expert(user)


def can_break_glass(user: User) -> bool:
    """Experts (who are not also coordinators or admins) may open time-limited access with a reason."""
    return is_expert(user) and not _runs_care(user)


def can_view_break_glass_report(user: User) -> bool:
    return is_admin(user)


def can_merge_intake(user: User, intake: Patient | None = None) -> bool:
    """Join an unverified intake to the record it names: coordinators who may see both, and admins."""
    if not _runs_care(user):
        return False
    if intake is None:
        return True
    return can_view_patient(user, intake) and intake.intake_of is not None and can_view_patient(user, intake.intake_of)


def can_work_triage(user: User) -> bool:
    """See the coordinators' work queue and take unassigned patients ("assign to me"): coordinators only.

    Admins see the queue too but are not coordinators, so they cannot become a patient's coordinator."""
    return is_coordinator(user)


def can_see_coordinator_queue(user: User) -> bool:
    """The coordinator cards (tasks, monitoring, inbox …): coordinators and admins; experts get "My day"."""
    return _runs_care(user)


def can_see_my_day(user: User) -> bool:
    """Today's own consults with the outcome buttons: logins that hold the expert role."""
    return is_expert(user)


def can_open_settings(user: User) -> bool:
    """The full list of models (protocol settings, templates, experts …) behind the "Settings" entry."""
    return is_admin(user)


def can_view_clinic_insights(user: User) -> bool:
    """The insights page and its CSV downloads: admins and coordinators; experts and outsiders may not."""
    return _runs_care(user)


def can_view_access_report(user: User) -> bool:
    """Who viewed or changed which patients in a period (breach readiness): admins only."""
    return is_admin(user)


def can_view_audit_log(user: User) -> bool:
    """The raw audit trail in the console (read-only for everyone, visible to admins only)."""
    return is_admin(user)


def can_edit_resource_directory(user: User) -> bool:
    """The directory of support services is not patient data: all staff read it, admins edit it."""
    return is_admin(user)


def can_change_protocol_settings(user: User) -> bool:
    """Change a configurable clinical default (every schedule is regenerated): admins; staff may look."""
    return is_admin(user)


def can_edit_message_templates(user: User) -> bool:
    """Keep the approved WhatsApp template SIDs: coordinators and admins."""
    return _runs_care(user)


def can_create_api_token(user: User) -> bool:
    """Personal API tokens are for clinic staff (the API refuses everyone else anyway)."""
    return is_clinic_staff(user)


def can_revoke_api_token(user: User, token: ApiToken) -> bool:
    """Owners revoke their own tokens; an admin may revoke anyone's."""
    return user.is_authenticated and (token.user_id == user.pk or is_admin(user))


def can_manage_sign_in_security(user: User) -> bool:
    """Unlock sign-ins, remove a lost second factor, list and revoke everyone's API tokens: admins only."""
    return is_admin(user)


def can_manage_patient_rights(user: User, patient: Patient | None = None) -> bool:
    """Send the patient their data package and record correction requests: coordinators of the patient, admins."""
    return _runs_care(user) and (patient is None or can_view_patient(user, patient))


def can_run_erasure(user: User, patient: Patient | None = None) -> bool:
    """Record and carry out a patient's erasure request: coordinators of the patient and admins (experts never)."""
    return _runs_care(user) and (patient is None or can_view_patient(user, patient))


def can_set_retention(user: User) -> bool:
    """How long clinical records, message logs and the audit trail are kept: admins only."""
    return is_admin(user)


def can_change_staff_settings(user: User, staff: User | None = None) -> bool:
    """A staff member's own settings ("My settings": their time zone): themself, or an admin for anyone."""
    if is_admin(user):
        return True
    return is_clinic_staff(user) and (staff is None or staff.pk == user.pk)
