from django.core.management.base import BaseCommand

from patients.models import Resource
from patients.resource_directory import ensure_resources


class Command(BaseCommand):
    help = "Add any missing entries of the brief's resources directory; existing entries are left as edited."

    def handle(self, *args, **options):
        added = ensure_resources(Resource)
        self.stdout.write(f"Resources directory: {added} added, {Resource.objects.count()} in total.")
