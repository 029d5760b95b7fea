"""A patient whose name, phone and words reach every place the app writes them: the care record and its notes,
messages both ways and the web chat, a booking by someone else for the same phone, consents on the phone,
staff searches in the console and the API, the admin's change log, insurance, follow-ups, a lab report file,
a correction request and a data package link. The erasure tests erase her and look for what is left."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from followups.models import CheckinSession, FollowUpPause
from messaging.services import message_send
from messaging.web_channel import web_message_receive
from patients.intake import IntakeDetails, patient_intake_for_booking
from patients.models import CareRecord, GeneticTest, InsurancePolicy, Patient
from patients.services import care_task_create, lab_result_record, medication_start, note_add
from patients.services.records import care_record_save
from patients.services.symptoms import symptom_report_record
from rights.services import correction_request_record, data_package_link_create
from tests.api.conftest import api_credentials
from tests.factories.care import qpcr
from tests.factories.consent import consent_by_phone
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.inbound import text_received
from tests.rights.conftest import EMAIL, LOCAL_PHONE, NAME, PHONE
from tests.webchat.conftest import open_chat

SPACED_PHONE = "98123 45678"
STAFF_TEXT = "Bring the blue folder on Monday, ref 58213"
INBOUND_TEXT = "I feel dizzy after the morning tablet 71920"
WEB_TEXT = "Can I travel to Pune next week 66402"
CLINICAL_NOTE = "Dizziness grade 1, advised to take the tablet with food."
# Strings no row may hold after the erasure.
NEEDLES = [
    NAME,
    PHONE,
    LOCAL_PHONE,
    SPACED_PHONE,
    EMAIL,
    STAFF_TEXT,
    INBOUND_TEXT,
    WEB_TEXT,
    NAME.replace(" ", "+"),
]  # as a console search logs it: q=Asha+Verma


def lived_record(alice, ada) -> Patient:
    """Build the scenario; returns the patient (alice coordinates her)."""
    today = timezone.localdate()
    patient = Patient.objects.create(
        full_name=NAME,
        phone=PHONE,
        email=EMAIL,
        date_of_birth=date(1971, 3, 9),
        coordinator=alice,
        consent_sms=True,
        consent_text_version="2026-01",
    )
    care_record_save(
        record=CareRecord(
            patient=patient,
            diagnosis="cml",
            cml_phase="chronic",
            diagnosed_on=today - timedelta(days=400),
            icd10_code="C92.10",
        )
    )
    medication_start(patient=patient, drug="imatinib", dose_mg_per_day=400, started_on=today - timedelta(days=400))
    qpcr(patient, today - timedelta(days=30), "0.08")
    lab_result_record(patient=patient, taken_on=today - timedelta(days=20), wbc=Decimal("4.10"), lab="City Lab")
    test = GeneticTest.objects.filter(patient=patient).get()
    test.report_file.save("asha_verma_bcr_abl1.pdf", ContentFile(b"%PDF-1.4 lab report"), save=True)
    note_add(patient=patient, author=alice, body=f"{NAME} called from {SPACED_PHONE}. {CLINICAL_NOTE}")
    care_task_create(
        patient=patient,
        title=f"Call {NAME} back on {PHONE}",
        priority="normal",
        due=today,
        detail=f"E-mail {EMAIL} if no answer",
    )
    symptom_report_record(
        patient=patient,
        symptom="nausea",
        grade=1,
        source="staff",
        reported_at=timezone.now(),
        note=f"Asha says it is mild; reach her on {LOCAL_PHONE}",
    )
    InsurancePolicy.objects.create(
        patient=patient, payer="Star Health", policy_number="SH-99-1234567", note=f"Policy holder {NAME}"
    )
    FollowUpPause.objects.create(
        patient=patient, reason=f"{NAME} in hospital", paused_at=timezone.now(), resumed_at=timezone.now()
    )
    CheckinSession.objects.create(
        patient=patient, occurs_on=today, comment=f"This is {NAME}, all fine", started_at=timezone.now()
    )
    consent_by_phone(
        patient, by=alice, channel="whatsapp", given=True, reason=f"{NAME} phoned from {PHONE} and asked for WhatsApp"
    )
    expert = ExpertFactory()
    start = datetime.combine(today + timedelta(days=3), time(10), tzinfo=timezone.get_current_timezone())
    ConsultFactory(patient=patient, expert=expert, note=f"{NAME} wants to ask about travel", start=start)
    message_send(
        patient=patient,
        kind="staff_reply",
        context={"text": STAFF_TEXT, "staff_name": "Alice"},
        idempotency_key="scenario-staff-reply",
    )
    text_received(PHONE, INBOUND_TEXT, sid="SM" + "7" * 32, to_address="+15005550006", profile_name=NAME)
    patient_intake_for_booking(
        details=IntakeDetails(phone=patient.phone, full_name=f"{NAME} (booking)", email=EMAIL, consent_sms=True)
    )
    correction_request_record(
        actor=alice,
        patient=patient,
        area="details",
        item="name",
        requested_change=f"My name is {NAME}, phone {PHONE}",
        received_via="phone",
        received_on=today,
    )
    data_package_link_create(actor=alice, patient=patient)
    _staff_looked_her_up(alice, ada, patient)
    _she_wrote_in_the_web_chat(patient)
    return patient


def _staff_looked_her_up(alice, ada, patient: Patient) -> None:
    console = Client()
    console.force_login(alice)
    console.get(f"/admin/patients/patient/{patient.pk}/change/")
    console.get("/admin/patients/patient/", {"q": NAME})
    console.get("/admin/work/search/", {"q": PHONE})
    Client().get("/api/v1/patients/", {"search": NAME}, headers=api_credentials(ada))
    LogEntry.objects.create(
        user=alice,
        content_type=ContentType.objects.get_for_model(Patient),
        object_id=str(patient.pk),
        object_repr=str(patient),
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["Phone"]}}}}] {PHONE}',
    )


def _she_wrote_in_the_web_chat(patient: Patient) -> None:
    visitor = Client()
    open_chat(visitor, phone=PHONE, name=NAME)
    chat = patient.web_chats.get()
    web_message_receive(patient=chat.patient, text=WEB_TEXT, idempotency_key="scenario-web")
