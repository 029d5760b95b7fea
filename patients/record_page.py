"""The care record page: a summary that fits the first screen, then every section behind a sticky menu.

The page reads `care_record_overview` (a fixed number of queries) and the panels other apps register;
the summary is picked from those rows, so it costs no query of its own. The admin form for the patient's
details, diagnosis, medication and insurance is a separate page ("Edit details").
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from clinic.panels import RecordPanel, SummaryLine, record_panels
from patients.capabilities import can_add_note, can_edit_care_record
from patients.clinical import Flag
from patients.models import CareTask, Patient
from patients.overview import care_record_overview

SUMMARY_ROWS = 3  # flags, due items and tasks shown in the summary; the sections list them all
LEVEL_ORDER = {"danger": 0, "warning": 1, "info": 2}
LEVEL_LABELS = {"danger": "Review now", "warning": "Warning", "info": "Note"}
PRIORITY_ORDER = {"urgent": 0, "high": 1, "normal": 2}


@dataclass(frozen=True)
class Section:
    anchor: str  # the HTML id; forms opened from the record return to it
    title: str


def flags_by_urgency(flags: list[Flag]) -> list[tuple[Flag, str]]:
    """Most urgent first, each with the word the summary prints before it (not colour alone)."""
    ordered = sorted(flags, key=lambda flag: LEVEL_ORDER.get(flag.level, 3))
    return [(flag, LEVEL_LABELS.get(flag.level, "Note")) for flag in ordered]


def tasks_by_urgency(tasks: list[CareTask]) -> list[CareTask]:
    return sorted(tasks, key=lambda task: (PRIORITY_ORDER.get(task.priority, 3), task.due_at))


def panel_summaries(panels: list[tuple[RecordPanel, dict[str, Any]]]) -> list[SummaryLine]:
    """One line per panel that offers one (the message thread: the last message), from its loaded context."""
    lines = [panel.summary(context) for panel, context in panels if panel.summary]
    return [line for line in lines if line is not None]


def record_sections(overview: dict[str, Any], panels: list[tuple[RecordPanel, dict[str, Any]]]) -> list[Section]:
    """The sticky menu, in page order; sections that would be empty for this patient are left out."""
    record = overview["record"]
    sections = [Section("flags", "Flags")] if overview["flags"] or overview["interaction_count"] else []
    if (record and record.diagnosis in ("cml", "ph_all")) or overview["qpcr_results"]:
        sections.append(Section("genetictest", "BCR::ABL1"))
    sections += [
        Section("monitoringitem", "Schedule"),
        Section("tests", "Tests"),
        Section("labresult", "Blood"),
        Section("medication", "Medication"),
        Section("symptomreport", "Symptoms"),
        Section("caretask", "Tasks"),
        Section("resourceassignment", "Resources"),
    ]
    if overview["tfr_criteria"]:
        sections.append(Section("tfr", "TFR"))
    sections += [Section(f"panel-{panel.key}", panel.menu_title or panel.title) for panel, _ in panels]
    return [*sections, Section("note", "Notes"), Section("details", "Details")]


def care_record_context(request: HttpRequest, patient: Patient, *, today: date) -> dict[str, Any]:
    """Everything the record page renders; the caller has checked the user may see the patient."""
    overview = care_record_overview(patient=patient, today=today)
    panels = record_panels(request, patient)
    upcoming = [*overview["schedule"], *overview["schedule_later"]]  # (item, state) pairs
    can_write = can_edit_care_record(request.user, patient)
    return {
        **overview,
        "patient": patient,
        "extra_panels": panels,
        "sections": record_sections(overview, panels),
        "summary_flags": flags_by_urgency(overview["flags"])[:SUMMARY_ROWS],
        "more_flags": max(len(overview["flags"]) - SUMMARY_ROWS, 0),
        "next_due": sorted(upcoming, key=lambda pair: pair[0].due_on)[:SUMMARY_ROWS],
        "summary_tasks": tasks_by_urgency(overview["tasks_open"])[:SUMMARY_ROWS],
        "panel_summaries": panel_summaries(panels),
        "can_write": can_write,
        "can_add_note": can_write or can_add_note(request.user, patient),
        "edit_url": reverse("admin:patients_patient_edit", args=[patient.pk]),
        "form_urls": {
            "bcr_abl1": reverse("admin:patients_patient_record_bcr_abl1", args=[patient.pk]),
            "blood_count": reverse("admin:patients_patient_record_blood_count", args=[patient.pk]),
            "symptom": reverse("admin:patients_patient_record_symptom", args=[patient.pk]),
        }
        if can_write
        else {},
    }
