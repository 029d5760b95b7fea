"""Staff roles. Coordinators edit care records; experts read their patients' records; admins see all."""

from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, User
from django.http import HttpRequest

if TYPE_CHECKING:
    from rest_framework.request import Request

COORDINATOR = "coordinator"
EXPERT = "expert"
ROLE_GROUPS = (COORDINATOR, EXPERT)


def staff_user(request: "HttpRequest | Request") -> User:
    """The signed-in staff member of a console view or API view that has already checked a capability."""
    return cast(User, request.user)


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return role in cached


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_coordinator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_role(user, COORDINATOR)


def is_expert(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_role(user, EXPERT)


def is_clinic_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    return is_admin(user) or is_coordinator(user) or is_expert(user)


def ensure_role_groups() -> None:
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
