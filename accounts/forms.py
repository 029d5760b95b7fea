from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator

from clinic.timezones import zone_choices


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you recognise it later (e.g. 'lab import script').",
    )
    expires_in_days = forms.IntegerField(label="Expires after (days)", min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["expires_in_days"]
        field.initial = settings.API_TOKEN_DEFAULT_DAYS
        field.max_value = settings.API_TOKEN_MAX_DAYS
        field.widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
        # The maximum is a setting read per form, so the validator is added here rather than at class level.
        field.validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        field.help_text = f"At most {settings.API_TOKEN_MAX_DAYS} days; the token then stops working."


class MySettingsForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Console pages show dates and times in this zone, e.g. 30 Nov 2026, 10:00 IST. Clinical "
        "dates (what is due or overdue today) still follow the clinic's calendar.",
        error_messages={"invalid_choice": "Choose a time zone from the list, e.g. Asia/Kolkata or Europe/London."},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", f"The clinic's zone ({settings.TIME_ZONE})"), *zone_choices()]
