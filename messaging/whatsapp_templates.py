"""Which WhatsApp templates the clinic needs, the demo's stand-ins, and the gaps coordinators see.

WhatsApp delivers a business-initiated message (one that is not an answer within 24 hours of the
patient's last WhatsApp message) only as a template Meta approved. Every kind below can start a
conversation, so each needs an approved template, or a WhatsApp-only patient gets nothing (the
message is then `blocked` with its reason, visible in the conversation).
"""

import hashlib

from django.conf import settings
from django.db.models import QuerySet

from messaging.models import WhatsAppTemplate
from patients.models import Language

_WHEN = "{{ starts_at|date:'D j M, g:i A T' }}"
_REFERENCE = "{% if reference %}{{ reference }}{% else %}-{% endif %}"
_MANAGE = "{% if manage_url %}{{ manage_url }}{% else %}-{% endif %}"
_VIDEO = "{% if video_url %}{{ video_url }}{% else %}-{% endif %}"
_UNTIL = "{% if expires_on %}{{ expires_on|date:'j M' }}{% else %}-{% endif %}"

# Kind → the numbered variables its template is built with (values from that kind's context; see
# the first line of templates/messages/<kind>.en.txt). Answers to a patient who just wrote are
# inside the window and need none (REPLY_ONLY_KINDS below).
CONVERSATION_STARTING_KINDS: dict[str, dict[str, str]] = {
    "consult_confirmation": {"1": "patient_name", "2": _WHEN, "3": _REFERENCE, "4": _MANAGE, "5": _VIDEO},
    "consult_rescheduled": {"1": "patient_name", "2": _WHEN, "3": _REFERENCE, "4": _MANAGE, "5": _VIDEO},
    "consult_cancelled": {"1": "patient_name", "2": _WHEN, "3": _REFERENCE},
    "consult_reminder": {"1": "patient_name", "2": _WHEN, "3": _REFERENCE, "4": _VIDEO},
    "consult_thanks": {"1": "patient_name"},
    "consult_no_show": {"1": "patient_name", "2": _WHEN},
    "conversation_reopen": {"1": "patient_name"},
    "call_clinic_now": {"1": "clinic_phone"},
    "checkin_questions": {"1": "patient_name"},
    "medication_reminder": {"1": "patient_name"},
    "monitoring_due": {"1": "patient_name", "2": "{{ due_on|date:'j M' }}"},
    "monitoring_overdue": {"1": "patient_name", "2": "{{ due_on|date:'j M' }}"},
    "resource_contact": {"1": "patient_name"},
    "resource_follow_up": {"1": "patient_name"},
    # A booking with this number asks the record's phone holder to confirm: nobody wrote to us first.
    "intake_verification": {"1": "clinic_phone"},
    # A staff answer in the web chat: the patient wrote on the website, so no WhatsApp window is open.
    "webchat_reply": {"1": "chat_url"},
    "data_package_link": {"1": "patient_name", "2": "url", "3": _UNTIL},  # rights app: the patient's data package
}

# Kinds only ever sent as the answer to a message the patient just sent on that same channel
# (message_send(channel=inbound.channel) from a reply handler or a keyword), or by staff inside
# the window (messaging/inbox.py refuses a staff_reply outside it and offers conversation_reopen).
# Every message kind is in exactly one of the two lists; tests/messaging/test_whatsapp_templates.py
# fails on a new kind that is in neither.
REPLY_ONLY_KINDS: frozenset[str] = frozenset(
    {
        "help_reply",
        "opt_in_confirmation",
        "staff_reply",
        "intake_linked",  # keywords, staff, YES to a verification
        "consult_attendance_confirmed",
        "consult_reschedule_link",
        "consult_reply_inactive",  # consults/replies.py
        "checkin_next",
        "checkin_clarify",
        "checkin_anything_else",
        "checkin_thanks",  # followups/checkins.py
        "medication_taken_ack",
        "medication_missed_dose",  # followups/medication.py: answers to TAKEN / MISSED
    }
)

# Demo stand-ins start with 16 zeros: no real Content SID looks like that, so they are easy to spot
# (and the console flags them) if a demo database ever meets real Twilio credentials.
DEMO_CONTENT_SID_PREFIX = "HX" + "0" * 16


def demo_content_sid(kind: str, language: str) -> str:
    return DEMO_CONTENT_SID_PREFIX + hashlib.sha256(f"{kind}:{language}".encode()).hexdigest()[:16]


def whatsapp_templates_seed_demo() -> int:
    """Give every conversation-starting kind a clearly fake template in each language, so WhatsApp
    can be tried locally; never touches a template someone entered. Returns how many were added."""
    added = 0
    for kind, variables in CONVERSATION_STARTING_KINDS.items():
        for language in Language.values:
            _, created = WhatsAppTemplate.objects.get_or_create(
                kind=kind,
                language=language,
                defaults={
                    "content_sid": demo_content_sid(kind, language),
                    "variables": variables,
                    "description": "DEMO stand-in, not approved by Meta: paste your approved ContentSid.",
                },
            )
            added += created
    return added


def _usable(templates: QuerySet[WhatsAppTemplate]) -> set[str]:
    english = templates.filter(active=True, language=Language.ENGLISH).values_list("kind", "content_sid")
    return {kind for kind, sid in english if not sid.startswith(DEMO_CONTENT_SID_PREFIX)}


def whatsapp_template_gaps() -> list[str]:
    """Conversation-starting kinds with no active, real English template (English is the fallback
    for every language), in one query."""
    return sorted(set(CONVERSATION_STARTING_KINDS) - _usable(WhatsAppTemplate.objects.all()))


def whatsapp_sending_for_real() -> bool:
    return settings.MESSAGING_BACKEND == "twilio"
