from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

NAME = "patients: daily care sweep"


def schedule_sweep(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    zone = ZoneInfo(settings.TIME_ZONE)
    tomorrow = datetime.now(zone).date() + timedelta(days=1)
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={"func": "patients.tasks.daily_care_sweep", "schedule_type": "D", "repeats": -1,
                  "next_run": datetime.combine(tomorrow, time(1, 30), tzinfo=zone)},
    )


def unschedule_sweep(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0005_resource_directory"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule_sweep, unschedule_sweep)]
