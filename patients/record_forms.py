"""The care record's purpose-built forms: each asks only what one service needs.

The forms check the input itself (is it a date, a number); the clinic's rules stay in the services,
whose refusals come back next to the field they concern (clinic.form_errors). Fields reuse the model
fields' labels and validators, so a form never states a rule of its own.
"""

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from clinic.timezones import EARLIEST_DATE, LATEST_DATE, is_plausible_date
from patients import protocols
from patients.models import GeneticTest, LabResult, ReportSource, SymptomReport

# ISO is what <input type="date"> sends; people typing (or a browser without a date picker) write dd/mm/yyyy.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
DATE_EXAMPLE = "e.g. 28/11/2026"


class DatePicker(forms.DateInput):
    """A native date picker. It only shows ISO values, so a date typed as dd/mm/yyyy is shown back as ISO."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str) and value:
            try:
                return forms.DateField(input_formats=DATE_INPUT_FORMATS).to_python(value).isoformat()
            except ValidationError:
                return value
        return super().format_value(value)


def plausible_date(value: date) -> None:
    if not is_plausible_date(value):
        raise ValidationError(f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}.")


def date_field(label: str, *, what: str, help_text: str = "", required: bool = True) -> forms.DateField:
    """A date typed or picked; `what` names it in the error ("the sample date")."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=DatePicker(),
        validators=[plausible_date],
        help_text=f"{help_text} {DATE_EXAMPLE}".strip(),
        error_messages={
            "required": f"Enter {what}, {DATE_EXAMPLE}.",
            "invalid": f"Enter {what} as a date, {DATE_EXAMPLE}.",
        },
    )


class CopiesField(forms.IntegerField):
    """A copy number as printed on a report: "52,000" and "52 000" are accepted (a text box: a number box
    would refuse the comma)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").replace("\u00a0", "")
        return super().to_python(value)


def model_field(model, name: str, **overrides) -> forms.Field:
    """The model field's own form field (label, digits, minimum), with overrides."""
    return model._meta.get_field(name).formfield(**overrides)


class RecordActionForm(forms.Form):
    """A form for one frequent action on the care record: its cleaned data as the service's arguments."""

    def service_arguments(self) -> dict[str, Any]:
        raise NotImplementedError


class BcrAbl1ResultForm(RecordActionForm):
    """A quantitative BCR::ABL1 result: sample date, IS %, ABL1 control copies, lab."""

    collected_on = date_field(
        "Sample date",
        what="the date the sample was taken",
        help_text="From the lab report; the ELN milestones count from it.",
    )
    is_percent = model_field(
        GeneticTest,
        "is_percent",
        label="BCR::ABL1 IS %",
        required=False,
        help_text="As printed on the report, e.g. 0.12.",
    )
    not_detected = forms.BooleanField(
        label="BCR::ABL1 not detected (undetectable)",
        required=False,
        help_text="Tick instead of typing an IS % when the report says undetectable.",
    )
    control_copies = CopiesField(
        label="ABL1 control copies",
        min_value=0,
        help_text="The control gene copy number on the report, e.g. 52,000; it decides how deep an "
        "undetectable result counts.",
        error_messages={
            "required": "Enter the ABL1 control gene copy number from the report.",
            "invalid": "Enter the ABL1 control copies as a whole number, e.g. 52000.",
        },
    )
    lab = model_field(GeneticTest, "lab", label="Laboratory", required=False)

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("not_detected") and data.get("is_percent") is not None:
            self.add_error("is_percent", "Leave IS % empty when BCR::ABL1 was not detected, or untick “not detected”.")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "collected_on": data["collected_on"],
            "is_percent": data["is_percent"],
            "bcr_abl1_detected": not data["not_detected"],
            "control_copies": data["control_copies"],
            "lab": data["lab"],
        }


class BloodCountForm(RecordActionForm):
    """A blood count: haemoglobin, white cells, neutrophils, platelets; sample date and lab."""

    taken_on = date_field("Sample date", what="the date the blood was taken")
    haemoglobin = model_field(LabResult, "haemoglobin", label="Haemoglobin (g/dL)")
    wbc = model_field(LabResult, "wbc", label="White cells (×10⁹/L)")
    anc = model_field(LabResult, "anc", label="Neutrophils, absolute (ANC, ×10⁹/L)")
    platelets = model_field(LabResult, "platelets", label="Platelets (×10⁹/L)")
    lab = model_field(LabResult, "lab", label="Laboratory", required=False)

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


class DoseChangeForm(RecordActionForm):
    """A new daily dose for one course, the reason and the day it takes effect."""

    to_mg = forms.IntegerField(
        label="New daily dose (mg)",
        help_text="The total per day, e.g. 300.",
        error_messages={
            "required": "Enter the new daily dose in mg.",
            "invalid": "Enter the new daily dose as a whole number of mg.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. “Neutrophils 0.8 on 12/11: restarted at reduced dose (Dr Rao).”",
        error_messages={"required": "Say why the dose changes."},
    )
    changed_on = date_field("Takes effect on", what="the day the new dose starts")

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


def symptom_choices() -> list:
    """Red flags grouped apart, so the person typing sees which answers open an urgent task."""
    common = [(s.key, s.label) for s in protocols.SYMPTOMS if not s.red_flag]
    red = [(s.key, s.label) for s in protocols.SYMPTOMS if s.red_flag]
    return [("", "Choose the symptom"), ("Side effects", common), ("Red flags: open an urgent task", red)]


class SymptomForm(RecordActionForm):
    """A symptom reported by or about the patient; the service decides whether it is urgent."""

    symptom = forms.ChoiceField(
        label="Symptom", choices=symptom_choices, error_messages={"required": "Choose the symptom from the list."}
    )
    grade = forms.TypedChoiceField(
        label="Grade",
        coerce=int,
        widget=forms.RadioSelect,
        choices=sorted(protocols.GRADE_MEANINGS.items()),
        help_text="Grade 3 or more opens an urgent task now.",
        error_messages={"required": "Choose the grade, from 1 (mild) to 5."},
    )
    onset_on = date_field(
        "Started on", what="the date the symptom began", required=False, help_text="If the patient knows."
    )
    source = forms.ChoiceField(label="Reported", choices=ReportSource.choices, initial=ReportSource.PHONE)
    note = model_field(
        SymptomReport,
        "note",
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the patient said; required when the symptom is Other.",
    )

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)
