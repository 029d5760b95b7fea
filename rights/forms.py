"""Console forms for patient rights: shape only; the services decide what is allowed."""

from django import forms
from django.utils import timezone

from rights.models import CorrectionArea, CorrectionStatus, RequestChannel

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class PackageLinkForm(forms.Form):
    channel = forms.ChoiceField(
        choices=[("", "The patient's preferred channel"), ("sms", "SMS"), ("whatsapp", "WhatsApp")],
        required=False,
        label="Send by",
    )
    include_message_bodies = forms.BooleanField(
        required=False, initial=True, label="Include the text of messages in the package"
    )


class CorrectionForm(forms.Form):
    area = forms.ChoiceField(choices=CorrectionArea.choices, label="What it is about")
    item = forms.CharField(max_length=100, required=False, label="Which field or entry (optional)")
    requested_change = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label="What the patient asked to change"
    )
    received_via = forms.ChoiceField(choices=RequestChannel.choices, label="How they asked")
    received_on = forms.DateField(widget=DATE_INPUT, label="When they asked", initial=timezone.localdate)


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (CorrectionStatus.ACCEPTED, "Accepted: the record was corrected"),
            (CorrectionStatus.DECLINED, "Declined"),
        ],
        widget=forms.RadioSelect,
        label="Decision",
    )
    outcome = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label="What was corrected, or why not"
    )


class ErasureRequestForm(forms.Form):
    received_via = forms.ChoiceField(choices=RequestChannel.choices, label="How the patient asked")
    received_on = forms.DateField(widget=DATE_INPUT, label="When they asked", initial=timezone.localdate)


class ErasureConfirmForm(forms.Form):
    confirm_reference = forms.CharField(
        max_length=20,
        label="Type the patient's reference to confirm",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RetentionForm(forms.Form):
    clinical_record_years = forms.IntegerField(min_value=1, max_value=100, label="Clinical records (years)")
    message_log_days = forms.IntegerField(min_value=0, max_value=3650, label="Message log (days)")
    audit_log_years = forms.IntegerField(min_value=1, max_value=100, label="Audit trail (years)")
    basis = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Basis (the rule or advice these periods rest on)",
    )
