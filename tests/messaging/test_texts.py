import datetime as dt

import pytest

from messaging import texts
from messaging.errors import MessageTemplateError, UnknownMessageKind, WhatsAppTemplateMisconfigured
from messaging.texts import available_kinds, render_body, render_template_variables, sensitive_term, sms_segments
from patients.models import Patient

REQUIRED_KINDS = {
    "consult_confirmation",
    "consult_rescheduled",
    "consult_cancelled",
    "consult_reminder",
    "help_reply",
    "staff_reply",
    "call_clinic_now",
}
SAMPLE = {
    "starts_at": dt.datetime(2026, 3, 10, 5, 0, tzinfo=dt.UTC),
    "expert_name": "Dr Anita Rao",
    "manage_url": "https://clinic.example.org/c/AbCdEf123456",
    "book_url": "https://clinic.example.org/book/",
    "text": "We have your appointment details.",
    "staff_name": "Meera",
}


def patient(language="en", name="Asha Verma"):
    return Patient(full_name=name, phone="+919876500001", language=language, time_zone="Asia/Kolkata")


def test_every_required_kind_has_english_and_hindi_text():
    kinds = set(available_kinds())
    assert kinds >= REQUIRED_KINDS
    for kind in kinds:
        assert (texts.MESSAGES_DIR / f"{kind}.hi.txt").is_file(), f"{kind} has no Hindi text"


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("kind", sorted(REQUIRED_KINDS | {"conversation_reopen", "opt_in_confirmation"}))
def test_texts_are_short_name_the_clinic_and_never_a_diagnosis(kind, language, settings):
    body, used = render_body(kind=kind, patient=patient(language), context=SAMPLE)
    assert used == language
    assert sensitive_term(body) is None
    assert kind == "staff_reply" or settings.CLINIC_NAME in body
    assert sms_segments(body) <= (2 if language == "en" else 3)


@pytest.mark.parametrize("kind", sorted(REQUIRED_KINDS))
def test_english_texts_stay_in_the_cheap_gsm_alphabet(kind):
    body, _ = render_body(kind=kind, patient=patient(), context=SAMPLE)
    assert sms_segments(body) == sms_segments("a" * len(body)), f"{kind} uses a character outside GSM-7"


def test_consult_reminder_tells_the_patient_how_to_reply():
    body, _ = render_body(kind="consult_reminder", patient=patient(), context=SAMPLE)
    assert "Reply C to confirm, R to reschedule, X to cancel" in body
    assert "Tue 10 Mar, 10:30 AM" in body  # 05:00 UTC shown in the patient's zone


def test_a_new_kind_is_just_new_files_and_falls_back_to_english(tmp_path, monkeypatch):
    folder = tmp_path / "messages"
    folder.mkdir()
    (folder / "dose_check.en.txt").write_text("{{ clinic_name }}: did you take today's dose? Reply TAKEN.\n")
    monkeypatch.setattr(texts, "MESSAGES_DIR", folder)
    texts._engine.cache_clear()
    try:
        body, language = render_body(kind="dose_check", patient=patient("hi"), context={})
    finally:
        texts._engine.cache_clear()
    assert (body, language) == ("CareThread Clinic: did you take today's dose? Reply TAKEN.", "en")


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(UnknownMessageKind):
        render_body(kind="no_such_kind", patient=patient(), context={})
    with pytest.raises(UnknownMessageKind):
        render_body(kind="../secrets", patient=patient(), context={})


def test_a_missing_value_is_refused_rather_than_sent_blank():
    with pytest.raises(MessageTemplateError, match="starts_at"):
        render_body(kind="consult_reminder", patient=patient(), context={})


def test_an_administrators_template_variable_naming_a_missing_value_is_a_refusal_to_fix_not_a_500():
    with pytest.raises(WhatsAppTemplateMisconfigured, match="variable 2 \\(starts_at\\)") as refused:
        render_template_variables(
            mapping={"1": "patient_name", "2": "starts_at"}, patient=patient(), context={}, language="en"
        )
    assert refused.value.field == "channel"
    assert isinstance(refused.value.__cause__, MessageTemplateError)


def test_names_with_apostrophes_are_not_html_escaped():
    body, _ = render_body(kind="conversation_reopen", patient=patient(name="D'Souza"), context={})
    assert "Hello D'Souza," in body


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("न" * 70, 1),
        ("न" * 71, 2),
        ("a" * 69 + "—", 1),
        ("a" * 70 + "—", 2),
    ],
)
def test_sms_segment_count_follows_gsm7_and_ucs2_rules(text, segments):
    assert sms_segments(text) == segments


@pytest.mark.parametrize(
    "text", ["Your imatinib refill", "leukaemia clinic", "CML results", "GIST follow-up", "कैंसर", "Your biopsy"]
)
def test_sensitive_words_are_found(text):
    assert sensitive_term(text)


@pytest.mark.parametrize("text", ["the gist of it", "see you at 10", "all good", "your results are ready"])
def test_ordinary_words_are_not_flagged(text):
    assert sensitive_term(text) is None
