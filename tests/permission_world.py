"""The world the permission matrix (tests/test_permission_matrix.py) asks its questions in, and how a door's
answer is read.

alice coordinates `patient`; erin has two consults with that patient (one started an hour ago, one in two
days), so she is in a care relationship with them; frank is an expert with a profile and no patients; bob
coordinates `others_patient`, whom no expert sees; `unassigned` waits in the triage queue; `intake` is an
unverified booking that names alice's patient.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from consults.models import Consult, Expert
from messaging.models import Conversation
from messaging.services import conversation_for_patient
from patients.models import Note, Patient, RecordState
from tests.factories.consults import ConsultFactory, ExpertFactory
from tests.factories.people import PatientFactory

CAST = ("alice", "bob", "erin", "frank", "ada", "charlie")


@dataclass(frozen=True)
class World:
    cast: dict[str, AbstractBaseUser]
    patient: Patient
    others_patient: Patient
    unassigned: Patient
    intake: Patient
    consult_started: Consult
    consult_upcoming: Consult
    erin_profile: Expert
    frank_profile: Expert
    conversation: Conversation
    note: Note
    alices_token: ApiToken


def build_world(cast: dict[str, AbstractBaseUser]) -> World:
    now = timezone.now()
    alice, bob, erin, frank = cast["alice"], cast["bob"], cast["erin"], cast["frank"]
    patient = PatientFactory(coordinator=alice, full_name="Matrix Patient Meera")
    erin_profile = ExpertFactory(user=erin, display_name="Dr Erin", hours=[])
    started = now - timedelta(hours=1)
    upcoming = (now + timedelta(days=2)).replace(microsecond=0)
    return World(
        cast=cast,
        patient=patient,
        others_patient=PatientFactory(coordinator=bob, full_name="Matrix Patient Om"),
        unassigned=PatientFactory(coordinator=None, full_name="Matrix Patient Uma"),
        intake=PatientFactory(
            record_state=RecordState.INTAKE, intake_of=patient, phone=patient.phone, full_name="Matrix Intake"
        ),
        consult_started=ConsultFactory(patient=patient, expert=erin_profile, start=started),
        consult_upcoming=ConsultFactory(patient=patient, expert=erin_profile, start=upcoming),
        erin_profile=erin_profile,
        frank_profile=ExpertFactory(user=frank, display_name="Dr Frank", hours=[]),
        conversation=conversation_for_patient(patient),
        note=Note.objects.create(patient=patient, body="Tolerating imatinib well.", author=alice, author_name="alice"),
        alices_token=api_token_create(user=alice, name="lab import script", expires_in_days=30)[0],
    )


def signed_in(client: Client, user: AbstractBaseUser) -> Client:
    client.force_login(user)
    return client


def is_login_redirect(response: HttpResponse) -> bool:
    return response.status_code == 302 and "/login/" in response.headers.get("Location", "")


def http_answer(response: HttpResponse, *, allowed: tuple[int, ...] = (200,)) -> bool:
    """A door's answer from its status: `allowed` lets in; 403, 404 or the sign-in page refuses.

    Anything else (a 500, an unexpected 400) fails the test: a door must answer yes or no, plainly.
    """
    if is_login_redirect(response):
        return False
    if response.status_code in allowed:
        return True
    assert response.status_code in (403, 404), f"unexpected {response.status_code}: {response.content[:300]!r}"
    return False


def effect_answer(response: HttpResponse, *, happened: bool) -> bool:
    """A write door's answer from its effect. A refusal may be a 403 or 404, the sign-in page, or the form shown
    again with the error on the field (a patient who is not among the choices), never a server error."""
    if happened:
        assert response.status_code in (200, 201, 302), f"changed, but answered {response.status_code}"
        assert not is_login_redirect(response)
        return True
    assert response.status_code in (200, 302, 400, 403, 404), f"unexpected {response.status_code}"
    return False
