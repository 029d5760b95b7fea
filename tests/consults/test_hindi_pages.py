"""Issue 12: the booking and manage pages in Hindi (Django i18n), from a .po that compiles and
leaves nothing untranslated."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import cast

import pytest
from django.urls import reverse
from django.utils import translation

from consults.display import slot_value
from consults.models import Consult, Expert
from consults.slots import Slot
from tests.consults.helpers import DEC_2, ist
from tests.consults.test_pages import details_form
from tests.factories.consults import ExpertFactory

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "hi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def hindi(client, name: str, *args, **params):
    """GET a page in Hindi: /hi/... once i18n_patterns wire the prefix, else by Accept-Language."""
    with translation.override("hi"):
        url = reverse(name, args=args)
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="hi")


def hindi_details_page(client) -> str:
    """The booking's details step in Hindi, for a side-effects consult at 10:00 IST on 2 Dec."""
    expert = cast(Expert, ExpertFactory())
    value = slot_value(Slot(expert.pk, ist(DEC_2, 10), ist(DEC_2, 10)))
    return hindi(client, "consults:book-details", slot=value, topic="side_effects", tz="Asia/Kolkata").content.decode()


def msgstr_blocks() -> list[str]:
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is the header
    return [entry for entry in entries if "msgid" in entry]


def test_the_hindi_catalogue_compiles_without_errors(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "Install Debian's gettext (apt-get install gettext) to check translations."
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "hi.mo"), str(PO)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_the_committed_mo_matches_the_po(tmp_path):
    subprocess.run([shutil.which("msgfmt") or "msgfmt", "-o", str(tmp_path / "hi.mo"), str(PO)], check=True, timeout=60)
    assert (tmp_path / "hi.mo").read_bytes() == MO.read_bytes()


def test_no_hindi_string_is_left_empty():
    empty = [
        entry.splitlines()[0]
        for entry in msgstr_blocks()
        if re.search(r'^msgstr(\[\d\])? ""\n?$', entry, re.M) and not re.search(r'^msgstr(\[\d\])? ""\n"', entry, re.M)
    ]
    assert empty == []


def test_no_hindi_string_is_fuzzy():
    assert [entry for entry in msgstr_blocks() if "#, fuzzy" in entry] == []


@pytest.mark.django_db
def test_step_one_reads_in_hindi(client, frozen):
    ExpertFactory()
    body = hindi(client, "consults:book").content.decode()
    assert "निःशुल्क सलाह बुक करें" in body


@pytest.mark.django_db
def test_topics_read_in_hindi(client, frozen):
    ExpertFactory()
    assert "दुष्प्रभाव" in hindi(client, "consults:book").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("हाँ, इस सलाह के बारे में मुझे ऊपर चुने गए माध्यम पर संदेश भेजें", id="the consent question"),
        pytest.param("उदाहरण: +91 81234 56789", id="the phone hint"),
    ],
)
def test_the_details_step_reads_in_hindi(client, frozen, text):
    assert text in hindi_details_page(client)


@pytest.mark.django_db
def test_form_errors_read_in_hindi(client, frozen):
    with translation.override("hi"):
        url = reverse("consults:book-details")
    body = client.post(url, details_form(ExpertFactory(), name=""), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "अपना नाम बताएँ" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("कैलेंडर में जोड़ें", id="the add-to-calendar link"),
        pytest.param("बुधवार 2", id="the date: Wednesday 2 December in Django's Hindi date names"),
    ],
)
def test_the_manage_page_reads_in_hindi(client, frozen, text):
    client.post("/book/details/", details_form(ExpertFactory()))
    body = hindi(client, "consults:manage", Consult.objects.get().manage_token).content.decode()
    assert text in body


@pytest.mark.django_db
def test_a_slot_taken_meanwhile_is_explained_in_hindi(client, frozen):
    from tests.factories.consults import ConsultFactory

    expert = ExpertFactory()
    ConsultFactory(expert=expert, start=ist(DEC_2, 10))
    with translation.override("hi"):
        url = reverse("consults:book-details")
    body = client.post(url, details_form(expert), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "यह समय अभी-अभी किसी और ने ले लिया" in body


# --- the phone field and the booking limit, in Hindi (patients/contact_validation.py, consults/throttles.py) --


def hindi_details_post(client, data: dict):
    with translation.override("hi"):
        url = reverse("consults:book-details")
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="hi")


@pytest.mark.django_db
def test_a_bad_phone_on_the_hindi_booking_page_is_refused_in_hindi(client, frozen):
    body = hindi_details_post(client, details_form(ExpertFactory(), phone="12")).content.decode()
    assert "भारत का मोबाइल नंबर लिखें, जैसे +91 81234 56789।" in body


@pytest.mark.django_db
def test_the_hindi_phone_error_has_no_english_left(client, frozen):
    body = hindi_details_post(client, details_form(ExpertFactory(), phone="12")).content.decode()
    assert "Enter a mobile number" not in body


@pytest.mark.django_db
def test_a_landline_on_the_hindi_booking_page_is_refused_in_hindi(client, frozen):
    body = hindi_details_post(client, details_form(ExpertFactory(), phone="011 2345 6789")).content.decode()
    assert "भारत का मोबाइल नंबर लिखें" in body


@pytest.mark.django_db
def test_two_countries_are_joined_in_hindi(client, frozen, settings):
    settings.PATIENT_PHONE_COUNTRIES = ["IN", "GB"]
    body = hindi_details_post(client, details_form(ExpertFactory(), phone="12")).content.decode()
    assert "भारत या United Kingdom का मोबाइल नंबर लिखें" in body


@pytest.mark.django_db
def test_a_missing_phone_is_asked_for_in_hindi(client, frozen):
    body = hindi_details_post(client, details_form(ExpertFactory(), phone="")).content.decode()
    assert "वह मोबाइल नंबर लिखें जिस पर विशेषज्ञ कॉल करें।" in body


@pytest.mark.django_db
def test_the_english_phone_error_is_unchanged(client, frozen):
    response = client.post("/book/details/", details_form(ExpertFactory(), phone="12"))
    assert "Enter a mobile number from India, like +91 81234 56789." in response.content.decode()


@pytest.mark.django_db
def test_the_booking_limit_says_how_long_to_wait_in_hindi(client, frozen, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "booking_phone": "1/hour"},
    }
    expert = ExpertFactory()
    assert hindi_details_post(client, details_form(expert)).status_code == 302
    response = hindi_details_post(client, details_form(expert, start=ist(DEC_2, 11)))
    assert response.status_code == 429
    assert "कृपया 60 मिनट बाद फिर कोशिश करें" in response.content.decode()


def test_one_minute_to_wait_reads_in_hindi():
    from consults.throttles import wait_message

    with translation.override("hi"):
        assert wait_message(1) == (
            "बुकिंग की बहुत ज़्यादा कोशिशें हो गई हैं। कृपया 1 मिनट बाद फिर कोशिश करें, या क्लिनिक को फ़ोन करें।"
        )


def test_one_minute_to_wait_reads_in_english_singular():
    from consults.throttles import wait_message

    with translation.override("en"):
        assert wait_message(1) == "Too many booking attempts. Please try again in 1 minute, or call the clinic."
