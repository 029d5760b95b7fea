"""Red-flag words in a patient's own words (the check-in's "anything else?" and unreadable replies).

Source: clinic domain brief, "Side effects and escalation". Simple keywords in English and Hindi,
matched as words; a match right after "no", "not", "never" or "without" ("no fever") is ignored.
Over-escalation is the safe direction: a coordinator reads every match.
"""

import re

from followups.dose_replies import normalize

# symptom key (patients.protocols.SYMPTOMS) → English patterns, Hindi / transliterated phrases.
RED_FLAG_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fever_infection": (
        (r"fever\w*", r"high temperature", r"chills", r"infection"),
        ("बुखार", "ज्वर", "bukhar", "bukhaar"),
    ),
    "bleeding_bruising": (
        (r"bleed\w*", r"blood in \w+", r"vomit\w* blood", r"cough\w* blood", r"bruis\w*"),
        ("खून बह", "खून आ", "खून निकल", "khoon aa", "khoon beh"),
    ),
    "black_stools": (
        (
            r"black (?:stools?|poo|poop|motions?)",
            r"tarry (?:stools?|motions?)",
            r"(?:stools?|poo|poop|motions?) (?:is |are |was |were )?black",
        ),
        ("काला मल", "काली टट्टी", "काला पखाना", "kala mal"),
    ),
    "jaundice": (
        (r"yellow (?:skin|eyes?)", r"jaundice", r"(?:skin|eyes?) (?:is |are |look |looks |turned )?yellow"),
        ("पीलिया", "आंखें पीली", "आँखें पीली", "त्वचा पीली", "piliya", "peeliya"),
    ),
    "dark_urine": ((r"dark (?:urine|pee)", r"(?:urine|pee) (?:is )?dark"), ("गहरा पेशाब", "पेशाब गहरा")),
    "chest_pain": (
        (r"chest pains?", r"pain in (?:my |the )?chest", r"chest (?:hurts|tight\w*)"),
        ("सीने में दर्द", "छाती में दर्द", "seene mein dard", "chhati mein dard"),
    ),
    "fainting": ((r"faint\w*", r"passed out", r"blacked out", r"collaps\w*"), ("बेहोश", "behosh")),
    "shortness_of_breath": (
        (
            r"breathless\w*",
            r"short(?:ness)? of breath",
            r"can ?not breathe",
            r"cant breathe",
            r"(?:difficulty|trouble) breathing",
        ),
        ("सांस फूल", "साँस फूल", "सांस लेने में", "साँस लेने में", "saans phool"),
    ),
    "rapid_weight_gain": (
        (
            r"sudden(?:ly)? swell\w*",
            r"swell\w* sudden\w*",
            r"weight gain",
            r"gained weight",
            r"put on weight",
            r"gain\w* \d+ ?kg",
        ),
        ("अचानक सूजन", "वजन बढ़", "वज़न बढ़", "achanak sujan"),
    ),
    "severe_rash": ((r"blister\w*", r"peeling skin", r"skin peeling"), ("छाले", "chhale")),
}
_NEGATION = re.compile(r"(?:\bno|\bnot|\bnever|\bwithout|\bnahi|\bनहीं|\bकोई नहीं)\s*$")


def red_flags_in(text: str) -> list[str]:
    """Symptom keys of the red flags the text mentions (in table order, each once)."""
    plain = normalize(text)
    found = []
    for key, (patterns, phrases) in RED_FLAG_WORDS.items():
        for pattern in patterns:
            match = next(
                (m for m in re.finditer(rf"\b(?:{pattern})\b", plain) if not _NEGATION.search(plain[: m.start()])), None
            )
            if match:
                found.append(key)
                break
        else:
            for phrase in phrases:
                at = plain.find(phrase)
                if at >= 0 and not _NEGATION.search(plain[:at]):
                    found.append(key)
                    break
    return found
