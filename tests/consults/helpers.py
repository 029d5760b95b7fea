from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from phonenumber_field.phonenumber import PhoneNumber

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
