"""Who may move a care record in or out as FHIR: one named predicate per capability.

They are built from today's roles and visibility selector (patients.roles, patients.selectors), so a
later switch to capability predicates changes these two functions only.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from patients.models import Patient
from patients.roles import is_admin, is_clinic_staff, is_coordinator
from patients.selectors import patients_visible_to


def can_export_patient_record(user: AbstractBaseUser | AnonymousUser, patient: Patient) -> bool:
    """Clinic staff who may view the patient's care record may download it."""
    return is_clinic_staff(user) and patients_visible_to(user).filter(pk=patient.pk).exists()


def can_import_patient_results(user: AbstractBaseUser | AnonymousUser, patient: Patient) -> bool:
    """Staff who may edit the patient's record (coordinators of visible patients, admins) may import results."""
    if not (is_admin(user) or is_coordinator(user)):
        return False
    return patients_visible_to(user).filter(pk=patient.pk).exists()


def may_import_results(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the caller could import for anyone: checked before the body is read."""
    return is_admin(user) or is_coordinator(user)
