"""Clinical tables from the clinic's domain brief (shared/domain.md), kept as data.

Each table names its source beside it; code and tests read these tables, never copies of the
numbers. A value the brief marks "confirm", and every monitoring cadence (the brief says sources
differ), is a `Configurable`: a default an admin may change in the console (ProtocolSetting) and
that coordinators see labelled "default, confirm" rather than as a rule. The software supports
coordination; it never decides treatment.
"""

from dataclasses import dataclass
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class Configurable:
    key: str
    label: str
    value: int
    unit: str
    source: str
    confirm: bool = True  # True: shown as "default, confirm"; never presented as a rule


# --- Conditions treated with imatinib -----------------------------------------------------------
# Source: imatinib (Gleevec) US prescribing information; ICD-10-CM tabular list; ICD-O-3.
@dataclass(frozen=True)
class Condition:
    label: str
    key_test: str
    typical_dose_mg: int | None
    dose_text: str
    icd10_pattern: str  # a regular expression the ICD-10 code must match; "" = any well-formed code
    icd10_text: str
    icdo3: str
    confirm: tuple[str, ...] = ()  # which parts of the row the brief marks "confirm"


CONDITIONS: dict[str, Condition] = {
    "cml:chronic": Condition(
        "CML, chronic phase",
        "Ph chromosome (karyotype/FISH), BCR::ABL1",
        400,
        "400 mg once daily",
        r"^C92\.1[0-2]$",
        "C92.10 / C92.11 (in remission) / C92.12 (relapse)",
        "9875/3",
    ),
    "cml:accelerated": Condition(
        "CML, accelerated phase",
        "Ph chromosome, BCR::ABL1",
        600,
        "600 mg daily (up to 400 mg twice daily)",
        r"^C92\.1[0-2]$",
        "C92.1x",
        "9875/3",
    ),
    "cml:blast": Condition(
        "CML, blast phase",
        "Ph chromosome, BCR::ABL1",
        600,
        "600 mg daily (up to 400 mg twice daily)",
        r"^C92\.1[0-2]$",
        "C92.1x",
        "9875/3",
    ),
    "ph_all": Condition(
        "Ph+ acute lymphoblastic leukaemia",
        "BCR::ABL1 (often e1a2, p190)",
        600,
        "600 mg daily with chemotherapy",
        r"^C91\.0[0-2]$",
        "C91.0x (no Ph+-specific code)",
        "9812/3",
    ),
    "gist": Condition(
        "GIST",
        "KIT / PDGFRA mutation analysis",
        400,
        "400 mg daily; 800 mg daily for KIT exon 9 in advanced disease",
        r"^C49\.A[0-9]$",
        "C49.A0–C49.A9 (by site)",
        "8936/3",
    ),
    "dfsp": Condition(
        "Dermatofibrosarcoma protuberans",
        "COL1A1::PDGFB",
        800,
        "800 mg daily (400 mg twice daily)",
        "",
        "by site",
        "8832/3",
        confirm=("key test", "ICD-10 code"),
    ),
    "chordoma": Condition(
        "Chordoma (trials / off-label)",
        "—",
        800,
        "800 mg daily in trials",
        "",
        "C41.x by site",
        "9370/3",
        confirm=("dose", "ICD-10 code"),
    ),
}
# In ICD-10-CM C92.1x the fifth digit is remission status, not phase: phase is stored separately.
ICD10_FORMAT = r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$"
PEDIATRIC_CML_DOSE_TEXT = "340 mg/m² daily"

# GIST primary site -> ICD-10-CM code. Source: ICD-10-CM; C49.A2 and C49.A5 marked "confirm".
GIST_SITE_CODES: dict[str, tuple[str, bool]] = {
    "unspecified": ("C49.A0", False),
    "oesophagus": ("C49.A1", False),
    "stomach": ("C49.A2", True),
    "small_intestine": ("C49.A3", False),
    "large_intestine": ("C49.A4", False),
    "rectum": ("C49.A5", True),
    "other": ("C49.A9", False),
}

# Interoperability codes for exports. Source: LOINC, SNOMED CT, ICD-O-3 as cited in the brief.
LOINC_BCR_ABL1_IS = "69380-4"
LOINC_BCR_ABL1_P210 = "21822-2"
LOINC_BCR_ABL1_P190 = "21823-0"
LOINC_CBC = "58410-2"
LOINC_WBC, LOINC_NEUTROPHILS, LOINC_PLATELETS = "6690-2", "751-8", "777-3"
SNOMED_CML = "92818009"

# --- BCR::ABL1 molecular response ---------------------------------------------------------------
# Source: brief, "CML — BCR::ABL1 on the International Scale". Deepest level first.
# (code, label, IS % at or below, ABL1 control copies an undetectable result needs)
MOLECULAR_RESPONSE_LEVELS: list[tuple[str, str, Decimal, int | None]] = [
    ("mr5", "MR5", D("0.001"), 100_000),
    ("mr45", "MR4.5", D("0.0032"), 32_000),
    ("mr4", "MR4", D("0.01"), 10_000),
    ("mmr", "MMR (MR3)", D("0.1"), None),
]


# --- ELN 2020 milestones ------------------------------------------------------------------------
# Source: Hochhaus et al., Leukemia 2020; 34:966–984 (ELN 2020), time since starting the TKI.
@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    months: int  # the time point; "after" applies beyond 12 months
    optimal_max: Decimal  # optimal when IS % <= this
    failure_above: Decimal  # failure when IS % > this (at 3 months only if confirmed)
    optimal_text: str
    warning_text: str
    failure_text: str
    failure_needs_confirmation: bool = False


ELN_MILESTONES: list[Milestone] = [
    Milestone(
        "3m",
        "3 months",
        3,
        D("10"),
        D("10"),
        "≤ 10 %",
        "> 10 %",
        "> 10 % if confirmed within 1–3 months",
        failure_needs_confirmation=True,
    ),
    Milestone("6m", "6 months", 6, D("1"), D("10"), "≤ 1 %", "> 1 – 10 %", "> 10 %"),
    Milestone("12m", "12 months", 12, D("0.1"), D("1"), "≤ 0.1 %", "> 0.1 – 1 %", "> 1 %"),
    Milestone(
        "after",
        "any time after 12 months",
        12,
        D("0.1"),
        D("1"),
        "≤ 0.1 %",
        "> 0.1 – 1 %; loss of ≤ 0.1 % (MMR)",
        "> 1 %, resistance mutations, high-risk additional chromosomal abnormalities",
    ),
]
# A single > 10 % at 3 months is a warning; a second > 10 % 1 to 3 months later confirms failure.
ELN_CONFIRMATION_MONTHS = (1, 3)
ELN_SOURCE = "ELN 2020 (Hochhaus et al., Leukemia 2020; 34:966–984)"

# --- Configurable defaults ----------------------------------------------------------------------
BRIEF = "clinic domain brief"
CONFIGURABLE: dict[str, Configurable] = {
    c.key: c
    for c in [
        # Monitoring cadence. Source: ELN 2020 and the imatinib label ("sources differ slightly").
        Configurable(
            "cbc_steady_months",
            "Blood count after month 2: every",
            3,
            "months",
            'ELN / ESMO; label says "periodically"',
        ),
        Configurable(
            "liver_months",
            "Liver tests (ALT, AST, bilirubin): every",
            1,
            "months",
            'imatinib label: monthly "or as clinically indicated"',
        ),
        Configurable("qpcr_months", "BCR::ABL1 qPCR until MMR is confirmed: every", 3, "months", "ELN 2020"),
        Configurable(
            "qpcr_after_mmr_months",
            "BCR::ABL1 qPCR once MMR is confirmed: every",
            6,
            "months",
            "ELN 2020: every 3–6 months (NCCN: every 3 months for 2 years, then 3–6)",
        ),
        Configurable(
            "qpcr_after_warning_months",
            "BCR::ABL1 qPCR after a warning or failure: next in",
            1,
            "months",
            'brief: "a warning result means testing more often"; failure at 3 months needs a repeat within 1–3 months',
        ),
        Configurable(
            "mmr_confirm_results",
            "MMR counts as confirmed after consecutive results at MMR or deeper",
            2,
            "results",
            'brief: "until MMR is reached and confirmed" (number of results not given)',
        ),
        Configurable(
            "ph_all_qpcr_months",
            "Ph+ ALL: BCR::ABL1 qPCR every",
            3,
            "months",
            "not in the brief: clinic default, agree with the treating team",
        ),
        Configurable(
            "marrow_after_failure_days",
            "Bone marrow cytogenetics after failure or loss of response: within",
            30,
            "days",
            'brief: "at failure or loss of response" (timing not given)',
        ),
        # GIST imaging, CT or MRI of abdomen and pelvis. Source: brief table (sources differ).
        Configurable(
            "gist_low_int_months",
            "GIST low/intermediate risk: imaging every",
            6,
            "months",
            "brief default: every 6–12 months for 5 years (other: yearly for 5 years)",
        ),
        Configurable(
            "gist_adjuvant_months",
            "GIST high risk on adjuvant imatinib: imaging every",
            6,
            "months",
            "brief default: every 6 months (NCCN, resected: every 3–6 months)",
        ),
        Configurable(
            "gist_after_adjuvant_early_months",
            "GIST high risk after adjuvant, first 2 years: imaging every",
            3,
            "months",
            "brief default: every 3–4 months for 2 years",
        ),
        Configurable(
            "gist_after_adjuvant_late_months",
            "GIST high risk after adjuvant, to year 10: imaging every",
            6,
            "months",
            "brief default: every 6–12 months to year 10",
        ),
        Configurable(
            "gist_advanced_months",
            "Advanced GIST on imatinib: imaging every",
            3,
            "months",
            "brief default: every 3–6 months, first response check at about 3 months",
        ),
        Configurable(
            "gist_adjuvant_years",
            "Adjuvant imatinib after resection of high-risk GIST",
            3,
            "years",
            "SSG XVIII/AIO, Joensuu et al., JAMA 2012",
            confirm=False,
        ),
        # Red-flag trigger. Source: brief marks "about 2 kg in a week" as confirm.
        Configurable("weight_gain_kg_week", "Weight gain that counts as rapid", 2, "kg in a week", BRIEF),
        # Operational defaults, not clinical rules (the brief gives none).
        Configurable(
            "milestone_early_days",
            "A result this many days before a milestone is assessed against it",
            15,
            "days",
            "clinic default: tests are drawn in a window around the milestone",
        ),
        Configurable("auth_reminder_days", "Remind before a prior authorisation expires", 30, "days", "clinic default"),
    ]
}

# Due-date windows (days before, days after) by monitoring kind. Operational defaults.
WINDOWS: dict[str, tuple[int, int]] = {
    "cbc_weekly": (2, 2),
    "cbc_fortnightly": (3, 3),
    "cbc": (7, 14),
    "liver": (7, 7),
    "liver_baseline": (14, 0),
    "qpcr": (14, 14),
    "qpcr_tfr": (7, 7),
    "imaging": (30, 30),
    "bone_marrow": (0, 14),
}

# Treatment-free remission (TFR) monitoring. Source: brief cadence table (ELN 2020).
# (first month, last month, every n months) counted from stopping imatinib.
TFR_QPCR_SEGMENTS = [(1, 6, 1), (8, 12, 2), (15, None, 3)]
TFR_RESTART_WEEKS = 4  # restart imatinib within 4 weeks of losing MMR

# TFR eligibility, shown only as met / not met; the oncologist decides. Source: ELN 2020 via the brief.
TFR_MIN_IMATINIB_YEARS = 5  # 4 for second-generation TKIs
TFR_MIN_DMR_YEARS = 2  # MR4 or better; ELN calls > 3 years of MR4 or > 2 years of MR4.5 optimal
TFR_TYPICAL_TRANSCRIPTS = ("e13a2", "e14a2", "e13a2_e14a2")


# --- GIST mutation status -----------------------------------------------------------------------
# Source: brief, "GIST — mutation status and imatinib". level: "danger" needs review before relying on imatinib.
@dataclass(frozen=True)
class GistMeaning:
    label: str
    meaning: str
    level: str  # "info" | "warning" | "danger"


GIST_FINDINGS: dict[str, GistMeaning] = {
    "kit_exon_11": GistMeaning("KIT exon 11", "Sensitive to imatinib; standard 400 mg.", "info"),
    "kit_exon_9": GistMeaning("KIT exon 9", "Less sensitive; 800 mg daily is standard in advanced disease.", "warning"),
    "kit_exon_13": GistMeaning("KIT exon 13", "Secondary-resistance site: refer to the oncologist.", "warning"),
    "kit_exon_17": GistMeaning("KIT exon 17", "Secondary-resistance site: refer to the oncologist.", "warning"),
    "kit_other": GistMeaning("KIT, other exon", "Discuss with the oncologist.", "info"),
    "pdgfra_d842v": GistMeaning(
        "PDGFRA exon 18 D842V",
        "Primary resistance: imatinib is not expected to work — review with the oncologist "
        "(avapritinib is the usual alternative).",
        "danger",
    ),
    "pdgfra_exon_18_other": GistMeaning("PDGFRA exon 18, other", "Mostly sensitive to imatinib.", "info"),
    "pdgfra_exon_12": GistMeaning("PDGFRA exon 12", "Mostly sensitive to imatinib.", "info"),
    "pdgfra_exon_14": GistMeaning("PDGFRA exon 14", "Mostly sensitive to imatinib.", "info"),
    "wild_type_sdh": GistMeaning("Wild-type, SDH-deficient", "Poor imatinib benefit: flag for review.", "danger"),
    "wild_type_nf1": GistMeaning("Wild-type, NF1-related", "Poor imatinib benefit: flag for review.", "danger"),
    "wild_type_other": GistMeaning("Wild-type, other", "Poor imatinib benefit: flag for review.", "danger"),
}
GIST_EXON9_ADVANCED_DOSE_MG = 800

# --- Taking imatinib (patient-facing) -----------------------------------------------------------
# Source: brief, "Taking imatinib" (imatinib label).
TAKING_IMATINIB = [
    "Take it with a meal and a large glass of water, at the same time each day.",
    "Missed dose: take it when remembered unless the next dose is near; then skip it. Never take two doses together.",
    "Avoid grapefruit and its juice, and St John's wort.",
    "Tell the team about every other medicine, vitamin and herbal product.",
]


# --- Interactions -------------------------------------------------------------------------------
# Source: Glivec/Gleevec labels via the brief, "Interactions". Names are matched case-insensitively.
@dataclass(frozen=True)
class Interaction:
    key: str
    group: str
    names: tuple[str, ...]
    effect: str
    advice: str
    confirm: bool = False


INTERACTIONS: list[Interaction] = [
    Interaction(
        "cyp3a4_inhibitor",
        "Strong CYP3A4 inhibitor",
        (
            "ketoconazole",
            "itraconazole",
            "posaconazole",
            "voriconazole",
            "clarithromycin",
            "ritonavir",
            "cobicistat",
            "grapefruit",
        ),
        "Raises imatinib levels (ketoconazole: AUC +40 %).",
        "Avoid, or watch closely for toxicity.",
    ),
    Interaction(
        "cyp3a4_inducer",
        "Strong CYP3A4 inducer",
        ("rifampicin", "rifampin", "carbamazepine", "phenytoin", "phenobarbital", "dexamethasone"),
        "Lowers imatinib levels (rifampicin: AUC −74 %).",
        "Avoid; the oncologist may raise the dose if it cannot be avoided.",
    ),
    Interaction(
        "st_johns_wort",
        "St John's wort",
        ("st john's wort", "st johns wort", "st. john's wort", "hypericum"),
        "Lowers imatinib (AUC −30 %).",
        "Avoid.",
    ),
    Interaction(
        "warfarin",
        "Warfarin",
        ("warfarin",),
        "Imatinib raises CYP2C9/3A4 substrates; bleeding risk.",
        "The label tells patients not to combine: the oncologist to choose another anticoagulant.",
        confirm=True,
    ),
    Interaction(
        "paracetamol",
        "Paracetamol (acetaminophen), long-term",
        ("paracetamol", "acetaminophen"),
        "Liver injury reported.",
        "Limit it; tell the team.",
    ),
    Interaction(
        "narrow_cyp3a4_substrate",
        "Narrow-range CYP3A4 substrate",
        ("simvastatin", "ciclosporin", "cyclosporine", "pimozide"),
        "Raised levels (simvastatin: AUC × 3.5).",
        "Review the dose.",
    ),
    Interaction(
        "levothyroxine", "Levothyroxine after thyroidectomy", ("levothyroxine",), "May need more.", "Check TSH."
    ),
]


# --- Lab-based holds ----------------------------------------------------------------------------
# Source: imatinib label via the brief; CTCAE v5 grades. Guidance to the oncologist, never automatic.
@dataclass(frozen=True)
class LabHold:
    key: str
    finding: str
    grade: str
    guidance: str


LAB_HOLDS: dict[str, LabHold] = {
    "anc": LabHold("anc", "Neutrophils (ANC) < 1.0 × 10⁹/L", "≥ 3 (grade 2 is 1.0–< 1.5)", "Hold until ≥ 1.5."),
    "platelets": LabHold("platelets", "Platelets < 50 × 10⁹/L", "≥ 3 (grade 2 is 50–< 75)", "Hold until ≥ 75."),
    "transaminase": LabHold(
        "transaminase",
        "ALT/AST > 5 × upper limit of normal",
        "≥ 3 (1: > 1–3 ×, 2: > 3–5 ×, 4: > 20 ×)",
        "Hold until < 2.5 ×.",
    ),
    "bilirubin": LabHold("bilirubin", "Bilirubin > 3 × upper limit of normal", "≥ 3", "Hold until < 1.5 ×."),
}
ANC_HOLD_BELOW = D("1.0")
PLATELETS_HOLD_BELOW = D("50")
TRANSAMINASE_HOLD_ABOVE_ULN = D("5")
BILIRUBIN_HOLD_ABOVE_ULN = D("3")
# Resuming after a hold is usually at a reduced dose (mg/day).
REDUCED_DOSE_AFTER_HOLD: dict[int, int] = {400: 300, 600: 400, 800: 600}
DIARRHOEA_GRADES_TEXT = "Diarrhoea: grade 1 < 4, grade 2 4–6, grade 3 ≥ 7 stools a day over baseline."


# --- Symptoms and red flags ---------------------------------------------------------------------
# Source: brief, "Side effects and escalation". Red flags create an urgent task immediately.
@dataclass(frozen=True)
class Symptom:
    key: str
    label: str
    red_flag: bool = False
    why: str = ""


SYMPTOMS: list[Symptom] = [
    Symptom("nausea", "Nausea"),
    Symptom("vomiting", "Vomiting"),
    Symptom("diarrhoea", "Diarrhoea"),
    Symptom("swelling_mild", "Fluid retention, swelling around the eyes or ankles"),
    Symptom("muscle_cramps", "Muscle cramps"),
    Symptom("bone_joint_pain", "Bone or joint pain"),
    Symptom("rash", "Rash"),
    Symptom("tiredness", "Tiredness"),
    Symptom("abdominal_pain", "Abdominal pain"),
    Symptom(
        "rapid_weight_gain",
        "Rapid weight gain or sudden swelling",
        True,
        "fluid retention (about 2 kg in a week is the trigger; confirm)",
    ),
    Symptom("shortness_of_breath", "Shortness of breath", True, "fluid retention"),
    Symptom("fever_infection", "Fever or signs of infection", True, "low neutrophils"),
    Symptom("bleeding_bruising", "Unusual bleeding or bruising", True, "low platelets"),
    Symptom("black_stools", "Black stools", True, "GI bleeding"),
    Symptom("jaundice", "Yellow skin or eyes", True, "liver"),
    Symptom("dark_urine", "Dark urine", True, "liver"),
    Symptom("severe_rash", "Severe rash or blistering", True, "skin"),
    Symptom("chest_pain", "Chest pain", True, "cardiac"),
    Symptom("fainting", "Fainting", True, "cardiac"),
    Symptom("other", "Other"),
]
SYMPTOMS_BY_KEY: dict[str, Symptom] = {s.key: s for s in SYMPTOMS}
URGENT_GRADE = 3  # "any symptom graded 3 or higher"
GRADE_MEANINGS: dict[int, str] = {
    1: "1 — mild",
    2: "2 — moderate, limits some activities",
    3: "3 — severe, limits self-care",
    4: "4 — life-threatening",
    5: "5 — death",
}
RED_FLAG_PATIENT_ADVICE = "Please call the clinic now."
