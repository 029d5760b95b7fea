"""Create (or repair) the django-q2 Schedules that send due follow-ups.

Idempotent by name; the sweeps themselves are idempotent (keys per kind, object and occurrence).
"""

from django.db import migrations

SCHEDULES = {
    "followups: dose reminders and check-ins": ("followups.tasks.send_due_timed_follow_ups", 5),
    "followups: monitoring and resource messages": ("followups.tasks.send_due_daily_follow_ups", 60),
}


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, (func, minutes) in SCHEDULES.items():
        Schedule.objects.filter(name=name).exclude(
            pk__in=Schedule.objects.filter(name=name).order_by("pk").values("pk")[:1]
        ).delete()
        Schedule.objects.update_or_create(
            name=name, defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1},
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial"), ("django_q", "0018_task_success_index")]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
