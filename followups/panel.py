"""The "Follow-ups" section of the care record: pause state and controls, plans, adherence,
check-ins, upcoming follow-ups and the latest sent or blocked ones."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from followups.selectors import follow_ups_overview
from patients.models import Patient
from patients.panels import RecordPanel
from patients.roles import is_admin, is_coordinator


def panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    return {
        # A callable: the template calls it once ({% with %}), so building the page's panel list costs
        # nothing until the section is rendered.
        "overview": lambda: follow_ups_overview(patient=patient),
        "can_change": lambda: is_admin(request.user) or is_coordinator(request.user),
        "pause_url": reverse("followups:pause", args=[patient.pk]),
        "resume_url": reverse("followups:resume", args=[patient.pk]),
    }


FOLLOW_UPS_PANEL = RecordPanel(key="followups", title="Follow-ups (reminders and check-ins)",
                               template="followups/record_panel.html", context=panel_context, order=45,
                               menu_title="Follow-ups")
