"""The "Follow-ups" section of the care record: pause state and controls, plans, adherence,
check-ins, upcoming follow-ups and the latest sent or blocked ones."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from clinic.panels import RecordPanel
from followups.selectors import follow_ups_overview
from patients.capabilities import can_pause_follow_ups
from patients.models import Patient


def panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    return {
        # A callable: the template calls it once ({% with %}), so building the page's panel list costs
        # nothing until the section is rendered.
        "overview": lambda: follow_ups_overview(patient=patient),
        # The record page has already checked the patient is visible; this asks the role part only.
        "can_change": lambda: can_pause_follow_ups(request.user),
        "pause_url": reverse("followups:pause", args=[patient.pk]),
        "resume_url": reverse("followups:resume", args=[patient.pk]),
    }


FOLLOW_UPS_PANEL = RecordPanel(
    key="followups",
    title="Follow-ups (reminders and check-ins)",
    template="followups/record_panel.html",
    context=panel_context,
    order=45,
    menu_title="Follow-ups",
)
