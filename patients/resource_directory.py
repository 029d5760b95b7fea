"""The resources directory the clinic starts with. Source: the domain brief, "Resources directory".

Loaded into production by migration 0005 and again (idempotently) by `seed_resources` / `seed_demo`;
after that admins edit the directory in the console, and seeding never overwrites their edits.
"""

from typing import Any

# (name, category, description, url)
RESOURCE_DIRECTORY: list[tuple[str, str, str, str]] = [
    (
        "Patient Advocate Foundation",
        "financial",
        "Case management and financial aid for patients with chronic and life-threatening illness.",
        "https://www.patientadvocate.org/",
    ),
    (
        "Medicine Assistance Tool",
        "financial",
        "Search engine for manufacturer assistance programmes (successor of the Partnership for Prescription "
        "Assistance).",
        "https://medicineassistancetool.org/",
    ),
    (
        "Cancer Support Community — financial navigation",
        "financial",
        "Help understanding treatment costs and finding financial resources.",
        "https://www.cancersupportcommunity.org/",
    ),
    (
        "Drug maker's patient assistance programme (imatinib)",
        "financial",
        "The manufacturer's assistance programme for imatinib; check eligibility with the patient.",
        "",
    ),
    (
        "American Cancer Society",
        "education",
        "Information and support for people with cancer and their families.",
        "https://www.cancer.org/",
    ),
    (
        "The Leukemia & Lymphoma Society",
        "support",
        "Support, education and financial help for people with blood cancers (CML, ALL).",
        "https://www.lls.org/",
    ),
    ("Cancer.Net", "education", "Oncologist-approved patient information (ASCO).", "https://www.cancer.net/"),
    ("Free consult with a clinic expert", "clinic", "A free consult with one of the clinic's experts.", ""),
    (
        "Nutrition counselling",
        "nutrition",
        "The clinic's nutrition counselling, including eating well on imatinib.",
        "",
    ),
    (
        "Financial counselling",
        "insurance",
        "The clinic's financial counselling: insurance, prior authorisations and assistance applications.",
        "",
    ),
    ("WhatsApp expert line", "clinic", "Message a clinic expert on WhatsApp.", ""),
]


def ensure_resources(resource_model: Any) -> int:
    """Create missing directory entries by name; never changes existing ones. Returns how many were added."""
    existing = set(resource_model.objects.values_list("name", flat=True))
    missing = [
        resource_model(name=name, category=category, description=description, url=url)
        for name, category, description, url in RESOURCE_DIRECTORY
        if name not in existing
    ]
    resource_model.objects.bulk_create(missing)
    return len(missing)
