"""How the console asks for dates: a native date picker that also takes the Indian dd/mm/yyyy.

Every console date field is an <input type="date"> (its value is always yyyy-mm-dd, the only value a
date input takes); the server also accepts 28/11/2026, 28-11-2026 and "28 Nov 2026" as typed
(DATE_INPUT_FORMATS, config/formats/). A date that cannot be read is reported on its own field in one
plain sentence. Date-time fields keep the admin's split inputs, the date half a date picker too, and
are read in the viewer's own zone (accounts.middleware.StaffTimeZoneMiddleware).

`ConsoleDatesMixin` puts these on every console ModelAdmin and inline (PatientDataAdmin has it);
custom forms use `ConsoleDateField` directly.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.widgets import AdminSplitDateTime, BaseAdminTimeWidget
from django.db import models

DATE_EXAMPLE = "e.g. 28/11/2026"
INVALID_DATE = "Enter the date as dd/mm/yyyy, for example 28/11/2026."
INVALID_TIME = "Enter the time as hh:mm, for example 14:30."
ISO_DATE = "%Y-%m-%d"


def with_example(help_text: Any) -> str:
    """A field's own help followed by the date example, so people know how to type a date."""
    text = str(help_text or "").strip()
    return f"{text} {DATE_EXAMPLE}" if text else DATE_EXAMPLE


class NativeDateInput(forms.DateInput):
    """<input type="date">, always filled with yyyy-mm-dd whatever DATE_INPUT_FORMATS lists first."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class ConsoleDateField(forms.DateField):
    widget = NativeDateInput
    default_error_messages = {"invalid": INVALID_DATE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs["help_text"] = with_example(kwargs.get("help_text"))
        super().__init__(**kwargs)


class ConsoleSplitDateTime(AdminSplitDateTime):
    """The admin's date / time pair: a date picker, and the admin's time input showing hh:mm."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        forms.MultiWidget.__init__(self, [NativeDateInput, BaseAdminTimeWidget(format="%H:%M")], attrs)


class ConsoleSplitDateTimeField(forms.SplitDateTimeField):
    widget = ConsoleSplitDateTime
    default_error_messages = {"invalid_date": INVALID_DATE, "invalid_time": INVALID_TIME}

    def __init__(self, **kwargs: Any) -> None:
        kwargs["help_text"] = with_example(kwargs.get("help_text"))
        super().__init__(**kwargs)


CONSOLE_DATE_OVERRIDES: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = {
    models.DateField: {"form_class": ConsoleDateField, "widget": NativeDateInput},
    models.DateTimeField: {"form_class": ConsoleSplitDateTimeField, "widget": ConsoleSplitDateTime},
}


class ConsoleDatesMixin:
    """For a ModelAdmin or inline: its date and date-time fields as described above."""

    formfield_overrides: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = CONSOLE_DATE_OVERRIDES


def has_console_dates(admin_class: type) -> bool:
    overrides = getattr(admin_class, "formfield_overrides", {})
    return all(overrides.get(field) == kwargs for field, kwargs in CONSOLE_DATE_OVERRIDES.items())


def console_dates_everywhere(site: AdminSite) -> None:
    """Give admins registered by other packages (auth's users, django-q's schedules) the console's date
    inputs too, with their inlines. Our own admins carry them explicitly (PatientDataAdmin, the mixin);
    this runs after the admin's autodiscovery (PatientsConfig.ready)."""
    for model, model_admin in list(site._registry.items()):
        admin_class = type(model_admin)
        inlines = [
            inline if has_console_dates(inline) else _with_console_dates(inline) for inline in model_admin.inlines
        ]
        if has_console_dates(admin_class) and inlines == list(model_admin.inlines):
            continue
        site.unregister(model)
        site.register(model, _with_console_dates(admin_class, inlines=inlines))


def _with_console_dates(admin_class: type, **attrs: Any) -> type:
    return type(admin_class.__name__, (ConsoleDatesMixin, admin_class), {"__module__": admin_class.__module__, **attrs})
