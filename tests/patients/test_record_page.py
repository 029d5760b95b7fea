"""The care record page (issue 14): the name once, a summary of what matters now, read-only sections
behind a menu, the admin form on its own "Edit details" page, and a fixed number of queries."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.months import add_months
from patients.models import AuditEntry, Medication, Resource
from patients.services import care_task_create, lab_result_record, note_add, resource_assign, symptom_report_record
from patients.services.records import medication_dose_change
from tests.factories.activity import inbound
from tests.factories.care import cml_patient, qpcr
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.patients.conftest import START, TODAY, post_edit_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def patient(alice):
    patient = cml_patient(started_on=START, coordinator=alice)
    patient.full_name = "Asha Record-Page"
    patient.save(update_fields=["full_name"])
    return patient


def record_url(patient) -> str:
    return f"/admin/patients/patient/{patient.pk}/change/"


def main_content(body: str) -> str:
    """The page without the console's chrome (<head>, header, sidebar): what the record itself shows."""
    return body.split('id="content"', 1)[1]


def summary(body: str) -> str:
    return body.split('class="ct-summary"', 1)[1].split("</section>", 1)[0]


def test_the_patients_name_is_shown_once(client, alice, patient):
    client.force_login(alice)
    content = main_content(client.get(record_url(patient)).content.decode())
    assert content.count("Asha Record-Page") == 1
    assert re.search(r"<h1[^>]*>Asha Record-Page</h1>", content)


def test_summary_shows_diagnosis_dose_latest_response_and_flags(client, alice, patient):
    qpcr(patient, add_months(START, 6), "2.5")
    client.force_login(alice)
    box = summary(client.get(record_url(patient)).content.decode())
    for fact in (
        "CML, chronic phase",
        "imatinib 400 mg/day, once daily",
        "2.5 % IS — Above MMR",
        "ELN 2020: Warning",
        "Warning:</span> Latest BCR::ABL1",
    ):
        assert fact in box, fact


def test_summary_shows_next_due_items_open_tasks_and_the_last_message(client, alice, patient):
    care_task_create(
        patient=patient,
        title="Call about the blood test",
        priority="high",
        due=datetime(2026, 6, 16, 10, tzinfo=IST),
        created_by=alice,
    )
    inbound(patient, datetime(2026, 6, 15, 8, 30, tzinfo=IST), "Is a mild rash normal on imatinib?")
    client.force_login(alice)
    box = summary(client.get(record_url(patient)).content.decode())
    assert "Next due" in box
    assert "Complete blood count" in box
    assert "Call about the blood test" in box
    assert "Is a mild rash normal on imatinib?" in box
    assert "from the patient, SMS" in box


def test_summary_shows_a_gist_patients_site(client, alice):
    from tests.factories.care import record_for
    from tests.factories.people import PatientFactory

    gist = PatientFactory(coordinator=alice)
    record_for(gist, diagnosis="gist", gist_site="small_intestine", gist_extent="advanced")
    client.force_login(alice)
    box = summary(client.get(record_url(gist)).content.decode())
    assert "GIST (Advanced / metastatic), small intestine" in box


def test_summary_of_an_urgent_flag_says_its_level_in_words(client, alice, patient):
    qpcr(patient, add_months(START, 3), "12")
    qpcr(patient, add_months(START, 4), "15")  # confirmed > 10 % within 1-3 months: failure
    client.force_login(alice)
    box = summary(client.get(record_url(patient)).content.decode())
    assert "Review now:</span> Latest BCR::ABL1" in box


def test_sections_are_reached_from_a_menu_of_in_page_links(client, alice, patient):
    client.force_login(alice)
    body = client.get(record_url(patient)).content.decode()
    menu = body.split('aria-label="Sections of this record"', 1)[1].split("</nav>", 1)[0]
    anchors = re.findall(r'href="#([\w-]+)"', menu)
    assert anchors[:2] == ["genetictest", "monitoringitem"]
    assert {"caretask", "labresult", "medication", "symptomreport", "panel-messages", "note", "details"} <= set(anchors)
    for anchor in anchors:
        assert f'id="{anchor}"' in body, anchor


def test_the_record_has_no_disabled_or_editable_fields_of_its_own(client, alice, patient):
    client.force_login(alice)
    content = main_content(client.get(record_url(patient)).content.decode())
    own_sections = re.sub(r'<section id="panel-.*?</section>', "", content, flags=re.S)  # other apps' panels
    assert "disabled" not in content
    assert "<input" not in own_sections
    assert "<select" not in own_sections
    assert "<textarea" not in own_sections


def test_the_record_links_every_form_for_a_coordinator(client, alice, patient):
    medication = Medication.objects.get(patient=patient)
    client.force_login(alice)
    body = client.get(record_url(patient)).content.decode()
    for url in (
        f"/admin/patients/patient/{patient.pk}/record/bcr-abl1/",
        f"/admin/patients/patient/{patient.pk}/record/blood-count/",
        f"/admin/patients/patient/{patient.pk}/record/symptom/",
        f"/admin/patients/patient/{patient.pk}/medication/{medication.pk}/change-dose/",
        f"/admin/patients/patient/{patient.pk}/edit/",
    ):
        assert f'href="{url}"' in body, url


@pytest.fixture
def erins_patient(patient, erin):
    ConsultFactory(patient=patient, expert=ExpertFactory(user=erin), start=datetime(2026, 6, 17, 10, tzinfo=IST))
    return patient


def test_expert_reads_the_record_without_the_forms(client, erin, erins_patient):
    client.force_login(erin)
    body = client.get(record_url(erins_patient)).content.decode()
    assert "CML, chronic phase" in summary(body)
    assert "/record/" not in body
    assert "change-dose" not in body
    assert "Edit details" not in body
    assert "Add a note" in body


def test_expert_sees_the_details_page_read_only(client, erin, erins_patient):
    client.force_login(erin)
    response = client.get(f"/admin/patients/patient/{erins_patient.pk}/edit/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in body
    assert 'name="full_name"' not in body


def test_opening_the_record_is_audited_once(client, alice, patient):
    client.force_login(alice)
    client.get(record_url(patient))
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.patient) == (alice, "view", patient)


def test_another_coordinators_patient_is_not_found_and_not_audited(client, bob, patient):
    client.force_login(bob)
    assert client.get(record_url(patient)).status_code == 404
    assert client.get(f"/admin/patients/patient/{patient.pk}/edit/").status_code == 404
    assert not AuditEntry.objects.exists()


# -- Edit details: the admin form on its own page -----------------------------------------------------------------


def test_edit_page_shows_an_existing_dose_as_text_with_its_change_link(client, alice, patient):
    medication = Medication.objects.get(patient=patient)
    client.force_login(alice)
    body = client.get(f"/admin/patients/patient/{patient.pk}/edit/").content.decode()
    assert 'name="medications-0-dose_mg_per_day"' not in body
    assert re.search(r'<span class="ct-readonly" id="id_medications-0-dose_mg_per_day">400 mg/day</span>', body)
    assert f'href="/admin/patients/patient/{patient.pk}/medication/{medication.pk}/change-dose/"' in body
    assert "disabled" not in body.split('id="medications-group"', 1)[1].split('id="concomitant', 1)[0]


def test_edit_page_ignores_a_dose_posted_for_an_existing_course(client, alice, patient):
    client.force_login(alice)
    response = post_edit_page(client, patient, {"medications-0-dose_mg_per_day": "800"})
    assert response.status_code == 302
    assert Medication.objects.get(patient=patient).dose_mg_per_day == 400


def test_edit_page_saves_details_and_returns_to_the_record(client, alice, patient):
    client.force_login(alice)
    response = post_edit_page(client, patient, {"email": "asha@example.org"})
    assert response["Location"] == record_url(patient)
    assert "asha@example.org" in client.get(record_url(patient)).content.decode()


# -- Queries ------------------------------------------------------------------------------------------------------


def count_queries(client, patient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(record_url(patient)).status_code == 200
    return len(queries)


def add_history(patient, user, n: int) -> None:
    """n more of everything the record lists: results, blood tests, symptoms, tasks, notes, messages …"""
    for i in range(n):
        day = START + timedelta(days=20 * i + 7)
        qpcr(patient, day, f"{5 / (i + 1):.3f}")
        lab_result_record(patient=patient, taken_on=day, anc=Decimal(2), platelets=Decimal(150), recorded_by=user)
        symptom_report_record(
            patient=patient,
            symptom="nausea",
            grade=1,
            source="phone",
            reported_at=datetime.combine(day, datetime.min.time(), tzinfo=IST),
            recorded_by=user,
        )
        care_task_create(
            patient=patient,
            title=f"Task {n}-{i}",
            priority="normal",
            due=datetime(2026, 6, 20, 9, tzinfo=IST),
            assignee=user,
            created_by=user,
        )
        note_add(patient=patient, body=f"Note {n}-{i}", author=user)
        inbound(patient, datetime(2026, 6, 1, 9, tzinfo=IST) + timedelta(hours=n * 10 + i), f"Message {n}-{i}")
        patient.concomitant_medications.create(name=f"Vitamin {n}-{i}")
        patient.insurance_policies.create(payer=f"Payer {n}-{i}")
        resource = Resource.objects.create(name=f"Resource {n}-{i}", category="support")
        resource_assign(patient=patient, resource=resource, by=user)
    medication = Medication.objects.get(patient=patient)
    medication_dose_change(
        medication=medication, to_mg=medication.dose_mg_per_day - 50, changed_on=TODAY, reason=f"Reduced ({n})", by=user
    )


def test_the_record_runs_a_fixed_number_of_queries_as_the_history_grows(client, alice, patient):
    client.force_login(alice)
    count_queries(client, patient)  # warm caches (protocol settings, content types)
    add_history(patient, alice, 1)
    few = count_queries(client, patient)
    add_history(patient, alice, 6)
    many = count_queries(client, patient)
    assert many == few
    assert few <= 45
