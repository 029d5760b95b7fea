"""Small guide content in GUIDE_SCHEMA.md's shape, for tests only (never the real guide/content)."""

from types import SimpleNamespace

SOURCES = [{"title": "Imatinib leaflet", "publisher": "Test Publisher", "url": "https://example.org/imatinib"}]

EVERY_BLOCK = [
    (
        "text",
        '<h2>Every day</h2><p>Take it <strong>with food</strong>. See <a href="/missed-doses/">missed doses</a>.</p>',
    ),
    ("urgency", {"level": "emergency", "heading": "Go now", "items": ["Black stools", "Trouble breathing"]}),
    ("urgency", {"level": "call_today", "heading": "Call today", "items": ["Fever of 38 °C or more"]}),
    ("urgency", {"level": "next_visit", "heading": "Next visit", "items": ["Mild puffy eyes"]}),
    ("do_dont", {"do": ["Take it with a meal"], "dont": ["Drink grapefruit juice"]}),
    ("expander", {"title": "Why with food?", "body": "<p>It is kinder to your stomach.</p>"}),
    ("table", {"caption": "When to take it", "header": ["Dose", "Time"], "rows": [["400 mg", "Breakfast"]]}),
    ("faq", [{"question": "Can I drink tea?", "answer": "<p>Yes, in normal amounts.</p>"}]),
    ("book_consult", {"topic": "treatment_question", "text": "Questions about how you take it?"}),
    ("message_expert", {"text": "Quick question? Message us."}),
    ("resources", {"categories": ["financial", "support"]}),
]

EN = SimpleNamespace(
    LANDING={
        "title": "Imatinib: a guide for patients and families",
        "intro": "Imatinib is a daily tablet for CML and GIST. This guide is for patients and families.",
        "search_description": "A plain guide to imatinib.",
        "faqs": [{"question": "Is the consult free?", "answer": "<p>Yes, it is free.</p>"}],
    },
    PAGES=[
        {
            "slug": "how-to-take-imatinib",
            "title": "How to take imatinib",
            "summary": "Take it with food at the same time each day.",
            "topic": "treatment_question",
            "sources": SOURCES,
            "body": EVERY_BLOCK,
        },
        {
            "slug": "missed-doses",
            "title": "Missed doses",
            "summary": "What to do if you forget a dose.",
            "topic": "treatment_question",
            "sources": SOURCES,
            "body": [("text", "<p>Do not take two doses to make up for a missed one.</p>")],
        },
    ],
)

HI = SimpleNamespace(
    LANDING={
        "title": "इमैटिनिब: मरीज़ों और परिवारों के लिए गाइड",
        "intro": "इमैटिनिब CML और GIST की रोज़ की गोली है।",
        "search_description": "इमैटिनिब की आसान गाइड।",
        "faqs": [{"question": "क्या सलाह मुफ़्त है?", "answer": "<p>हाँ, मुफ़्त है।</p>"}],
    },
    PAGES=[
        {
            "slug": "how-to-take-imatinib",
            "title": "इमैटिनिब कैसे लें",
            "summary": "इसे रोज़ एक ही समय पर खाने के साथ लें।",
            "topic": "treatment_question",
            "sources": SOURCES,
            "body": [
                ("text", "<p>इसे <strong>खाने के साथ</strong> लें।</p>"),
                ("book_consult", {"topic": "treatment_question", "text": "दवा लेने के बारे में सवाल?"}),
                ("faq", [{"question": "क्या मैं चाय पी सकता हूँ?", "answer": "<p>हाँ।</p>"}]),
            ],
        },
        {
            "slug": "missed-doses",
            "title": "छूटी हुई खुराक",
            "summary": "खुराक भूल जाएँ तो क्या करें।",
            "topic": "treatment_question",
            "sources": SOURCES,
            "body": [("text", "<p>छूटी खुराक की भरपाई के लिए दो खुराक न लें।</p>")],
        },
    ],
)

CONTENT = {"en": EN, "hi": HI}
