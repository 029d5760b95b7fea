"""Imatinib suitability flags, interaction warnings and TFR criteria, read from the brief's tables."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from patients import protocols
from patients.clinical import interactions_for, suitability_flags, tfr_criteria
from patients.models import CareRecord


@dataclass
class Result:
    """A resulted test as the flag functions read it."""

    kind: str
    gist_finding: str = ""
    transcript: str = ""
    ph_result: str = ""
    bcr_abl1_detected: bool | None = None
    molecular_response: str = ""
    eln_assessment: str = ""
    eln_rule: str = ""
    lost_mmr: bool = False
    kd_mutation: str = ""
    high_risk_aca: bool | None = None
    sample_on: date = date(2026, 1, 1)
    status: str = "resulted"
    pk: int = 1

    def get_eln_assessment_display(self) -> str:
        return self.eln_assessment.title()


def gist(extent="advanced", **fields) -> CareRecord:
    return CareRecord(diagnosis="gist", gist_extent=extent, gist_site="stomach", **fields)


def texts(flags) -> str:
    return " | ".join(f"{f.level}: {f.text}" for f in flags)


def test_pdgfra_d842v_is_primary_resistance():
    flags = suitability_flags(record=gist(), tests=[Result("gist_mutation", "pdgfra_d842v")], dose_mg_per_day=400)
    assert "danger: PDGFRA exon 18 D842V: Primary resistance" in texts(flags)
    assert "avapritinib" in texts(flags)


def test_kit_exon_9_in_advanced_gist_says_the_higher_dose_is_standard():
    flags = suitability_flags(record=gist(), tests=[Result("gist_mutation", "kit_exon_9")], dose_mg_per_day=400)
    assert "warning: KIT exon 9 in advanced GIST: a higher dose (800 mg daily" in texts(flags)
    assert "Recorded dose 400 mg/day" in texts(flags)


def test_kit_exon_9_after_resection_is_information_only():
    flags = suitability_flags(
        record=gist("resected", gist_risk="high"), tests=[Result("gist_mutation", "kit_exon_9")], dose_mg_per_day=400
    )
    assert all(f.level == "info" for f in flags)


def test_kit_exon_11_is_not_a_flag():
    flags = suitability_flags(record=gist(), tests=[Result("gist_mutation", "kit_exon_11")], dose_mg_per_day=400)
    assert not any(f.needs_attention for f in flags)


@pytest.mark.parametrize("finding", ["wild_type_sdh", "wild_type_nf1", "kit_exon_13", "kit_exon_17"])
def test_wild_type_and_secondary_resistance_sites_are_flagged_for_review(finding):
    flags = suitability_flags(record=gist(), tests=[Result("gist_mutation", finding)], dose_mg_per_day=400)
    assert any(f.needs_attention for f in flags)


def test_gist_on_imatinib_without_mutation_result_is_flagged():
    flags = suitability_flags(record=gist(treatment_phase="on_treatment"), tests=[], dose_mg_per_day=400)
    assert "mutation testing comes before systemic therapy" in texts(flags)


@pytest.mark.parametrize(
    ("tests", "inconsistent"),
    [
        ([Result("ph_chromosome", ph_result="negative")], True),
        ([Result("bcr_abl1_qual", transcript="not_detected")], True),
        ([Result("ph_chromosome", ph_result="negative"), Result("bcr_abl1_qual", transcript="e14a2")], False),
        ([Result("ph_chromosome", ph_result="positive")], False),
    ],
    ids=["ph-negative", "bcr-abl1-negative", "ph-negative-but-bcr-abl1-positive", "ph-positive"],
)
def test_cml_label_with_negative_results_is_inconsistent(tests, inconsistent):
    record = CareRecord(diagnosis="cml", cml_phase="chronic")
    flags = suitability_flags(record=record, tests=tests, dose_mg_per_day=400)
    assert ("Diagnosis inconsistent" in texts(flags)) is inconsistent


def test_resistance_mutation_is_an_eln_failure_flag():
    record = CareRecord(diagnosis="cml", cml_phase="chronic")
    flags = suitability_flags(record=record, tests=[Result("abl1_kd", kd_mutation="T315I")], dose_mg_per_day=400)
    assert "danger: Resistance mutation T315I" in texts(flags)


def test_dose_other_than_the_label_dose_is_information_to_confirm():
    record = CareRecord(diagnosis="cml", cml_phase="chronic")
    flags = suitability_flags(record=record, tests=[], dose_mg_per_day=300)
    assert [f.level for f in flags] == ["info"]
    assert "400 mg once daily" in flags[0].text


@pytest.mark.parametrize(
    ("medicine", "group"),
    [
        ("Ketoconazole 200 mg", "Strong CYP3A4 inhibitor"),
        ("CLARITHROMYCIN", "Strong CYP3A4 inhibitor"),
        ("grapefruit juice", "Strong CYP3A4 inhibitor"),
        ("Rifampicin", "Strong CYP3A4 inducer"),
        ("dexamethasone 4mg", "Strong CYP3A4 inducer"),
        ("St John's wort", "St John's wort"),
        ("St John’s Wort tea", "St John's wort"),
        ("Warfarin 5 mg", "Warfarin"),
        ("Acetaminophen", "Paracetamol (acetaminophen), long-term"),
        ("simvastatin", "Narrow-range CYP3A4 substrate"),
        ("Levothyroxine 100 mcg", "Levothyroxine after thyroidectomy"),
    ],
)
def test_interaction_table_matches_medicines_by_name(medicine, group):
    assert [row.group for row in interactions_for(medicine)] == [group]


@pytest.mark.parametrize("medicine", ["Metformin 500 mg", "Omeprazole"])
def test_medicine_not_in_the_table_has_no_warning(medicine):
    assert interactions_for(medicine) == []


def test_interaction_rows_say_what_to_do():
    assert all(row.advice and row.effect for row in protocols.INTERACTIONS)
    warfarin = interactions_for("warfarin")[0]
    assert warfarin.confirm  # the brief marks the warfarin wording "confirm"


def test_tfr_criteria_report_met_and_unmet_without_deciding():
    record = CareRecord(diagnosis="cml", cml_phase="chronic", tki_started_on=date(2019, 1, 1))
    tests = [
        Result("bcr_abl1_qual", transcript="e14a2"),
        Result("bcr_abl1_qpcr", molecular_response="mr45", sample_on=date(2023, 6, 1)),
        Result("bcr_abl1_qpcr", molecular_response="mr4", sample_on=date(2025, 6, 1)),
    ]
    criteria = {c.text: c.met for c in tfr_criteria(record=record, tests=tests, today=date(2026, 1, 1))}
    assert criteria["Chronic phase"] is True
    assert criteria["Imatinib for at least 5 years"] is True
    assert criteria["MR4 or better for at least 2 years"] is True
    assert criteria["Access to fast, high-quality PCR"] is None


def test_tfr_deep_response_run_restarts_after_a_shallower_result():
    record = CareRecord(diagnosis="cml", cml_phase="chronic", tki_started_on=date(2019, 1, 1))
    tests = [
        Result("bcr_abl1_qpcr", molecular_response="mr45", sample_on=date(2023, 6, 1)),
        Result("bcr_abl1_qpcr", molecular_response="mmr", sample_on=date(2024, 6, 1)),
        Result("bcr_abl1_qpcr", molecular_response="mr4", sample_on=date(2025, 6, 1)),
    ]
    criteria = {c.text: c.met for c in tfr_criteria(record=record, tests=tests, today=date(2026, 1, 1))}
    assert criteria["MR4 or better for at least 2 years"] is False


def test_configurable_defaults_marked_confirm_include_the_briefs_confirm_values():
    assert protocols.CONFIGURABLE["weight_gain_kg_week"].confirm
    assert protocols.CONDITIONS["chordoma"].confirm == ("dose", "ICD-10 code")
    assert protocols.GIST_SITE_CODES["stomach"] == ("C49.A2", True)
    assert protocols.REDUCED_DOSE_AFTER_HOLD == {400: 300, 600: 400, 800: 600}
    assert Decimal("1.0") == protocols.ANC_HOLD_BELOW
