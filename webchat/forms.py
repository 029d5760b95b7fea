"""The chat's three forms. Name and phone are the project's public contact fields
(patients/contact_validation.py), the same checks as booking: numbers we may text, names we may greet.
Labels and errors follow the page's language (/chat/ or /hi/chat/)."""

import uuid

from django import forms
from django.utils.translation import gettext, gettext_lazy

from consults.consent import CONSENT_SMS_TEXT
from messaging.web_channel import MAX_WEB_MESSAGE_LENGTH
from patients.contact_validation import PatientNameFormField, PatientPhoneFormField, phone_example


class ChatStartForm(forms.Form):
    name = PatientNameFormField(
        label=gettext_lazy("Your name"),
        min_length=2,
        error_messages={
            "required": gettext_lazy("Tell us your name so the clinic knows who is writing."),
            "min_length": gettext_lazy("Write at least 2 letters of your name."),
        },
    )
    phone = PatientPhoneFormField(
        label=gettext_lazy("Mobile number"),
        error_messages={"required": gettext_lazy("Enter the mobile number we should send the code to.")},
    )
    # The English wording is what the consent record stores (CONSENT_SMS_TEXT); the box shows it translated.
    consent_sms = forms.BooleanField(required=False, label=gettext_lazy(CONSENT_SMS_TEXT))
    # Honeypot: hidden from people, irresistible to naive bots that would pump SMS codes.
    website = forms.CharField(
        required=False, label=gettext_lazy("Leave this empty"), widget=forms.TextInput(attrs={"tabindex": "-1"})
    )

    field_order = ["name", "phone", "consent_sms", "website"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = gettext("We send a 6-digit code to this number. For example %(example)s.") % {
            "example": phone_example()
        }

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(gettext("Leave this field empty."))
        return ""


class ChatCodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{4,10}\s*$",
        label=gettext_lazy("Code from the SMS"),
        error_messages={
            "required": gettext_lazy("Enter the code we sent you by SMS."),
            "invalid": gettext_lazy("Enter the code from the SMS: digits only, e.g. 123456."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ChatMessageForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=MAX_WEB_MESSAGE_LENGTH,
        error_messages={"required": gettext_lazy("Write a message before sending.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    @classmethod
    def blank(cls) -> "ChatMessageForm":
        return cls(initial={"idempotency_key": uuid.uuid4().hex})
