"""Reads for the coordinators' triage queue and the console's patient search.

Both start from `patients_visible_to`, so neither can ever show a patient the user may not see, and
both run a fixed number of queries whatever the number of rows (annotations, not per-row lookups).
"""

import re

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from patients.models import Patient, RecordState
from patients.selectors import patients_visible_to

SEARCH_LIMIT = 50
# Fewer digits than this is a fragment of many numbers, not a phone number someone typed.
PHONE_MIN_DIGITS = 5


def patients_unassigned(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Patient]:
    """Patients nobody coordinates yet (new web bookings, SMS/WhatsApp leads, unverified intakes), newest first.

    Annotated with why each needs a person: their next booked consult and whether they wrote to us unread.
    Merged intakes are finished business and never listed.
    """
    # By name: patients does not import consults or messaging (they depend on patients).
    consult_model = apps.get_model("consults", "Consult")
    conversation_model = apps.get_model("messaging", "Conversation")
    next_consult = consult_model.objects.filter(
        patient=OuterRef("pk"),
        status="confirmed",
        end__gte=timezone.now(),
    ).order_by("start")
    unread = conversation_model.objects.filter(patient=OuterRef("pk"), unread_count__gt=0)
    return (
        patients_visible_to(user)
        .filter(coordinator__isnull=True)
        .exclude(record_state=RecordState.MERGED)
        .annotate(
            next_consult_start=Subquery(next_consult.values("start")[:1]),
            next_consult_reference=Subquery(next_consult.values("reference")[:1]),
            has_unread=Exists(unread),
        )
        .order_by("-created_at", "-id")
    )


def phone_digits(query: str) -> str:
    """The digits someone typed for a phone number, trunk and international prefixes dropped.

    "+91 98123-45678", "0091 9812345678", "098123 45678" and "9812345678" all give digits that the stored
    E.164 form ("+919812345678") contains, so `phone__contains` matches every common notation.
    """
    digits = re.sub(r"\D", "", query)
    return digits.lstrip("0") if len(digits) >= PHONE_MIN_DIGITS else ""


def patient_search(*, user: AbstractBaseUser | AnonymousUser, query: str) -> QuerySet[Patient]:
    """Patients the user may see whose name, phone (any notation) or consult reference matches `query`."""
    query = query.strip()
    if not query:
        return Patient.objects.none()
    consult_model = apps.get_model("consults", "Consult")
    match = Q(full_name__icontains=query)
    if digits := phone_digits(query):
        match |= Q(phone__contains=digits)
    # References are upper-case letters and digits, read aloud over the phone: accept any case and spaces.
    reference = re.sub(r"\s", "", query).upper()
    match |= Q(pk__in=consult_model.objects.filter(reference=reference).values("patient_id"))
    return (
        patients_visible_to(user)
        .filter(match)
        .exclude(record_state=RecordState.MERGED)
        .select_related("coordinator")
        .order_by("full_name", "id")[:SEARCH_LIMIT]
    )
