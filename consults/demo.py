"""Fictional demo experts, their weekly hours (Asia/Kolkata) and a few consults for the demo patients.

Idempotent and deterministic: experts are keyed by their staff login, consults by fixed references;
a second run changes nothing. Upcoming demo consults take the first free slot a day or more ahead.
"""

import hashlib
import hmac
from datetime import time, timedelta
from typing import TextIO

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from consults.models import Consult, ConsultMode, ConsultSource, ConsultStatus, Expert, ExpertRole, Topic
from consults.selectors import next_free_slots
from consults.services import consult_book
from patients.models import Patient

MORNING = (time(10, 0), time(13, 0))
AFTERNOON = (time(14, 0), time(18, 0))

# username, name, role, languages, bio, {weekday: [blocks]}
DEMO_EXPERTS = [
    (
        "dr.rao",
        "Dr Anita Rao",
        ExpertRole.HEMATO_ONCOLOGIST,
        ["en", "hi", "kn"],
        "Haemato-oncologist; 15 years caring for people with CML and other blood cancers.",
        {0: [MORNING, (time(15, 0), time(17, 0))], 2: [MORNING], 4: [MORNING, (time(15, 0), time(17, 0))]},
    ),
    (
        "dr.khan",
        "Dr Imran Khan",
        ExpertRole.GI_ONCOLOGIST,
        ["en", "hi", "ur"],
        "GI oncologist; treats GIST and other digestive-tract tumours.",
        {1: [MORNING], 3: [MORNING], 5: [(time(10, 0), time(12, 0))]},
    ),
    (
        "nutrition",
        "Priya Nair",
        ExpertRole.NUTRITIONIST,
        ["en", "ml", "ta", "hi"],
        "Oncology nutritionist: eating well on treatment, nausea, weight and fluid retention.",
        {day: [AFTERNOON] for day in range(5)},
    ),
    (
        "finance",
        "Vikram Shah",
        ExpertRole.FINANCIAL_COUNSELLOR,
        ["en", "hi", "gu", "mr"],
        "Financial counsellor: insurance, government schemes and patient-assistance programmes.",
        {day: [(time(11, 0), time(14, 0))] for day in range(6)},
    ),
]

# reference, patient phone, expert login, topic, mode, days ahead (negative: a past consult)
DEMO_CONSULTS = [
    ("CT-DEMA2", "+919999900001", "dr.rao", Topic.TREATMENT_QUESTION, ConsultMode.PHONE, 1),
    ("CT-DEMB3", "+919999900002", "nutrition", Topic.DIET, ConsultMode.WHATSAPP, 2),
    ("CT-DEMC4", "+919999900003", "finance", Topic.FINANCIAL_HELP, ConsultMode.PHONE, 3),
    ("CT-DEMD5", "+919999900004", "dr.khan", Topic.SECOND_OPINION, ConsultMode.VIDEO, -7),
]


def demo_token(reference: str) -> str:
    """Stable per installation, unguessable without the secret key."""
    return hmac.new(settings.SECRET_KEY.encode(), reference.encode(), hashlib.sha256).hexdigest()[:32]


def _seed_experts() -> dict[str, Expert]:
    experts = {}
    for sort_order, (username, name, role, languages, bio, hours) in enumerate(DEMO_EXPERTS):
        user = User.objects.filter(username=username).first()
        expert = Expert.objects.filter(display_name=name).first()
        if expert is None:
            expert = Expert.objects.create(
                display_name=name,
                role=role,
                languages=languages,
                bio=bio,
                time_zone="Asia/Kolkata",
                sort_order=sort_order,
                user=user,
            )
            for weekday, blocks in hours.items():
                for start, end in blocks:
                    expert.availability.create(weekday=weekday, start_time=start, end_time=end)
        experts[username] = expert
    return experts


def _seed_consult(reference: str, phone: str, expert: Expert, topic: str, mode: str, days: int) -> bool:
    patient = Patient.objects.filter(phone=phone).first()
    if patient is None or Consult.objects.filter(reference__startswith=reference).exists():
        return False
    now = timezone.now()
    if days > 0:
        slots = next_free_slots([expert], after=now + timedelta(days=days), limit=1)
        if not slots:
            return False
        consult = consult_book(
            patient=patient, expert=expert, start=slots[0].start, topic=topic, mode=mode, source=ConsultSource.STAFF
        )
        Consult.objects.filter(pk=consult.pk).update(reference=reference, manage_token=demo_token(reference))
        return True
    # A consult that already happened: written directly, as history (the services only book ahead).
    start = (now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    Consult.objects.create(
        patient=patient,
        expert=expert,
        start=start,
        end=start + expert.consult_length,
        topic=topic,
        mode=mode,
        source=ConsultSource.WEB,
        status=ConsultStatus.COMPLETED,
        status_changed_at=start + expert.consult_length,
        reference=reference,
        manage_token=demo_token(reference),
    )
    return True


@transaction.atomic
def seed(out: TextIO) -> None:
    experts = _seed_experts()
    created = sum(
        _seed_consult(reference, phone, experts[username], topic, mode, days)
        for reference, phone, username, topic, mode, days in DEMO_CONSULTS
    )
    out.write(f"Demo experts: {len(experts)}, new demo consults: {created}.\n")
    for reference, *_ in DEMO_CONSULTS:
        consult = Consult.objects.filter(reference=reference).first()
        if consult is not None and consult.status == ConsultStatus.CONFIRMED:
            out.write(f"  {reference}: manage at {settings.PUBLIC_BASE_URL}/c/{consult.manage_token}/\n")
