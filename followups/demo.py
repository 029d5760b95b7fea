"""Demo follow-ups: Asha gets a 09:00 dose reminder and a Monday check-in, Ravi (Hindi) a 21:00 dose
reminder with a few days of adherence history. Idempotent: existing plans are left alone."""

from datetime import time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from clinic.timezones import clinic_today
from followups.models import CheckinPlan, DoseRecord, DoseStatus, MedicationReminderPlan
from followups.plans import checkin_plan_save, medication_plan_save
from patients.demo import DEMO_PATIENTS
from patients.models import Patient


@transaction.atomic
def seed(out: TextIO) -> None:
    phones = [phone for _name, phone, _language, _channel in DEMO_PATIENTS]
    patients = {p.phone.as_e164: p for p in Patient.objects.filter(phone__in=phones[:2])}
    asha, ravi = patients.get(phones[0]), patients.get(phones[1])
    made = 0
    if asha and not MedicationReminderPlan.objects.filter(patient=asha).exists():
        medication_plan_save(patient=asha, active=True, local_time=time(9, 0))
        made += 1
    if asha and not CheckinPlan.objects.filter(patient=asha).exists():
        checkin_plan_save(patient=asha, active=True, weekday=0, local_time=time(10, 0))
        made += 1
    if ravi and not MedicationReminderPlan.objects.filter(patient=ravi).exists():
        medication_plan_save(patient=ravi, active=True, local_time=time(21, 0), cutoff_hours=10)
        now, today = timezone.now(), clinic_today()
        history = [DoseStatus.TAKEN, DoseStatus.TAKEN, DoseStatus.MISSED, DoseStatus.TAKEN, DoseStatus.NOT_CONFIRMED]
        for offset, status in enumerate(history, start=1):
            reminded = now - timedelta(days=offset)
            DoseRecord.objects.get_or_create(
                patient=ravi,
                day=today - timedelta(days=offset),
                defaults={"status": status, "reminded_at": reminded, "confirm_by": reminded + timedelta(hours=10)},
            )
        made += 1
    out.write(f"Demo follow-up plans: {made} created.\n")
