"""Create (or repair) the django-q2 Schedule that sends due consult reminders every minute.

Idempotent by name; the sweep itself is idempotent (keys per consult, start and lead time).
"""

from django.db import migrations

NAME = "consults: send due reminders"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=NAME).exclude(
        pk__in=Schedule.objects.filter(name=NAME).order_by("pk").values("pk")[:1]
    ).delete()
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": "consults.tasks.send_due_consult_reminders", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("consults", "0001_initial"), ("django_q", "0018_task_success_index")]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
