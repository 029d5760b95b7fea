"""Public booking forms. They only parse input; rules live in consults.services."""

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clinic.timezones import plausible_instant
from consults.consent import CONSENT_TEXT, NO_MESSAGES, channel_consents
from consults.display import zone_choices
from consults.models import ConsultMode, Expert, SpokenLanguage, Topic
from consults.selectors import expert_list_public
from patients.contact_validation import PatientNameFormField, PatientPhoneFormField, phone_help_text_lazy
from patients.models import Channel


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
        label=_("What would you like to talk about?"),
        error_messages={"required": _("Choose what you would like to talk about.")},
    )
    expert = ExpertChoiceField(
        queryset=Expert.objects.none(),
        required=False,
        empty_label=_("Any available expert"),
        label=_("Expert"),
        error_messages={"invalid_choice": _("That expert is not taking bookings. Choose another.")},
    )
    language = forms.ChoiceField(
        choices=[("", _("Any language")), *SpokenLanguage.choices], required=False, label=_("Language for the consult")
    )
    tz = forms.ChoiceField(
        label=_("Your time zone"),
        help_text=_("Times are shown in this zone."),
        error_messages={"invalid_choice": _("Choose your time zone from the list.")},
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
                _("%(expert)s does not take consults on this topic. Choose another expert, or “Any available expert”.")
                % {"expert": expert.display_name},
            )
        elif expert and data.get("language") and data["language"] not in expert.languages:
            self.add_error(
                "language",
                _("%(expert)s consults in %(languages)s.")
                % {"expert": expert.display_name, "languages": ", ".join(expert.language_names())},
            )
        return data


class BookingDetailsForm(forms.Form):
    """Step 3: who is booking and how to reach them. The chosen slot travels in hidden fields."""

    slot = forms.CharField(widget=forms.HiddenInput, error_messages={"required": _("Choose a time first.")})
    topic = forms.ChoiceField(choices=Topic.choices, widget=forms.HiddenInput)
    tz = forms.CharField(widget=forms.HiddenInput)
    # Names and numbers end up in texts from the clinic's number: patients/contact_validation.py decides.
    name = PatientNameFormField(
        label=_("Your name"),
        min_length=2,
        error_messages={
            "required": _("Tell us your name so the expert knows who they are calling."),
            # Django's defaults ("Ensure this value has at least 2 characters") read like a machine.
            "min_length": _("Write your name with at least 2 letters, so the expert knows who they are calling."),
            "max_length": _("Write your name in at most 200 characters."),
        },
    )
    phone = PatientPhoneFormField(
        label=_("Mobile number"),
        help_text=phone_help_text_lazy(),
        error_messages={"required": _("Enter the mobile number the expert should call.")},
    )
    email = forms.EmailField(
        required=False,
        label=_("Email"),
        error_messages={"invalid": _("Enter a valid email address, or leave it empty.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mode = forms.ChoiceField(
        choices=ConsultMode.choices, initial=ConsultMode.PHONE, widget=forms.RadioSelect, label=_("How should we talk?")
    )
    channel = forms.ChoiceField(
        choices=[
            (Channel.SMS, _("By SMS to this number")),
            (Channel.WHATSAPP, _("By WhatsApp on this number")),
            (NO_MESSAGES, _("No messages: I will keep the link on the next page")),
        ],
        initial=Channel.SMS,
        widget=forms.RadioSelect,
        label=_("Booking confirmation and reminders"),
        error_messages={"required": _("Choose SMS, WhatsApp or no messages.")},
    )
    # One unticked question about the chosen channel; consent is recorded for that channel only.
    consent = forms.BooleanField(required=False, label=CONSENT_TEXT)
    # Generated when the form is shown: a second submit of the same form (browser Back, a double
    # click) finds the booking the first one made instead of colliding with it.
    booking_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    note = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Anything the expert should know before the call?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), irresistible to naive bots.
    website = forms.CharField(
        required=False, label=_("Leave this empty"), widget=forms.TextInput(attrs={"tabindex": "-1"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen: tuple[Expert, datetime] | None = None

    def clean_slot(self) -> str:
        value = self.cleaned_data["slot"]
        self.chosen = parse_slot_value(value)
        if self.chosen is None:
            raise forms.ValidationError(_("That time could not be read. Please choose a time again."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        channel, agreed = data.get("channel"), data.get("consent", False)
        if channel in (Channel.SMS, Channel.WHATSAPP) and not agreed:
            # Never book "with SMS" and then silently send nothing: ask for the tick or the other choice.
            self.add_error(
                "consent",
                _("Tick the box to get your confirmation and reminders by %(channel)s, or choose “No messages” above.")
                % {"channel": Channel(channel).label},
            )
        elif channel == NO_MESSAGES and agreed:
            self.add_error("consent", _("You chose no messages. Untick the box, or choose SMS or WhatsApp above."))
        data["consent_sms"], data["consent_whatsapp"] = channel_consents(channel or NO_MESSAGES, agreed)
        return data

    @property
    def wants_messages(self) -> bool:
        return self.cleaned_data.get("channel") in (Channel.SMS, Channel.WHATSAPP)


class RescheduleForm(forms.Form):
    slot = forms.CharField(error_messages={"required": _("Choose a new time.")})
    tz = forms.CharField(widget=forms.HiddenInput, required=False)


CANCEL_REASONS = [
    ("cannot_make_it", _("I can't make it at that time")),
    ("not_needed", _("I no longer need the consult")),
    ("booked_by_mistake", _("I booked by mistake")),
    ("other", _("Another reason")),
]


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        choices=CANCEL_REASONS,
        widget=forms.RadioSelect,
        label=_("Why are you cancelling?"),
        error_messages={"required": _("Choose a reason, so we can improve.")},
    )
    details = forms.CharField(
        required=False, max_length=250, label=_("Anything else?"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def reason_text(self) -> str:
        # Stored for staff in English, whatever language the page was in.
        with translation.override("en"):
            label = str(dict(CANCEL_REASONS)[self.cleaned_data["reason"]])
        details = self.cleaned_data.get("details", "").strip()
        return f"{label}: {details}" if details else label
