from django.core.management.base import BaseCommand

from patients.tasks import care_sweep_complete


class Command(BaseCommand):
    help = "Roll monitoring schedules forward and open tasks for overdue items, expiring authorisations, follow-ups."

    def handle(self, *args, **options):
        result = care_sweep_complete()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
