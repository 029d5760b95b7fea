"""Derived clinical guidance for the record: imatinib suitability flags, interactions, lab holds, TFR criteria.

Pure functions of rows already loaded (no queries), reading the tables in `patients.protocols`.
Guidance only: the record shows it to coordinators and the oncologist; it never decides treatment.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clinic.months import add_months
from clinic.timezones import format_date
from patients import protocols
from patients.molecular import AT_MMR_OR_DEEPER


@dataclass(frozen=True)
class Flag:
    level: str  # "danger" | "warning" | "info"
    code: str  # stable machine name of the finding (API clients key on it; the text may be reworded)
    text: str
    source: str

    @property
    def needs_attention(self) -> bool:
        return self.level in ("danger", "warning")


def interactions_for(name: str) -> list[protocols.Interaction]:
    """Rows of the interaction table whose drug names appear in a medicine's name (case-insensitive)."""
    lowered = name.lower().replace("’", "'")
    return [row for row in protocols.INTERACTIONS if any(drug in lowered for drug in row.names)]


def _resulted(tests: Sequence, kind: str) -> list:
    rows = [t for t in tests if t.kind == kind and t.status == "resulted"]
    return sorted(rows, key=lambda t: (t.sample_on or date.min, t.pk or 0))


def suitability_flags(*, record, tests: Sequence, dose_mg_per_day: int | None) -> list[Flag]:
    """Flags derived from the diagnosis, results and current dose (brief: GIST table, ELN 2020, label)."""
    if record is None:
        return []
    flags: list[Flag] = []
    if record.diagnosis == "gist":
        flags += _gist_flags(record, tests, dose_mg_per_day)
    if record.diagnosis in ("cml", "ph_all"):
        flags += _bcr_abl1_label_flags(record, tests)
    if record.diagnosis == "cml":
        flags += _cml_response_flags(record, tests)
    condition = record.condition
    gist_exon9_advanced = _gist_exon9_advanced(record, tests)
    typical = (
        protocols.GIST_EXON9_ADVANCED_DOSE_MG
        if gist_exon9_advanced
        else (condition.typical_dose_mg if condition else None)
    )
    if dose_mg_per_day and typical and dose_mg_per_day != typical and not gist_exon9_advanced:
        confirm = " (dose marked confirm in the brief)" if "dose" in condition.confirm else ""
        flags.append(
            Flag(
                "info",
                "dose_not_typical",
                f"Typical dose for {condition.label}: {condition.dose_text}{confirm}; recorded "
                f"{dose_mg_per_day} mg/day. Confirm with the oncologist.",
                "imatinib label",
            )
        )
    return flags


def care_record_flags(*, record, tests: Sequence, medications: Sequence) -> list[Flag]:
    """Every flag the care record shows, information-level included: the console and the API both call this."""
    tki = next((m for m in medications if m.is_tki and m.stopped_on is None), None)
    return suitability_flags(record=record, tests=tests, dose_mg_per_day=tki.dose_mg_per_day if tki else None)


def _gist_exon9_advanced(record, tests: Sequence) -> bool:
    results = _resulted(tests, "gist_mutation")
    return bool(results) and results[-1].gist_finding == "kit_exon_9" and record.gist_extent == "advanced"


def _gist_flags(record, tests: Sequence, dose: int | None) -> list[Flag]:
    results = _resulted(tests, "gist_mutation")
    source = "brief: GIST mutation status and imatinib"
    if not results:
        if record.treatment_phase in ("on_treatment", "adjuvant") or dose:
            return [
                Flag(
                    "warning",
                    "gist_mutation_untested",
                    "No KIT / PDGFRA result recorded: mutation testing comes before systemic therapy.",
                    source,
                )
            ]
        return []
    finding = results[-1].gist_finding
    meaning = protocols.GIST_FINDINGS.get(finding)
    if meaning is None:
        return []
    if finding == "kit_exon_9":
        if record.gist_extent != "advanced":
            return [Flag("info", "gist_kit_exon_9", f"{meaning.label}: {meaning.meaning}", source)]
        dose_text = f" Recorded dose {dose} mg/day." if dose and dose < protocols.GIST_EXON9_ADVANCED_DOSE_MG else ""
        return [
            Flag(
                "warning",
                "gist_kit_exon_9_advanced_dose",
                f"KIT exon 9 in advanced GIST: a higher dose (800 mg daily, as 400 mg twice daily) "
                f"is standard.{dose_text} Review with the oncologist.",
                source,
            )
        ]
    return [Flag(meaning.level, f"gist_{finding}", f"{meaning.label}: {meaning.meaning}", source)]


def _bcr_abl1_label_flags(record, tests: Sequence) -> list[Flag]:
    ph = _resulted(tests, "ph_chromosome") + _resulted(tests, "marrow")
    qual = _resulted(tests, "bcr_abl1_qual")
    qpcr = _resulted(tests, "bcr_abl1_qpcr")
    bcr_negative = any(t.transcript == "not_detected" for t in qual)
    bcr_positive = any(t.transcript and t.transcript != "not_detected" for t in qual) or any(
        t.bcr_abl1_detected for t in qpcr
    )
    ph_negative = any(t.ph_result == "negative" for t in ph)
    if bcr_negative or (ph_negative and not bcr_positive):
        found = "BCR::ABL1-negative" if bcr_negative else "Ph-negative"
        return [
            Flag(
                "danger",
                "diagnosis_inconsistent",
                f"Diagnosis inconsistent: {record.get_diagnosis_display()} on the record but a "
                f"{found} result. Review with the oncologist.",
                "brief: conditions table",
            )
        ]
    return []


def _cml_response_flags(record, tests: Sequence) -> list[Flag]:
    flags: list[Flag] = []
    qpcr = _resulted(tests, "bcr_abl1_qpcr")
    if qpcr:
        latest = qpcr[-1]
        if latest.eln_assessment in ("warning", "failure"):
            level = "danger" if latest.eln_assessment == "failure" else "warning"
            sampled = format_date(latest.sample_on)
            flags.append(
                Flag(
                    level,
                    f"eln_{latest.eln_assessment}",
                    f"Latest BCR::ABL1 ({sampled}): {latest.get_eln_assessment_display()}. {latest.eln_rule}",
                    protocols.ELN_SOURCE,
                )
            )
        if latest.lost_mmr:
            restart = (
                f" In treatment-free remission: restart imatinib within {protocols.TFR_RESTART_WEEKS} weeks "
                "of losing MMR."
                if record.treatment_phase == "tfr"
                else ""
            )
            flags.append(
                Flag(
                    "danger",
                    "lost_mmr",
                    f"Loss of MMR on {format_date(latest.sample_on)}.{restart}",
                    protocols.ELN_SOURCE,
                )
            )
    for test in _resulted(tests, "abl1_kd"):
        if test.kd_mutation:
            flags.append(
                Flag(
                    "danger",
                    "kd_mutation",
                    f"Resistance mutation {test.kd_mutation}: an ELN failure criterion. Review with the oncologist.",
                    protocols.ELN_SOURCE,
                )
            )
    for test in _resulted(tests, "marrow") + _resulted(tests, "ph_chromosome"):
        if test.high_risk_aca:
            flags.append(
                Flag(
                    "danger",
                    "high_risk_aca",
                    "High-risk additional chromosomal abnormality: an ELN failure criterion.",
                    protocols.ELN_SOURCE,
                )
            )
    return flags


def lab_hold_findings(
    *,
    anc: Decimal | None,
    platelets: Decimal | None,
    alt_x_uln: Decimal | None,
    ast_x_uln: Decimal | None,
    bilirubin_x_uln: Decimal | None,
) -> list[str]:
    """Keys of the label's hold rows the values meet (grade >= 3); guidance only, never automatic."""
    found = []
    if anc is not None and anc < protocols.ANC_HOLD_BELOW:
        found.append("anc")
    if platelets is not None and platelets < protocols.PLATELETS_HOLD_BELOW:
        found.append("platelets")
    if any(v is not None and v > protocols.TRANSAMINASE_HOLD_ABOVE_ULN for v in (alt_x_uln, ast_x_uln)):
        found.append("transaminase")
    if bilirubin_x_uln is not None and bilirubin_x_uln > protocols.BILIRUBIN_HOLD_ABOVE_ULN:
        found.append("bilirubin")
    return found


@dataclass(frozen=True)
class Criterion:
    text: str
    met: bool | None  # None: the record cannot tell


def tfr_criteria(*, record, tests: Sequence, today: date) -> list[Criterion]:
    """Whether the ELN 2020 conditions for considering TFR are met; the oncologist decides."""
    if record is None or record.diagnosis != "cml":
        return []
    qual = _resulted(tests, "bcr_abl1_qual")
    qpcr = _resulted(tests, "bcr_abl1_qpcr")
    years = protocols.TFR_MIN_IMATINIB_YEARS
    on_long_enough = bool(record.tki_started_on) and add_months(record.tki_started_on, 12 * years) <= today
    dmr_since = _deep_response_since(qpcr)
    dmr_years = protocols.TFR_MIN_DMR_YEARS
    return [
        Criterion("Chronic phase", record.cml_phase == "chronic"),
        Criterion(
            "Typical quantifiable transcript (e13a2 / e14a2)",
            qual[-1].transcript in protocols.TFR_TYPICAL_TRANSCRIPTS if qual else None,
        ),
        Criterion(f"Imatinib for at least {years} years", on_long_enough),
        Criterion(
            f"MR4 or better for at least {dmr_years} years",
            bool(dmr_since) and add_months(dmr_since, 12 * dmr_years) <= today,
        ),
        Criterion(
            "No prior failure",
            not any(t.eln_assessment == "failure" for t in qpcr)
            and not any(t.kd_mutation for t in _resulted(tests, "abl1_kd")),
        ),
        Criterion("Access to fast, high-quality PCR", None),
    ]


def _deep_response_since(qpcr: Sequence) -> date | None:
    """Start of the current unbroken run of MR4-or-deeper results."""
    since = None
    for test in qpcr:
        deep = test.molecular_response in AT_MMR_OR_DEEPER - {"mmr"}
        since = (since or test.sample_on) if deep else None
    return since
