"""Message texts: one file per kind and language under templates/messages/, rendered in the
patient's language and time zone; SMS segment counts; the no-diagnosis-in-SMS guard.

A new kind is a new pair of files, `templates/messages/<kind>.en.txt` and `<kind>.hi.txt`; the
English file is required and is used when the patient's language has no file.
"""

import math
import re
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import timezone, translation

from messaging.errors import MessageTemplateError, UnknownMessageKind, WhatsAppTemplateMisconfigured
from patients.contact_validation import name_is_greetable
from patients.models import Language, Patient

MESSAGES_DIR = Path(settings.BASE_DIR) / "templates" / "messages"
_KIND_NAME = re.compile(r"^[a-z][a-z0-9_]{1,49}$")
_MISSING = "\x00missing:%s\x00"
_MISSING_FOUND = re.compile("\x00missing:([^\x00]*)\x00")

# Kinds that ignore quiet hours: a patient who asked for help or must call now hears at once.
URGENT_KINDS = frozenset({"call_clinic_now", "help_reply"})
# Answers to a patient who wrote first. They may go on a channel the patient used in the last
# window even without recorded consent (a reply is not unsolicited), never after an opt-out.
CONVERSATIONAL_KINDS = frozenset({"staff_reply", "help_reply", "opt_in_confirmation", "intake_linked"})


@cache
def _engine() -> Engine:
    # Plain text: no HTML escaping. Unknown variables render as a marker we refuse to send.
    return Engine(dirs=[str(MESSAGES_DIR.parent)], autoescape=False, string_if_invalid=_MISSING)


def available_kinds() -> list[str]:
    return sorted(path.name.removesuffix(".en.txt") for path in MESSAGES_DIR.glob("*.en.txt"))


def kind_exists(kind: str) -> bool:
    return bool(_KIND_NAME.match(kind)) and (MESSAGES_DIR / f"{kind}.en.txt").is_file()


def first_name(patient: Patient) -> str:
    """The name to greet with, or "" when the stored name is not one a person would sign (a link, digits):
    whatever a stranger typed into the booking form must not go out in a text from the clinic's number."""
    if not name_is_greetable(patient.full_name):
        return ""
    return patient.full_name.split()[0]


def message_context(*, patient: Patient, context: dict[str, Any]) -> dict[str, Any]:
    base = {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "patient_name": first_name(patient),
    }
    base.update(context)
    return base


def _render_string(source_or_name: str, values: dict[str, Any], *, language: str, zone: str, named: bool) -> str:
    engine = _engine()
    template = engine.get_template(source_or_name) if named else engine.from_string(source_or_name)
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        text = template.render(Context(values, autoescape=False))
    missing = sorted(set(_MISSING_FOUND.findall(text)))
    if missing:
        raise MessageTemplateError(f"The message text needs values that were not given: {', '.join(missing)}.")
    return text


def render_body(*, kind: str, patient: Patient, context: dict[str, Any]) -> tuple[str, str]:
    """The message text for `kind` in the patient's language (English when there is none): (body, language)."""
    if not kind_exists(kind):
        raise UnknownMessageKind(f"There is no message text for kind {kind!r}; add templates/messages/{kind}.en.txt.")
    language = patient.language if (MESSAGES_DIR / f"{kind}.{patient.language}.txt").is_file() else Language.ENGLISH
    values = message_context(patient=patient, context=context)
    try:
        text = _render_string(
            f"messages/{kind}.{language}.txt", values, language=language, zone=patient.time_zone, named=True
        )
    except TemplateDoesNotExist as exc:
        raise UnknownMessageKind(f"There is no message text for kind {kind!r}.") from exc
    # Templates end with a newline and may use blank lines for layout; messages should not.
    return re.sub(r"\n{3,}", "\n\n", text).strip(), language


def render_template_variables(
    *, mapping: dict[str, str], patient: Patient, context: dict[str, Any], language: str
) -> dict[str, str]:
    """Values for a WhatsApp template's numbered placeholders from the message context."""
    values = message_context(patient=patient, context=context)
    rendered: dict[str, str] = {}
    for key, spec in sorted(mapping.items(), key=lambda item: int(item[0])):
        source = spec if "{{" in spec or "{%" in spec else "{{ " + spec.strip() + " }}"
        try:
            text = _render_string(source, values, language=language, zone=patient.time_zone, named=False)
        except MessageTemplateError as error:
            # The mapping is what an administrator typed under Messages › WhatsApp templates, not code.
            raise WhatsAppTemplateMisconfigured(
                f"The WhatsApp template's variable {key} ({spec.strip()}) names a value this message does not "
                "have. An administrator can correct it under Messages › WhatsApp templates.",
                field="channel",
            ) from error
        rendered[str(key)] = text.strip() or "-"  # WhatsApp refuses empty variables; a dash keeps it readable
    return rendered


# GSM 03.38: the basic set costs one unit per character, the extension set two.
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """How many SMS segments Twilio will bill for `text` (GSM-7 160/153, otherwise UCS-2 70/67)."""
    if not text:
        return 0
    if all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in text):
        units = sum(2 if char in _GSM7_EXTENSION else 1 for char in text)
        return 1 if units <= 160 else math.ceil(units / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


# SMS sits on lock screens and shared phones: it never names a diagnosis or a medicine.
_SENSITIVE_WORDS = re.compile(
    r"\b(imatinib|gleevec|glivec|dasatinib|nilotinib|bosutinib|ponatinib|asciminib|\w*leuk(?:a)?emia|cancers?"
    r"|tumou?rs?|sarcomas?|chordomas?|carcinomas?|lymphomas?|myeloid|oncolog\w*|chemo\w*|bcr[-: ]?abl1?"
    r"|philadelphia chromosome|biops(?:y|ies))\b",
    re.IGNORECASE,
)
_SENSITIVE_ACRONYMS = re.compile(r"\b(CML|GIST|DFSP|TKI)\b")
_SENSITIVE_HINDI = ("कैंसर", "कर्क रोग", "ल्यूकेमिया", "ल्यूकीमिया", "इमैटिनिब", "ट्यूमर", "कीमो", "बायोप्सी")


def sensitive_term(text: str) -> str | None:
    """The first diagnosis or medicine word in `text`, or None."""
    for pattern in (_SENSITIVE_WORDS, _SENSITIVE_ACRONYMS):
        found = pattern.search(text)
        if found:
            return found.group(0)
    return next((word for word in _SENSITIVE_HINDI if word in text), None)
