"""Fictional demo people: staff logins and patients. Idempotent: a second run changes nothing."""

from typing import TextIO

from django.contrib.auth.models import Group, User
from django.db import transaction

from clinic.roles import COORDINATOR, EXPERT, ensure_role_groups
from patients.models import Channel, Language, Patient

DEMO_PASSWORD = "carethread-demo"

# username, first, last, role
DEMO_STAFF = [
    ("coordinator", "Meera", "Iyer", COORDINATOR),
    ("coordinator2", "Rahul", "Menon", COORDINATOR),
    ("dr.rao", "Anita", "Rao", EXPERT),
    ("dr.khan", "Imran", "Khan", EXPERT),
    ("nutrition", "Priya", "Nair", EXPERT),
    ("finance", "Vikram", "Shah", EXPERT),
]

# Clearly fictional people on the reserved-for-drama +91 99999 range.
DEMO_PATIENTS = [
    ("Asha Demo-Kumar", "+919999900001", Language.ENGLISH, Channel.WHATSAPP),
    ("Ravi Demo-Singh", "+919999900002", Language.HINDI, Channel.SMS),
    ("Lakshmi Demo-Pillai", "+919999900003", Language.ENGLISH, Channel.SMS),
    ("Farhan Demo-Ali", "+919999900004", Language.HINDI, Channel.WHATSAPP),
    ("Sunita Demo-Patel", "+919999900005", Language.ENGLISH, Channel.WHATSAPP),
]


def demo_staff_user(username: str, first: str, last: str, role: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "is_staff": True, "email": f"{username}@example.org"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def seed(out: TextIO) -> None:
    ensure_role_groups()
    staff = {username: demo_staff_user(username, first, last, role) for username, first, last, role in DEMO_STAFF}
    for index, (name, phone, language, channel) in enumerate(DEMO_PATIENTS):
        Patient.objects.get_or_create(
            phone=phone,
            defaults={
                "full_name": name,
                "language": language,
                "preferred_channel": channel,
                "consent_sms": True,
                "consent_whatsapp": channel == Channel.WHATSAPP,
                "consent_text_version": "2026-01",
                "coordinator": staff["coordinator"] if index % 2 == 0 else staff["coordinator2"],
                "source": "staff",
            },
        )
    out.write(f"Demo staff: {len(DEMO_STAFF)} logins, demo patients: {len(DEMO_PATIENTS)}.\n")
