"""The doors of the patient-rights capabilities (the `rights` app) for the permission matrix, beside
tests/permission_doors.py: the console page, the staff API endpoint and the service that each ask
can_manage_patient_rights, can_run_erasure or can_set_retention.
"""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from rights.models import CorrectionRequest, ErasureRequest, RetentionPolicy
from rights.services import correction_request_record, erasure_request_record, retention_policy_update
from tests.permission_doors import post_json, refused_by
from tests.permission_world import World, effect_answer, http_answer, signed_in


def asked_on() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def console_record_correction(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        f"/admin/patients/patient/{world.patient.pk}/rights/corrections/new/",
        {
            "area": "details",
            "requested_change": "Spell my name Meera",
            "received_via": "phone",
            "received_on": asked_on(),
        },
    )
    recorded = CorrectionRequest.objects.filter(patient=world.patient, recorded_by=user).exists()
    return effect_answer(response, happened=recorded)


def api_record_correction(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = post_json(
        signed_in(client, user),
        "/api/v1/correction-requests/",
        {
            "patient": world.patient.pk,
            "area": "details",
            "requested_change": "Spell my name Meera",
            "received_via": "phone",
            "received_on": asked_on(),
        },
    )
    if response.status_code == 400:  # a patient the caller may not see is not a valid choice, revealing nothing
        assert "patient" in response.json()
        return False
    return http_answer(response, allowed=(201,))


def service_record_correction(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: correction_request_record(
            actor=user,
            patient=world.patient,
            area="details",
            requested_change="Spell my name Meera",
            received_via="phone",
            received_on=timezone.localdate() - timedelta(days=1),
        )
    )


def console_record_erasure(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post(
        f"/admin/patients/patient/{world.patient.pk}/rights/erasure/",
        {"erasure-received_via": "letter", "erasure-received_on": asked_on()},
    )
    recorded = ErasureRequest.objects.filter(patient=world.patient, requested_by=user).exists()
    return effect_answer(response, happened=recorded)


def api_record_erasure(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = post_json(
        signed_in(client, user),
        "/api/v1/erasure-requests/",
        {"patient": world.patient.pk, "received_via": "letter", "received_on": asked_on()},
    )
    if response.status_code == 400:  # a patient the caller may not see is not a valid choice, revealing nothing
        assert "patient" in response.json()
        return False
    return http_answer(response, allowed=(201,))


def service_record_erasure(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(
        lambda: erasure_request_record(
            actor=user,
            patient=world.patient,
            received_via="letter",
            received_on=timezone.localdate() - timedelta(days=1),
        )
    )


RETENTION = {
    "clinical_record_years": 10,
    "message_log_days": 365,
    "audit_log_years": 8,
    "basis": "Clinic records policy, 2026",
}


def console_set_retention(client: Client, user: AbstractBaseUser, world: World) -> bool:
    response = signed_in(client, user).post("/admin/rights/retention/", RETENTION)
    return effect_answer(response, happened=RetentionPolicy.objects.filter(updated_by=user).exists())


def service_set_retention(user: AbstractBaseUser, world: World) -> bool:
    return refused_by(lambda: retention_policy_update(actor=user, **RETENTION))
