"""Reading a patient's answer to the daily dose reminder: TAKEN or MISSED, in English or Hindi.

Whole-message matching on a normalised phrase (case, punctuation and spacing ignored), never a
substring search: "not taken" must not count as taken. Anything else is left to a coordinator.
"""

import re
import unicodedata

TAKEN, MISSED = "taken", "missed"

_TAKEN_PHRASES = {
    "taken",
    "take",
    "took",
    "took it",
    "taken it",
    "i took it",
    "i have taken it",
    "i ve taken it",
    "ive taken it",
    "done",
    "yes",
    "yes taken",
    "yes done",
    "ok taken",
    "t",
    "tkn",
    "takn",
    "taked",
    "dose taken",
    "medicine taken",
    "✅",
    "✔",
    "✔️",
    "👍",
    # Hindi (Devanagari) and the usual Latin spellings of it.
    "ले ली",
    "ले लिया",
    "ले ली है",
    "ले लिया है",
    "ली",
    "लिया",
    "खा ली",
    "खा लिया",
    "दवा ले ली",
    "दवा ले ली है",
    "दवाई ले ली",
    "हाँ",
    "हां",
    "हाँ ले ली",
    "हां ले ली",
    "ले ली हाँ",
    "le li",
    "le liya",
    "le li hai",
    "kha li",
    "kha liya",
    "dawa le li",
    "dawai le li",
    "haan",
    "han",
    "ha",
}
_MISSED_PHRASES = {
    "missed",
    "miss",
    "missed it",
    "i missed it",
    "missed dose",
    "forgot",
    "i forgot",
    "forgotten",
    "not taken",
    "didn t take",
    "didnt take",
    "did not take",
    "did not take it",
    "didn t take it",
    "skipped",
    "no",
    "not yet",
    "❌",
    "भूल गया",
    "भूल गई",
    "भूल गयी",
    "नहीं ली",
    "नहीं लिया",
    "नही ली",
    "नही लिया",
    "छूट गई",
    "छूट गया",
    "छूट गयी",
    "नहीं",
    "नही",
    "दवा नहीं ली",
    "bhool gaya",
    "bhul gaya",
    "bhool gayi",
    "bhul gayi",
    "bhool gai",
    "nahi li",
    "nahin li",
    "nahi liya",
    "nahin liya",
    "nahi",
    "nahin",
    "chhut gayi",
    "chut gayi",
}


def normalize(text: str) -> str:
    """Lower-case, NFC, punctuation to spaces (Devanagari letters and signs kept), single spaces."""
    text = unicodedata.normalize("NFC", text).casefold()
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LMN" or char in "✅✔👍❌\ufe0f":
            kept.append(char)
        else:
            kept.append(" ")
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def dose_answer(text: str) -> str | None:
    """TAKEN, MISSED or None (not a dose answer)."""
    phrase = normalize(text).replace("\ufe0f", "").strip()
    # "taken ✅": a symbol next to words adds nothing; alone it is the answer.
    words = " ".join(token for token in phrase.split() if token not in _SYMBOLS)
    for candidate in (phrase, words):
        if candidate in _TAKEN_PHRASES:
            return TAKEN
        if candidate in _MISSED_PHRASES:
            return MISSED
    return None


_SYMBOLS = {"✅", "✔", "👍", "❌"}
