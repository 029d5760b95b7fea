"""Demo guide: dr.rao reviews clinically, the coordinator edits; then the whole guide is seeded."""

from typing import TextIO

from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from guide.seeding import GuideContentMissing

DEMO_GROUPS = {"dr.rao": "Clinical reviewers", "coordinator": "Guide editors"}


def seed(out: TextIO) -> None:
    for username, group_name in DEMO_GROUPS.items():
        user = User.objects.get(username=username)
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    try:
        call_command("seed_guide", reviewer="dr.rao", owner="coordinator", stdout=out)
    except CommandError as error:
        # Without the content modules the rest of the demo is still useful; any other problem fails.
        if not isinstance(error.__cause__, GuideContentMissing):
            raise
        out.write(f"Patient guide not seeded: {error}\n")
