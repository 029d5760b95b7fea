"""Public booking forms. They only parse input; rules live in consults.services."""

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings

from consults.consent import CONSENT_SMS_TEXT, CONSENT_WHATSAPP_TEXT
from consults.display import zone_choices
from consults.models import ConsultMode, Expert, SpokenLanguage, Topic
from consults.selectors import expert_list_public
from patients.contact_validation import PatientNameFormField, PatientPhoneFormField, phone_example
from patients.models import Channel
from patients.timezones import plausible_instant


def parse_slot_value(value: str) -> tuple[Expert, datetime] | None:
    """'<expert id>@<ISO start>' → (active expert, aware start), or None when it cannot be read."""
    expert_id, _, start_text = (value or "").partition("@")
    try:
        start = plausible_instant(datetime.fromisoformat(start_text))
        if start is None:  # naive, or a tampered year that would overflow when shown
            return None
        expert = expert_list_public().get(pk=int(expert_id))
    except (ValueError, Expert.DoesNotExist):
        return None
    return expert, start


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Expert) -> str:
        return f"{obj.display_name} — {obj.get_role_display()}"


class SlotSearchForm(forms.Form):
    """Step 1: what to talk about, optionally with whom and in which language, in which zone."""

    topic = forms.ChoiceField(
        choices=Topic.choices,
        widget=forms.RadioSelect,
        label="What would you like to talk about?",
        error_messages={"required": "Choose what you would like to talk about."},
    )
    expert = ExpertChoiceField(
        queryset=Expert.objects.none(),
        required=False,
        empty_label="Any available expert",
        label="Expert",
        error_messages={"invalid_choice": "That expert is not taking bookings. Choose another."},
    )
    language = forms.ChoiceField(
        choices=[("", "Any language"), *SpokenLanguage.choices], required=False, label="Language for the consult"
    )
    tz = forms.ChoiceField(
        label="Your time zone",
        help_text="Times are shown in this zone.",
        error_messages={"invalid_choice": "Choose your time zone from the list."},
    )

    def __init__(self, *args: Any, tz_chosen: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = expert_list_public()
        self.fields["tz"].choices = zone_choices()
        self.fields["tz"].initial = settings.TIME_ZONE
        # static/js/tz.js pre-selects the browser's zone unless the visitor already chose one.
        self.fields["tz"].widget.attrs.update({"data-detect-tz": "", "data-user-chosen": "1" if tz_chosen else "0"})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        expert: Expert | None = data.get("expert")
        if expert and data.get("topic") and data["topic"] not in expert.effective_topics:
            self.add_error(
                "expert",
                f"{expert.display_name} does not take consults on this topic. "
                "Choose another expert, or “Any available expert”.",
            )
        elif expert and data.get("language") and data["language"] not in expert.languages:
            self.add_error("language", f"{expert.display_name} consults in {', '.join(expert.language_names())}.")
        return data


class BookingDetailsForm(forms.Form):
    """Step 3: who is booking and how to reach them. The chosen slot travels in hidden fields."""

    slot = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "Choose a time first."})
    topic = forms.ChoiceField(choices=Topic.choices, widget=forms.HiddenInput)
    tz = forms.CharField(widget=forms.HiddenInput)
    # Names and numbers end up in texts from the clinic's number: patients/contact_validation.py decides.
    name = PatientNameFormField(
        label="Your name",
        error_messages={"required": "Tell us your name so the expert knows who they are calling."},
    )
    phone = PatientPhoneFormField(
        label="Mobile number",
        help_text=f"For example {phone_example()}.",
        error_messages={"required": "Enter the mobile number the expert should call."},
    )
    email = forms.EmailField(
        required=False,
        label="Email",
        error_messages={"invalid": "Enter a valid email address, or leave it empty."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mode = forms.ChoiceField(
        choices=ConsultMode.choices, initial=ConsultMode.PHONE, widget=forms.RadioSelect, label="How should we talk?"
    )
    channel = forms.ChoiceField(
        choices=Channel.choices,
        initial=Channel.SMS,
        widget=forms.RadioSelect,
        label="Where should we send your confirmation and reminders?",
    )
    consent_sms = forms.BooleanField(required=False, label=CONSENT_SMS_TEXT)
    consent_whatsapp = forms.BooleanField(required=False, label=CONSENT_WHATSAPP_TEXT)
    note = forms.CharField(
        required=False,
        max_length=1000,
        label="Anything the expert should know before the call?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), irresistible to naive bots.
    website = forms.CharField(
        required=False, label="Leave this empty", widget=forms.TextInput(attrs={"tabindex": "-1"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen: tuple[Expert, datetime] | None = None

    def clean_slot(self) -> str:
        value = self.cleaned_data["slot"]
        self.chosen = parse_slot_value(value)
        if self.chosen is None:
            raise forms.ValidationError("That time could not be read. Please choose a time again.")
        return value


class RescheduleForm(forms.Form):
    slot = forms.CharField(error_messages={"required": "Choose a new time."})
    tz = forms.CharField(widget=forms.HiddenInput, required=False)


CANCEL_REASONS = [
    ("cannot_make_it", "I can't make it at that time"),
    ("not_needed", "I no longer need the consult"),
    ("booked_by_mistake", "I booked by mistake"),
    ("other", "Another reason"),
]


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        choices=CANCEL_REASONS,
        widget=forms.RadioSelect,
        label="Why are you cancelling?",
        error_messages={"required": "Choose a reason, so we can improve."},
    )
    details = forms.CharField(
        required=False, max_length=250, label="Anything else? (optional)", widget=forms.Textarea(attrs={"rows": 2})
    )

    def reason_text(self) -> str:
        label = dict(CANCEL_REASONS)[self.cleaned_data["reason"]]
        details = self.cleaned_data.get("details", "").strip()
        return f"{label}: {details}" if details else label
