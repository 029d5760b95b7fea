"""Create (or repair) the django-q2 Schedule that runs the messaging sweeper every minute.

Idempotent by name: running it again, or after someone edited the schedule, leaves exactly one.
"""

from django.db import migrations

NAME = "messaging: sweep outbox and inbox"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=NAME).exclude(
        pk__in=Schedule.objects.filter(name=NAME).order_by("pk").values("pk")[:1]
    ).delete()
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "messaging.tasks.sweep",
            "schedule_type": "I",  # every `minutes`
            "minutes": 1,
            "repeats": -1,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
