"""Every form control gets an accessible name, even where the admin renders no <label> for it.

Django's tabular inlines put the field name in a column header only, and a split date/time field's
<label> points at neither of its two inputs, so screen readers announced "edit text" (axe `label`,
`select-name`; issue 14). Naming them here, once, covers every inline and split field in the console
without a template per model."""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import MultiWidget, SplitDateTimeWidget


def part_names(widget: MultiWidget) -> list[str]:
    """What each input of a multi-input widget holds, in words a person would use."""
    if isinstance(widget, SplitDateTimeWidget):
        return ["date", "time"]
    return [f"part {index}" for index in range(1, len(widget.widgets) + 1)]


class LabelledBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        label = str(self.label or self.name.replace("_", " ").capitalize())
        if isinstance(widget, MultiWidget):
            # MultiWidget copies the outer attrs onto every input, so each part is named on its own.
            for subwidget, part in zip(widget.widgets, part_names(widget), strict=True):
                subwidget.attrs.setdefault("aria-label", f"{label} ({part})")
        elif self.form.prefix and "aria-label" not in attrs:
            # A form inside a formset (an admin inline row) has no visible <label> per input.
            attrs["aria-label"] = label
        return attrs


class AccessibleFormRenderer(DjangoTemplates):
    bound_field_class = LabelledBoundField
