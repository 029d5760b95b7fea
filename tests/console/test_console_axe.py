"""axe-core on every console page each role can reach: 0 violations of any impact (issue 14).

One browser for the whole module; each role gets one context whose session cookie comes from
`client.force_login`, so the walk spends its time on pages, not on the login form."""

import contextlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from consults.models import Consult
from messaging.models import Conversation
from patients.models import Patient
from tests.conftest import axe_violations
from tests.factories.activity import dose, inbound
from tests.factories.care import cml_patient, qpcr
from tests.factories.consults import ConsultFactory, ExpertFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IST = ZoneInfo("Asia/Kolkata")


def seed_care_record(coordinator, expert_user) -> Patient:
    """A realistic record: CML on imatinib for a year, two BCR::ABL1 results, a dose answer,
    a message waiting in the inbox and a consult booked with the expert."""
    today = timezone.localdate()
    patient = cml_patient(started_on=today - timedelta(days=365), coordinator=coordinator)
    qpcr(patient, today - timedelta(days=270), "8.5")
    qpcr(patient, today - timedelta(days=90), "0.9")
    dose(patient, today - timedelta(days=1), "taken")
    inbound(patient, timezone.now() - timedelta(hours=2), "Is a mild rash normal on imatinib?")
    expert = ExpertFactory(user=expert_user, display_name="Dr Erin Rao")
    start = datetime.combine(today + timedelta(days=2), time(10), tzinfo=IST)
    ConsultFactory(patient=patient, expert=expert, start=start)
    return patient


def console_urls(user, patient: Patient) -> list[str]:
    """The dashboard, every changelist and add page the user may open, a change page with data
    for each model, and the console's own pages (care record and its forms, inbox thread, insights, FHIR,
    accounts)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None and model_admin.has_view_permission(request, first):
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    urls.append(reverse("admin:patients_patient_change", args=[patient.pk]))
    # The care record's "Edit details" page and its purpose-built forms (roles that may not open them get 403).
    urls.append(reverse("admin:patients_patient_edit", args=[patient.pk]))
    for form in ("bcr_abl1", "blood_count", "symptom"):
        urls.append(reverse(f"admin:patients_patient_record_{form}", args=[patient.pk]))
    medication = patient.medications.first()
    urls.append(reverse("admin:patients_patient_record_dose", args=[patient.pk, medication.pk]))
    conversation = Conversation.objects.filter(patient=patient).first()
    urls.append(reverse("admin:messaging_conversation_change", args=[conversation.pk]))
    urls.append(reverse("insights:index"))
    urls.append(reverse("patient-fhir-page", args=[patient.pk]))
    urls += [reverse("accounts:mfa-setup"), reverse("accounts:tokens")]
    for optional in ("accounts:preferences",):
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(optional))
    return list(dict.fromkeys(urls))


def walk(browser, live_server, user, patient: Patient) -> dict[str, list[dict]]:
    """Every reachable page's violations, keyed by path; pages that answer 403/404 are not the
    role's pages and are skipped (the permission tests own those answers)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-IN", timezone_id="Asia/Kolkata")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    found: dict[str, list[dict]] = {}
    visited = 0
    try:
        for url in console_urls(user, patient):
            response = page.goto(live_server.url + url)
            if response.status in (403, 404):
                continue
            assert response.status == 200, f"{url} answered {response.status}"
            visited += 1
            violations = axe_violations(page)
            if violations:
                found[url] = violations
    finally:
        context.close()
    assert visited >= 5, f"only {visited} console pages reached"
    return found


def report(found: dict[str, list[dict]]) -> str:
    """One line per page and rule, so a failure names everything to fix at once."""
    return "\n".join(f"{url} {v['id']} ({v['impact']}): {v['targets']}" for url, vs in found.items() for v in vs)


def test_every_console_page_is_accessible_for_a_coordinator(browser, live_server, alice, erin):
    patient = seed_care_record(alice, erin)
    violations = walk(browser, live_server, alice, patient)
    assert violations == {}, report(violations)


def test_every_console_page_is_accessible_for_an_expert(browser, live_server, alice, erin):
    patient = seed_care_record(alice, erin)
    violations = walk(browser, live_server, erin, patient)
    assert violations == {}, report(violations)


def test_every_console_page_is_accessible_for_an_admin(browser, live_server, alice, erin, ada):
    patient = seed_care_record(alice, erin)
    assert Consult.objects.count() == 1
    violations = walk(browser, live_server, ada, patient)
    assert violations == {}, report(violations)
