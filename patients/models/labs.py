"""Genetic and molecular tests with typed results, and routine blood tests (counts and liver)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.timezones import clinic_today, format_date
from patients import protocols

MAX_REPORT_BYTES = 10 * 1024 * 1024


def validate_report_size(file) -> None:
    if file.size > MAX_REPORT_BYTES:
        raise ValidationError("The report is larger than 10 MB; upload a smaller scan or a PDF.")


class TestKind(models.TextChoices):
    PH_CHROMOSOME = "ph_chromosome", "Ph chromosome (karyotype / FISH)"
    BCR_ABL1_QUALITATIVE = "bcr_abl1_qual", "BCR::ABL1 qualitative (transcript type)"
    BCR_ABL1_QPCR = "bcr_abl1_qpcr", "BCR::ABL1 quantitative qPCR (IS %)"
    KINASE_DOMAIN = "abl1_kd", "ABL1 kinase-domain mutation analysis"
    MARROW_CYTOGENETICS = "marrow", "Bone marrow cytogenetics"
    GIST_MUTATION = "gist_mutation", "KIT / PDGFRA mutation analysis"
    COL1A1_PDGFB = "col1a1_pdgfb", "COL1A1::PDGFB (DFSP)"
    OTHER = "other", "Other"


class TestStatus(models.TextChoices):
    NOT_ORDERED = "not_ordered", "Not ordered"
    ORDERED = "ordered", "Ordered"
    SAMPLE_COLLECTED = "collected", "Sample collected"
    RESULTED = "resulted", "Resulted"
    CANCELLED = "cancelled", "Cancelled"


PENDING_TEST_STATUSES = (TestStatus.NOT_ORDERED, TestStatus.ORDERED, TestStatus.SAMPLE_COLLECTED)


class PhResult(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    INCONCLUSIVE = "inconclusive", "Inconclusive"


class Transcript(models.TextChoices):
    E13A2 = "e13a2", "e13a2 (b2a2, p210)"
    E14A2 = "e14a2", "e14a2 (b3a2, p210)"
    E13A2_E14A2 = "e13a2_e14a2", "e13a2 and e14a2 (p210)"
    E1A2 = "e1a2", "e1a2 (p190)"
    ATYPICAL = "atypical", "Atypical"
    NOT_DETECTED = "not_detected", "Not detected (BCR::ABL1 negative)"


class GistFinding(models.TextChoices):
    KIT_EXON_11 = "kit_exon_11", "KIT exon 11"
    KIT_EXON_9 = "kit_exon_9", "KIT exon 9"
    KIT_EXON_13 = "kit_exon_13", "KIT exon 13"
    KIT_EXON_17 = "kit_exon_17", "KIT exon 17"
    KIT_OTHER = "kit_other", "KIT, other exon"
    PDGFRA_EXON_12 = "pdgfra_exon_12", "PDGFRA exon 12"
    PDGFRA_EXON_14 = "pdgfra_exon_14", "PDGFRA exon 14"
    PDGFRA_D842V = "pdgfra_d842v", "PDGFRA exon 18 D842V"
    PDGFRA_EXON_18_OTHER = "pdgfra_exon_18_other", "PDGFRA exon 18, other"
    WILD_TYPE_SDH = "wild_type_sdh", "Wild-type, SDH-deficient"
    WILD_TYPE_NF1 = "wild_type_nf1", "Wild-type, NF1-related"
    WILD_TYPE_OTHER = "wild_type_other", "Wild-type, other"


class MolecularResponse(models.TextChoices):
    MR5 = "mr5", "MR5"
    MR45 = "mr45", "MR4.5"
    MR4 = "mr4", "MR4"
    MMR = "mmr", "MMR (MR3)"
    ABOVE_MMR = "above_mmr", "Above MMR (> 0.1 %)"
    NOT_EVALUABLE = "not_evaluable", "Undetectable, too few control copies to grade"


class ElnAssessment(models.TextChoices):
    OPTIMAL = "optimal", "Optimal"
    WARNING = "warning", "Warning"
    FAILURE = "failure", "Failure"
    NOT_ASSESSED = "not_assessed", "No milestone applies"


class GeneticTest(models.Model):
    """A genetic or molecular test from order to result; typed result fields depend on `kind`."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="genetic_tests")
    kind = models.CharField(max_length=16, choices=TestKind.choices, db_index=True)
    method = models.CharField(max_length=60, blank=True, help_text="e.g. karyotype, FISH, RT-qPCR, NGS.")
    status = models.CharField(max_length=12, choices=TestStatus.choices, default=TestStatus.ORDERED, db_index=True)
    ordered_on = models.DateField(null=True, blank=True)
    collected_on = models.DateField("sample collected on", null=True, blank=True)
    resulted_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=200, blank=True)
    lab = models.CharField(max_length=150, blank=True)
    report_file = models.FileField(
        upload_to="lab-reports/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg"]), validate_report_size],
        help_text="The lab report (PDF or image, up to 10 MB); staff download it from the record, never publicly.",
    )

    # Typed results.
    ph_result = models.CharField("Ph chromosome", max_length=12, choices=PhResult.choices, blank=True)
    transcript = models.CharField("transcript type", max_length=14, choices=Transcript.choices, blank=True)
    bcr_abl1_detected = models.BooleanField("BCR::ABL1 detected", null=True, blank=True)
    is_percent = models.DecimalField(
        "BCR::ABL1 IS %", max_digits=12, decimal_places=6, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    control_copies = models.PositiveIntegerField("ABL1 control gene copies", null=True, blank=True)
    kd_mutation = models.CharField(
        "kinase-domain mutation", max_length=60, blank=True, help_text="e.g. T315I; leave empty when none was found."
    )
    high_risk_aca = models.BooleanField("high-risk additional chromosomal abnormality", null=True, blank=True)
    gist_finding = models.CharField("GIST mutation", max_length=22, choices=GistFinding.choices, blank=True)
    variant_detail = models.CharField(max_length=120, blank=True, help_text="Variant as reported (HGVS).")
    result_text = models.TextField("result (free text)", blank=True)

    # Derived by patients.services.results; never typed by hand.
    molecular_response = models.CharField(max_length=14, choices=MolecularResponse.choices, blank=True, editable=False)
    months_on_treatment = models.DecimalField(max_digits=5, decimal_places=1, null=True, editable=False)
    eln_milestone = models.CharField(max_length=8, blank=True, editable=False)
    eln_assessment = models.CharField(
        max_length=14, choices=ElnAssessment.choices, blank=True, editable=False, db_index=True
    )
    eln_rule = models.CharField(max_length=300, blank=True, editable=False)
    needs_confirmation = models.BooleanField(default=False, editable=False)
    lost_mmr = models.BooleanField("loss of MMR", default=False, editable=False)
    DERIVED_FIELDS = (
        "molecular_response",
        "months_on_treatment",
        "eln_milestone",
        "eln_assessment",
        "eln_rule",
        "needs_confirmation",
        "lost_mmr",
    )

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "genetic / molecular test"
        ordering = ["-resulted_on", "-ordered_on", "-id"]
        indexes = [models.Index(fields=["patient", "kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resulted") | Q(resulted_on__isnull=False), name="resulted_test_has_date"
            ),
            # The brief: store the control copy count with every BCR::ABL1 result.
            models.CheckConstraint(
                condition=~Q(status="resulted", kind="bcr_abl1_qpcr") | Q(control_copies__isnull=False),
                name="qpcr_result_has_control_copies",
            ),
            models.CheckConstraint(
                condition=Q(is_percent__isnull=True) | Q(is_percent__gte=0), name="is_percent_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def sample_on(self):
        return self.collected_on or self.resulted_on

    @property
    def sample_date_warning(self) -> str:
        """Said aloud wherever the result shows: without a sample date the milestone is judged on the report date."""
        if self.status != TestStatus.RESULTED or self.collected_on or not self.resulted_on:
            return ""
        return (
            f"No sample date recorded: response and milestone were assessed on the report date "
            f"({format_date(self.resulted_on)}). Enter the sample date from the report to assess it correctly."
        )

    @property
    def loinc(self) -> str:
        return protocols.LOINC_BCR_ABL1_IS if self.kind == TestKind.BCR_ABL1_QPCR else ""

    @property
    def result_display(self) -> str:
        if self.status != TestStatus.RESULTED:
            return ""
        if self.kind == TestKind.BCR_ABL1_QPCR:
            level = self.get_molecular_response_display()
            if self.bcr_abl1_detected is False:
                return f"Undetectable (ABL1 {self.control_copies:,}) — {level}"
            return f"{self.is_percent.normalize():f} % IS — {level}"
        if self.kind == TestKind.PH_CHROMOSOME or self.kind == TestKind.MARROW_CYTOGENETICS:
            extra = "; high-risk ACA" if self.high_risk_aca else ""
            return f"Ph {self.get_ph_result_display().lower()}{extra}" if self.ph_result else self.result_text
        if self.kind == TestKind.BCR_ABL1_QUALITATIVE:
            return self.get_transcript_display()
        if self.kind == TestKind.GIST_MUTATION:
            return " ".join(p for p in [self.get_gist_finding_display(), self.variant_detail] if p)
        if self.kind == TestKind.KINASE_DOMAIN:
            return self.kd_mutation or "No kinase-domain mutation found"
        return self.result_text

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == TestStatus.CANCELLED and not self.cancelled_reason:
            errors["cancelled_reason"] = "Say why the test was cancelled."
        if self.status == TestStatus.SAMPLE_COLLECTED and not self.collected_on:
            errors["collected_on"] = "Enter the date the sample was collected."
        if self.collected_on and self.ordered_on and self.collected_on < self.ordered_on:
            errors["collected_on"] = "The sample was collected before the test was ordered; check the dates."
        if self.resulted_on and self.collected_on and self.resulted_on < self.collected_on:
            errors["resulted_on"] = "The result date is before the sample date; check the dates."
        today = clinic_today()
        for name in ("ordered_on", "collected_on", "resulted_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = "This date is in the future; enter the date it happened."
        if self.status == TestStatus.RESULTED:
            if not self.resulted_on:
                errors["resulted_on"] = "Enter the date of the result."
            errors.update(self._result_errors())
        if errors:
            raise ValidationError(errors)

    def _result_errors(self) -> dict[str, str]:
        """The typed result each kind needs before it can be marked resulted."""
        kind = self.kind
        if kind in (TestKind.PH_CHROMOSOME, TestKind.MARROW_CYTOGENETICS) and not self.ph_result:
            return {"ph_result": "Choose positive, negative or inconclusive."}
        if kind == TestKind.BCR_ABL1_QUALITATIVE and not self.transcript:
            return {"transcript": "Choose the transcript type, or 'Not detected'."}
        if kind == TestKind.GIST_MUTATION and not self.gist_finding:
            return {"gist_finding": "Choose the KIT / PDGFRA finding, or wild-type."}
        if kind == TestKind.BCR_ABL1_QPCR:
            if self.control_copies is None:
                return {"control_copies": "Enter the ABL1 control gene copy number from the report."}
            if self.bcr_abl1_detected is None:
                return {"bcr_abl1_detected": "Say whether BCR::ABL1 was detected."}
            if self.bcr_abl1_detected and self.is_percent is None:
                return {"is_percent": "Enter the BCR::ABL1 IS % from the report."}
            if self.bcr_abl1_detected is False and self.is_percent not in (None, 0):
                return {"is_percent": "Leave IS % empty when BCR::ABL1 was not detected."}
            if not self.sample_on:
                return {"collected_on": "Enter the sample date; milestones are assessed from it."}
        if kind in (TestKind.OTHER, TestKind.COL1A1_PDGFB) and not self.result_text:
            return {"result_text": "Enter the result as reported."}
        return {}


def _lab_value(label: str, *, max_digits: int = 6, decimal_places: int = 2) -> models.DecimalField:
    """One measured value of a lab result: optional, never negative."""
    return models.DecimalField(
        label,
        max_digits=max_digits,
        decimal_places=decimal_places,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class LabResult(models.Model):
    """A blood count and/or liver panel; hold guidance is derived from the label table."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="lab_results")
    taken_on = models.DateField()
    anc = _lab_value("neutrophils (ANC, ×10⁹/L)")
    platelets = _lab_value("platelets (×10⁹/L)", decimal_places=1)
    wbc = _lab_value("white cells (×10⁹/L)")
    haemoglobin = _lab_value("haemoglobin (g/dL)", max_digits=5, decimal_places=1)
    alt_x_uln = _lab_value("ALT (× upper limit of normal)")
    ast_x_uln = _lab_value("AST (× upper limit of normal)")
    bilirubin_x_uln = _lab_value("bilirubin (× upper limit of normal)")
    lab = models.CharField(max_length=150, blank=True)
    # Derived: which label hold rows the values meet (guidance to the oncologist, never automatic).
    hold_findings = models.JSONField(default=list, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = "blood test result"

    def __str__(self) -> str:
        return f"Blood tests on {format_date(self.taken_on)}"

    @property
    def hold_guidance(self) -> list[protocols.LabHold]:
        return [protocols.LAB_HOLDS[key] for key in self.hold_findings if key in protocols.LAB_HOLDS]

    def clean(self) -> None:
        values = [
            self.anc,
            self.platelets,
            self.wbc,
            self.haemoglobin,
            self.alt_x_uln,
            self.ast_x_uln,
            self.bilirubin_x_uln,
        ]
        if all(v is None for v in values):
            raise ValidationError("Enter at least one value from the report.")
        if self.taken_on and self.taken_on > clinic_today():
            raise ValidationError({"taken_on": "This date is in the future; enter the date the blood was taken."})
