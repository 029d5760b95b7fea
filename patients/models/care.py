"""The care record: diagnosis and treatment phase, medication, concomitant medicines, insurance, notes."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clinic.timezones import (
    EARLIEST_DATE,
    LATEST_DATE,
    clinic_today,
    format_date,
    format_datetime,
    is_plausible_date,
)
from patients import protocols


class Diagnosis(models.TextChoices):
    CML = "cml", "Chronic myeloid leukaemia (CML)"
    PH_ALL = "ph_all", "Ph+ acute lymphoblastic leukaemia"
    GIST = "gist", "Gastrointestinal stromal tumour (GIST)"
    DFSP = "dfsp", "Dermatofibrosarcoma protuberans (DFSP)"
    CHORDOMA = "chordoma", "Chordoma"
    OTHER = "other", "Other"


class CmlPhase(models.TextChoices):
    CHRONIC = "chronic", "Chronic phase"
    ACCELERATED = "accelerated", "Accelerated phase"
    BLAST = "blast", "Blast phase"


class GistSite(models.TextChoices):
    STOMACH = "stomach", "Stomach"
    SMALL_INTESTINE = "small_intestine", "Small intestine"
    OESOPHAGUS = "oesophagus", "Oesophagus"
    LARGE_INTESTINE = "large_intestine", "Large intestine"
    RECTUM = "rectum", "Rectum"
    OTHER = "other", "Other site"
    UNSPECIFIED = "unspecified", "Unspecified"


class GistRisk(models.TextChoices):
    VERY_LOW = "very_low", "Very low"
    LOW = "low", "Low"
    INTERMEDIATE = "intermediate", "Intermediate"
    HIGH = "high", "High"


class GistExtent(models.TextChoices):
    RESECTED = "resected", "Localised, resected"
    ADVANCED = "advanced", "Advanced / metastatic"


class TreatmentPhase(models.TextChoices):
    NOT_STARTED = "not_started", "Not yet on imatinib"
    ON_TREATMENT = "on_treatment", "On imatinib"
    ADJUVANT = "adjuvant", "On adjuvant imatinib (after resection)"
    SURVEILLANCE = "surveillance", "Follow-up off imatinib"
    TFR = "tfr", "Treatment-free remission (CML)"


ON_DRUG_PHASES = (TreatmentPhase.ON_TREATMENT, TreatmentPhase.ADJUVANT)


class CareRecord(models.Model):
    """One per patient: what they have, where treatment stands, and the flags derived from results."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="care_record")
    diagnosis = models.CharField(max_length=10, choices=Diagnosis.choices, db_index=True)
    diagnosis_detail = models.CharField(max_length=200, blank=True, help_text="Required when the diagnosis is Other.")
    cml_phase = models.CharField("CML phase", max_length=12, choices=CmlPhase.choices, blank=True)
    gist_site = models.CharField("GIST primary site", max_length=20, choices=GistSite.choices, blank=True)
    gist_risk = models.CharField("GIST risk group", max_length=12, choices=GistRisk.choices, blank=True)
    gist_extent = models.CharField("GIST extent", max_length=10, choices=GistExtent.choices, blank=True)
    resected_on = models.DateField("resected on", null=True, blank=True)
    icd10_code = models.CharField("ICD-10 code", max_length=10, blank=True)
    diagnosed_on = models.DateField(null=True, blank=True)
    treating_oncologist = models.CharField(max_length=200, blank=True)

    treatment_phase = models.CharField(
        max_length=14, choices=TreatmentPhase.choices, default=TreatmentPhase.NOT_STARTED
    )
    tki_started_on = models.DateField(
        "imatinib started on",
        null=True,
        blank=True,
        help_text="First day on imatinib (or another TKI). ELN milestones count from this date.",
    )
    phase_started_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the current phase began: stopping for TFR, or stopping adjuvant imatinib.",
    )

    # Derived by patients.services.records.care_record_refresh; never typed by hand.
    has_flags = models.BooleanField(default=False, editable=False, db_index=True)
    flag_summary = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(diagnosis="cml") | Q(cml_phase=""), name="cml_phase_only_for_cml"),
            models.CheckConstraint(
                condition=Q(diagnosis="gist") | Q(gist_site="", gist_risk="", gist_extent=""),
                name="gist_fields_only_for_gist",
            ),
            models.CheckConstraint(condition=Q(diagnosis="cml") | ~Q(treatment_phase="tfr"), name="tfr_only_for_cml"),
        ]

    def __str__(self) -> str:
        return f"Care record of {self.patient}"

    @property
    def condition_key(self) -> str:
        return f"cml:{self.cml_phase or 'chronic'}" if self.diagnosis == Diagnosis.CML else self.diagnosis

    @property
    def condition(self) -> protocols.Condition | None:
        return protocols.CONDITIONS.get(self.condition_key)

    @property
    def diagnosis_text(self) -> str:
        if self.diagnosis == Diagnosis.CML and self.cml_phase:
            return f"CML, {self.get_cml_phase_display().lower()}"
        if self.diagnosis == Diagnosis.GIST:
            risk = f"{self.get_gist_risk_display().lower()} risk" if self.gist_risk else ""
            parts = [self.get_gist_extent_display(), risk]
            detail = ", ".join(p for p in parts if p)
            return f"GIST ({detail})" if detail else "GIST"
        if self.diagnosis == Diagnosis.OTHER:
            return self.diagnosis_detail or "Other"
        return self.get_diagnosis_display()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.diagnosis == Diagnosis.CML and not self.cml_phase:
            errors["cml_phase"] = "Choose the CML phase: chronic, accelerated or blast."
        if self.diagnosis != Diagnosis.CML and self.cml_phase:
            errors["cml_phase"] = "Leave the CML phase empty unless the diagnosis is CML."
        if self.diagnosis != Diagnosis.GIST and (self.gist_site or self.gist_risk or self.gist_extent):
            errors["gist_extent"] = "Leave the GIST fields empty unless the diagnosis is GIST."
        if self.diagnosis == Diagnosis.GIST and not self.gist_extent:
            errors["gist_extent"] = "Choose whether the GIST was resected or is advanced."
        if self.diagnosis == Diagnosis.GIST and self.gist_extent == GistExtent.RESECTED and not self.gist_risk:
            errors["gist_risk"] = "Choose the risk group of the resected GIST; it sets the imaging schedule."
        if self.diagnosis == Diagnosis.OTHER and not self.diagnosis_detail:
            errors["diagnosis_detail"] = "Describe the diagnosis when choosing Other."
        if self.icd10_code:
            self.icd10_code = self.icd10_code.strip().upper()
            condition = self.condition
            if not re.match(protocols.ICD10_FORMAT, self.icd10_code):
                errors["icd10_code"] = "Enter an ICD-10 code like C92.10 (letter, two digits, optional dot part)."
            elif condition and condition.icd10_pattern and not re.match(condition.icd10_pattern, self.icd10_code):
                errors["icd10_code"] = f"{condition.label} is coded {condition.icd10_text}; check the code."
        if self.treatment_phase == TreatmentPhase.TFR and self.diagnosis != Diagnosis.CML:
            errors["treatment_phase"] = "Treatment-free remission applies to CML only."
        if self.treatment_phase in ON_DRUG_PHASES and not self.tki_started_on:
            errors["tki_started_on"] = "Enter the date imatinib was started; the schedule and milestones count from it."
        if self.treatment_phase in (TreatmentPhase.TFR, TreatmentPhase.SURVEILLANCE) and not self.phase_started_on:
            errors["phase_started_on"] = "Enter the date imatinib was stopped; follow-up counts from it."
        if self.treatment_phase == TreatmentPhase.ADJUVANT and self.gist_extent != GistExtent.RESECTED:
            errors["treatment_phase"] = "Adjuvant imatinib applies to a resected GIST."
        today = clinic_today()
        for name in ("diagnosed_on", "resected_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = "This date is in the future; enter the date it happened."
        for name in ("diagnosed_on", "resected_on", "tki_started_on", "phase_started_on"):
            value = getattr(self, name)
            # The schedule is counted from these dates: a slip like year 9999 would overflow it.
            if value and not is_plausible_date(value) and name not in errors:
                errors[name] = f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
        if errors:
            raise ValidationError(errors)


class DoseSchedule(models.TextChoices):
    ONCE_DAILY = "once_daily", "Once daily"
    TWICE_DAILY = "twice_daily", "Twice daily (half the daily dose each time)"


class Medication(models.Model):
    """A course of a drug. The TKI course drives milestones; dose changes go through medication_dose_change."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="medications")
    drug = models.CharField(max_length=100, default="imatinib")
    is_tki = models.BooleanField("targeted drug (TKI)", default=True)
    dose_mg_per_day = models.PositiveIntegerField(
        "dose (mg/day)", validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    schedule = models.CharField(max_length=12, choices=DoseSchedule.choices, default=DoseSchedule.ONCE_DAILY)
    started_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_mg_per_day__gte=1, dose_mg_per_day__lte=1000), name="dose_in_range"
            ),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="medication_stops_after_start",
            ),
            models.UniqueConstraint(
                fields=["patient"], condition=Q(is_tki=True, stopped_on__isnull=True), name="one_active_tki_per_patient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} {self.dose_mg_per_day} mg/day"

    @property
    def is_active(self) -> bool:
        return self.stopped_on is None

    @property
    def reduced_dose_after_hold(self) -> int | None:
        return protocols.REDUCED_DOSE_AFTER_HOLD.get(self.dose_mg_per_day)

    def clean(self) -> None:
        if self.stopped_on and self.started_on and self.stopped_on < self.started_on:
            raise ValidationError({"stopped_on": "The stop date is before the start date."})
        if self.stopped_on and not self.stop_reason:
            raise ValidationError({"stop_reason": "Say why the drug was stopped."})


class DoseChange(models.Model):
    """A dose change with its reason; written by medication_dose_change, never edited."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="dose_changes")
    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="dose_changes")
    changed_on = models.DateField()
    from_mg = models.PositiveIntegerField()
    to_mg = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(1000)])
    reason = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-changed_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="dose_change_has_reason")]

    def __str__(self) -> str:
        return f"{self.from_mg} → {self.to_mg} mg/day on {format_date(self.changed_on)}"


class ConcomitantMedication(models.Model):
    """Another medicine, vitamin or herbal product, checked against the interaction table."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="concomitant_medications")
    name = models.CharField(max_length=150)
    dose_text = models.CharField("dose", max_length=100, blank=True)
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "concomitant medication"

    def __str__(self) -> str:
        return self.name

    @property
    def interactions(self) -> list[protocols.Interaction]:
        from patients.clinical import interactions_for

        return interactions_for(self.name)


class PriorAuthStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"


class InsurancePolicy(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="insurance_policies")
    payer = models.CharField(max_length=150)
    policy_number = models.CharField(max_length=60, blank=True)
    prior_auth_status = models.CharField(
        "prior authorisation", max_length=12, choices=PriorAuthStatus.choices, default=PriorAuthStatus.PENDING
    )
    prior_auth_reference = models.CharField("authorisation reference", max_length=60, blank=True)
    prior_auth_expires_on = models.DateField("authorisation expires on", null=True, blank=True, db_index=True)
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "insurance policies"
        ordering = ["prior_auth_expires_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(prior_auth_status="approved") | Q(prior_auth_expires_on__isnull=False),
                name="approved_authorisation_has_expiry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer} {self.policy_number}".strip()

    def clean(self) -> None:
        if self.prior_auth_status == PriorAuthStatus.APPROVED and not self.prior_auth_expires_on:
            raise ValidationError({"prior_auth_expires_on": "Enter when the approved authorisation expires."})


class Note(models.Model):
    """A timestamped note by a coordinator or expert; notes are never edited, only added."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=150, editable=False)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note by {self.author_name} at {format_datetime(self.created_at)}"
