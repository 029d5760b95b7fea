from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError

from guide import seeding
from guide.structure import REVIEWERS_GROUP


class Command(BaseCommand):
    help = (
        "Create or update the patient guide (landing page and guide pages, English and Hindi) from "
        "guide/content/en.py and hi.py. Safe to run twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reviewer", help="Username of the clinical reviewer who approves the English pages.")
        parser.add_argument("--owner", help="Username of the pages' owner (default: the reviewer).")

    def handle(self, *args, reviewer: str | None = None, owner: str | None = None, **options) -> None:
        try:
            content = seeding.load_content()
        except seeding.GuideContentError as error:
            raise CommandError(str(error)) from error
        reviewer_user = self._user(reviewer) if reviewer else self._default_reviewer()
        owner_user = self._user(owner) if owner else reviewer_user
        try:
            report = seeding.guide_seed(content=content, reviewer=reviewer_user, owner=owner_user)
        except seeding.GuideContentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Guide pages: {report.created} created, {report.updated} updated, {report.unchanged} unchanged."
        )

    def _user(self, username: str) -> AbstractBaseUser:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}. Create the account first or pass another --reviewer.")
        return user

    def _default_reviewer(self) -> AbstractBaseUser:
        users = get_user_model().objects.filter(is_active=True).order_by("pk")
        user = users.filter(groups__name=REVIEWERS_GROUP).first() or users.filter(is_superuser=True).first()
        if user is None:
            raise CommandError(
                f"Nobody can approve the pages: add a clinician to the {REVIEWERS_GROUP!r} group or pass --reviewer."
            )
        return user
