"""Who may open the clinic insights page.

One named predicate, so the console link, the page and the CSV downloads agree. It leans on
patients.roles today; when the capability module lands it can move there unchanged.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from patients.roles import is_admin, is_coordinator
from patients.selectors import visible


def can_view_clinic_insights(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Admins and coordinators; experts and accounts without a clinic role may not."""
    return is_admin(user) or is_coordinator(user)


def limit_to_visible_patients(queryset: QuerySet, user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """Rows (with a `patient` foreign key) about patients `user` may see.

    A coordinator's insights count only the patients they may open in the console (their own and
    unassigned ones), so the page never reveals activity about another coordinator's patients;
    admins count everyone. Swap this for the capability predicate once it exists.
    """
    return visible(queryset, user, prefix="patient__")
