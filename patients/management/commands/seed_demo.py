from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app seeds its own fictional demo data; order matters (people before consults and records).
DEMO_MODULES = [
    "patients.demo",
    "consults.demo",
    "patients.demo_care",
    "messaging.demo",
    "followups.demo",
    "guide.demo",
]


class Command(BaseCommand):
    help = "Load fictional demo data (experts, availability, resources, patients). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow seeding when DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for local use. Pass --force to load it with DEBUG off.")
        for name in DEMO_MODULES:
            import_module(name).seed(self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo coordinator login: username 'coordinator', password 'carethread-demo' "
                "at http://127.0.0.1:8000/admin/"
            )
        )
