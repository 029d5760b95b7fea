"""Demo guide: dr.rao reviews clinically, the coordinator edits; then the whole guide is seeded."""

from typing import TextIO

from django.contrib.auth.models import Group, User
from django.core.management import call_command

DEMO_GROUPS = {"dr.rao": "Clinical reviewers", "coordinator": "Guide editors"}


def seed(out: TextIO) -> None:
    for username, group_name in DEMO_GROUPS.items():
        user = User.objects.get(username=username)
        user.groups.add(Group.objects.get(name=group_name))
    call_command("seed_guide", reviewer="dr.rao", owner="coordinator", stdout=out)
