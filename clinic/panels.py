"""Extra sections of the care record page, contributed by other apps (e.g. the message thread).

An app registers a `RecordPanel` in its `AppConfig.ready()`; the care record page renders each
panel's template inside a titled section, with the dict its `context` callable returns (plus
`patient` and `request`) available as `panel` (e.g. `{{ panel.conversation }}`); messaging's thread
panel (messaging/record_panel.py) is the example. Callables must run a fixed
number of queries and must only show what the viewing user may see (the page has already
checked that the user may see this patient).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

if TYPE_CHECKING:  # the core imports no app at run time: a panel is handed the patient
    from patients.models import Patient

PanelContext = Callable[[HttpRequest, "Patient"], dict[str, Any]]


@dataclass(frozen=True)
class SummaryLine:
    """One line of the record's summary: "Last message (patient, SMS): Is a mild rash normal?"."""

    label: str
    text: str
    at: datetime | None = None  # shown in the viewer's date format by the template
    url: str = ""
    detail: str = ""  # e.g. "from the patient, SMS"


PanelSummary = Callable[[dict[str, Any]], SummaryLine | None]


@dataclass(frozen=True)
class RecordPanel:
    key: str  # also the HTML id: "panel-<key>"
    title: str
    template: str  # rendered with the context below plus `patient` and `request`
    context: PanelContext
    order: int = 100
    visible_to: Callable[[AbstractBaseUser], bool] | None = None
    summary: PanelSummary | None = None  # a line for the summary, from the context above; None for none
    menu_title: str = ""  # the section menu's short name; the title when empty


_panels: dict[str, RecordPanel] = {}


def register_record_panel(panel: RecordPanel) -> RecordPanel:
    """Add (or replace, by key) a panel on the care record page."""
    _panels[panel.key] = panel
    return panel


def record_panels(request: HttpRequest, patient: "Patient") -> list[tuple[RecordPanel, dict[str, Any]]]:
    panels = sorted(_panels.values(), key=lambda p: (p.order, p.key))
    return [
        (panel, {"patient": patient, "request": request, **panel.context(request, patient)})
        for panel in panels
        if panel.visible_to is None or panel.visible_to(request.user)
    ]
