from django.core.management.base import BaseCommand

from patients.tasks import daily_care_sweep


class Command(BaseCommand):
    help = "Roll monitoring schedules forward and open tasks for overdue items, expiring authorisations, follow-ups."

    def handle(self, *args, **options):
        result = daily_care_sweep()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
