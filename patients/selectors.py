"""Reads of patient data that decide who may see what."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from patients.models import Patient
from patients.roles import is_admin, is_coordinator, is_expert


def patient_visibility_q(user: AbstractBaseUser | AnonymousUser, prefix: str = "") -> Q | None:
    """A filter for rows whose patient `user` may see (prefix e.g. "patient__"); None means all.

    Admins see everyone; coordinators see their own and unassigned patients; experts see the
    patients they have consults with; anyone else sees nobody.
    """
    if is_admin(user):
        return None
    rule = Q(pk__in=[])
    if is_coordinator(user):
        rule |= Q(**{f"{prefix}coordinator": user}) | Q(**{f"{prefix}coordinator__isnull": True})
    if is_expert(user):
        expert_patients = Patient.objects.filter(consults__expert__user=user).values("pk")
        lookup = f"{prefix.removesuffix('__')}__in" if prefix else "pk__in"
        rule |= Q(**{lookup: expert_patients})
    return rule


def patients_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Patient]:
    rule = patient_visibility_q(user)
    patients = Patient.objects.all()
    return patients if rule is None else patients.filter(rule)
