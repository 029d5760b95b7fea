from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from phonenumber_field.phonenumber import PhoneNumber

from consults.models import Expert
from patients.intake import IntakeDetails

KOLKATA = ZoneInfo("Asia/Kolkata")
DEC_2 = date(2026, 12, 2)  # a Wednesday, the day after the frozen "now"


def ist(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=KOLKATA)


def details(phone: str = "+919876500001", **overrides) -> IntakeDetails:
    values = {
        "phone": PhoneNumber.from_string(phone),
        "full_name": "Meena Test",
        "email": "",
        "consent_sms": False,
        "consent_whatsapp": False,
        "consent_text_version": "2026-01",
        "time_zone": "Asia/Kolkata",
    }
    values.update(overrides)
    return IntakeDetails(**values)


def expert_form(expert: Expert, **overrides) -> dict:
    """The expert's console form as posted back unchanged (no availability or time-off rows), with overrides."""
    form = {
        "display_name": expert.display_name,
        "role": expert.role,
        "languages": ["en"],
        "bio": "",
        "time_zone": "Asia/Kolkata",
        "consult_minutes": 20,
        "buffer_minutes": 10,
        "active": "on",
        "sort_order": 1,
        "availability-TOTAL_FORMS": 0,
        "availability-INITIAL_FORMS": 0,
        "time_off-TOTAL_FORMS": 0,
        "time_off-INITIAL_FORMS": 0,
    }
    form.update(overrides)
    return form
