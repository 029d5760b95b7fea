"""Who may do what: one named predicate per capability, used by the console, the API and the services.

Each predicate takes the acting user (and the object when the answer depends on it) and returns a
bool. Callers never test roles themselves: the admin's has_*_permission, the API's permission
classes and the services' own checks all ask here, so the three can never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from patients.models import Patient
from patients.roles import is_admin, is_clinic_staff, is_coordinator, is_expert
from patients.selectors import patients_visible_to

if TYPE_CHECKING:  # consults depends on patients, never the other way round at import time
    from consults.models import Consult, Expert

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
    return is_admin(user)


def can_run_schedule(user: User) -> bool:
    """Book consults for patients, edit experts' hours and time off, change consult details."""
    return _runs_care(user)


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


def can_change_staff_settings(user: User, staff: AbstractBaseUser | None = None) -> bool:
    """A staff member's own settings ("My settings": their time zone): themself, or an admin for anyone."""
    if is_admin(user):
        return True
    return is_clinic_staff(user) and (staff is None or staff.pk == user.pk)
