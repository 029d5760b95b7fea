"""Consult reminders moved from consults to follow-ups: the every-minute Schedule consults' migration 0002
created now calls followups.tasks.send_due_consult_reminders, under a follow-ups name.

Idempotent by name, like the other schedule migrations; the reverse puts the consults' Schedule back.
"""

from django.db import migrations

OLD_NAME, OLD_FUNC = "consults: send due reminders", "consults.tasks.send_due_consult_reminders"
NAME, FUNC = "followups: consult reminders", "followups.tasks.send_due_consult_reminders"


def _replace(apps, *, drop: str, name: str, func: str) -> None:
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=drop).delete()
    Schedule.objects.filter(name=name).exclude(
        pk__in=Schedule.objects.filter(name=name).order_by("pk").values("pk")[:1]
    ).delete()
    Schedule.objects.update_or_create(
        name=name, defaults={"func": func, "schedule_type": "I", "minutes": 1, "repeats": -1}
    )


def move_to_followups(apps, schema_editor):
    _replace(apps, drop=OLD_NAME, name=NAME, func=FUNC)


def move_back_to_consults(apps, schema_editor):
    _replace(apps, drop=NAME, name=OLD_NAME, func=OLD_FUNC)


class Migration(migrations.Migration):
    dependencies = [("followups", "0002_follow_up_schedules"), ("consults", "0002_reminder_schedule")]

    operations = [migrations.RunPython(move_to_followups, move_back_to_consults)]
