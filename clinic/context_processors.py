from django.conf import settings
from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, str]:
    """Clinic identity for every template (name, phone, WhatsApp link)."""
    whatsapp_digits = "".join(ch for ch in settings.CLINIC_WHATSAPP if ch.isdigit())
    return {
        "CLINIC_NAME": settings.CLINIC_NAME,
        "CLINIC_PHONE": settings.CLINIC_PHONE,
        "CLINIC_WHATSAPP_URL": f"https://wa.me/{whatsapp_digits}" if whatsapp_digits else "",
    }
