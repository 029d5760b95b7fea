"""What identifies an erased patient in free text, and how it is replaced.

An erasure removes identifying fields outright (the Patient row, message texts); text that must stay
(a clinical note, an audit line) keeps its words except the person's name, phone number and e-mail,
which are replaced. Names are matched case-insensitively as whole words; a phone number in any
spacing, with or without its country code or a leading 0.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

import phonenumbers
from django.conf import settings

from patients.models import Patient

PHONE_ERASED = "[phone erased]"
EMAIL_ERASED = "[e-mail erased]"
# Shorter name parts ("Al", "Om") would match inside ordinary words of a clinical note.
MIN_NAME_PART = 3
_SEPARATORS = r"[\s().-]*"


def pseudonym(patient: Patient) -> str:
    """What an erased record is called from now on: no name, only the clinic's reference."""
    return f"Erased patient {patient.reference}"


def pseudonym_phone(patient: Patient) -> str:
    """A placeholder in the phone column, unique per record and never routable: +999 is not a country code."""
    return f"+999{patient.pk:011d}"


@dataclass(frozen=True)
class Phone:
    e164: str
    country_code: str
    national: str


def _phone(raw: str) -> Phone | None:
    try:
        number = phonenumbers.parse(raw, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    national = str(number.national_number)
    if len(national) < 6:
        return None
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        country_code=str(number.country_code),
        national=national,
    )


@dataclass(frozen=True)
class Identifiers:
    """The names, phone numbers and e-mail addresses an erasure looks for."""

    names: tuple[str, ...]
    phones: tuple[Phone, ...]
    emails: tuple[str, ...]

    @property
    def name_parts(self) -> tuple[str, ...]:
        parts = {part for name in self.names for part in name.split() if len(part) >= MIN_NAME_PART}
        return tuple(sorted(parts, key=len, reverse=True))

    def needles(self) -> list[str]:
        """Exact strings for a database search outside the patient's own rows (audit lines, the admin log):
        whole names, numbers in E.164 and national digits, e-mails, and their URL-encoded forms."""
        found: set[str] = set()
        for name in self.names:
            found |= {name, quote(name), quote_plus(name)}
        for phone in self.phones:
            found |= {phone.e164, phone.national, quote(phone.e164), quote_plus(phone.e164)}
        found |= set(self.emails) | {quote(email) for email in self.emails}
        return sorted(needle for needle in found if needle)

    def _encoded(self) -> list[tuple[str, str]]:
        raws = [*self.names, *(phone.e164 for phone in self.phones), *self.emails]
        pairs = {(raw, form) for raw in raws for form in (quote(raw), quote_plus(raw)) if form != raw}
        return sorted(pairs, key=lambda pair: len(pair[1]), reverse=True)

    def redact(self, text: str, *, replacement: str, name_parts: bool) -> str:
        """`text` with every name (and, in the patient's own rows, every part of it), phone and e-mail replaced."""
        if not text:
            return text
        for email in self.emails:
            text = re.sub(re.escape(email), EMAIL_ERASED, text, flags=re.IGNORECASE)
        for phone in self.phones:
            digits = _SEPARATORS.join(phone.national)
            prefix = rf"(?:(?:\+|00)?{phone.country_code}{_SEPARATORS}|0)?"
            text = re.sub(rf"(?<!\d){prefix}{digits}(?!\d)", PHONE_ERASED, text)
        for raw, encoded in self._encoded():  # a search logged from a URL: q=Asha+Verma, %2B919812345678
            text = re.sub(
                re.escape(encoded), PHONE_ERASED if raw.startswith("+") else replacement, text, flags=re.IGNORECASE
            )
        words = list(self.names) + (list(self.name_parts) if name_parts else [])
        for word in sorted(words, key=len, reverse=True):
            pattern = r"\s+".join(re.escape(piece) for piece in word.split())
            text = re.sub(rf"(?<!\w){pattern}(?!\w)", replacement, text, flags=re.IGNORECASE)
        return text


def identifiers_of(patients: list[Patient]) -> Identifiers:
    """Everything that names these records: their own fields and what an anonymous booker typed for them."""
    names: set[str] = set()
    phones: dict[str, Phone] = {}
    emails: set[str] = set()
    for patient in patients:
        asked = patient.requested_changes if isinstance(patient.requested_changes, dict) else {}
        for name in (patient.full_name, asked.get("full_name")):
            if isinstance(name, str) and len(name.strip()) >= MIN_NAME_PART:
                names.add(" ".join(name.split()))
        for email in (patient.email, asked.get("email")):
            if isinstance(email, str) and "@" in email:
                emails.add(email.strip())
        phone = _phone(str(patient.phone)) if patient.phone else None
        if phone is not None:
            phones[phone.e164] = phone
    return Identifiers(names=tuple(sorted(names)), phones=tuple(phones.values()), emails=tuple(sorted(emails)))
