"""The patient guide in English, written for this clinic from shared/domain.md and the sources it names.

Plain words for a reading age of about 11-12 (tests/guide_content holds every page at grade 8 or below).
Every dose, milestone, red flag, interaction and test interval comes from shared/domain.md; where that
file marks a value "confirm", the page says the doctor will tell the reader instead of giving a number.
Money-help entries are marked "check before publishing" in domain.md: the financial counsellor confirms
them in the clinical-review step before the page goes live.
"""

# Long lines are sentences a reader sees; splitting them mid-sentence would make editing harder.
# ruff: noqa: E501

# Sources, as named in shared/domain.md; the links are the publishers' own pages (DOIs for papers).
_FDA_LABEL = {
    "title": "Gleevec (imatinib mesylate) tablets: US prescribing information",
    "publisher": "U.S. Food and Drug Administration (Drugs@FDA)",
    "url": "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm?event=overview.process&varApplNo=021588",
}
_EMA_GLIVEC = {
    "title": "Glivec (imatinib): summary of product characteristics and package leaflet",
    "publisher": "European Medicines Agency",
    "url": "https://www.ema.europa.eu/en/medicines/human/EPAR/glivec",
}
_ELN_2020 = {
    "title": "European LeukemiaNet 2020 recommendations for treating chronic myeloid leukemia (Hochhaus et al.)",
    "publisher": "Leukemia, 2020; 34: 966-984",
    "url": "https://doi.org/10.1038/s41375-020-0776-2",
}
_IRIS_2017 = {
    "title": "Long-term outcomes of imatinib treatment for chronic myeloid leukemia (IRIS, Hochhaus et al.)",
    "publisher": "New England Journal of Medicine, 2017",
    "url": "https://doi.org/10.1056/NEJMoa1609324",
}
_SSG_XVIII = {
    "title": "One vs three years of adjuvant imatinib for operable GIST (SSG XVIII/AIO, Joensuu et al.)",
    "publisher": "JAMA, 2012",
    "url": "https://doi.org/10.1001/jama.2012.347",
}
_Z9001 = {
    "title": "Adjuvant imatinib after resection of localised, primary GIST (ACOSOG Z9001, DeMatteo et al.)",
    "publisher": "The Lancet, 2009",
    "url": "https://doi.org/10.1016/S0140-6736(09)60500-6",
}
_CTRI = {
    "title": "Clinical Trials Registry - India (CTRI)",
    "publisher": "Indian Council of Medical Research",
    "url": "https://ctri.nic.in",
}
_CLINICALTRIALS_GOV = {
    "title": "ClinicalTrials.gov",
    "publisher": "U.S. National Library of Medicine",
    "url": "https://clinicaltrials.gov",
}
_PMJAY = {
    "title": "Ayushman Bharat Pradhan Mantri Jan Arogya Yojana (PM-JAY)",
    "publisher": "National Health Authority, Government of India",
    "url": "https://pmjay.gov.in",
}
_CML_ADVOCATES = {
    "title": "CML Advocates Network",
    "publisher": "CML Advocates Network",
    "url": "https://www.cmladvocates.net",
}
_LIFE_RAFT = {
    "title": "The Life Raft Group",
    "publisher": "The Life Raft Group",
    "url": "https://liferaftgroup.org",
}


def _consult(topic: str, text: str) -> tuple[str, dict]:
    return ("book_consult", {"topic": topic, "text": text})


def _expert(text: str) -> tuple[str, dict]:
    return ("message_expert", {"text": text})


LANDING: dict = {
    "title": "Imatinib: a guide for patients and families",
    "intro": (
        "Imatinib is a tablet that treats some types of cancer, such as CML and GIST. "
        "It blocks the signal that makes the cancer cells grow. "
        "This guide explains how to take it, what to watch for, and where to get help."
    ),
    "search_description": (
        "Plain-language guide to imatinib for CML and GIST: how to take it, side effects, tests, "
        "diet, money help and when to call the clinic."
    ),
    "faqs": [
        {
            "question": "How do I take imatinib?",
            "answer": (
                "<p>Take it by mouth with a meal and a large glass of water. Take it at the same time each day. "
                'Read <a href="/how-to-take-imatinib/">how to take imatinib</a>.</p>'
            ),
        },
        {
            "question": "What if I forget a dose?",
            "answer": (
                "<p>Take it when you remember. If your next dose is nearly due, skip the one you missed. "
                'Never take two doses at once. See <a href="/missed-doses/">missed doses</a>.</p>'
            ),
        },
        {
            "question": "When should I call for help?",
            "answer": (
                "<p>For chest pain, fainting or very bad trouble breathing, call 112 now. "
                "Call the clinic now for fever, bleeding, yellow skin, fast weight gain or a bad rash. "
                'See <a href="/when-to-get-help/">when to get help</a>.</p>'
            ),
        },
        {
            "question": "Can I eat grapefruit?",
            "answer": (
                "<p>No. Grapefruit and its juice change the amount of imatinib in your blood. "
                'See <a href="/interactions-food-and-supplements/">medicines, food and herbs</a>.</p>'
            ),
        },
        {
            "question": "How do I know if the medicine is working?",
            "answer": (
                "<p>You will have regular blood tests. In CML, a test called BCR::ABL1 shows how much "
                "leukaemia is left. In GIST, scans show the tumour. "
                'See <a href="/tests-and-monitoring/">tests and monitoring</a>.</p>'
            ),
        },
        {
            "question": "Can I get help to pay for my medicine?",
            "answer": (
                "<p>Yes, there are schemes that may help. Our financial counsellor can check what you can get. "
                'See <a href="/financial-help-and-insurance/">money help and insurance</a>.</p>'
            ),
        },
    ],
}


PAGES: list[dict] = [
    {
        "slug": "understanding-imatinib",
        "title": "Understanding imatinib",
        "summary": "What imatinib is, how it works, which cancers it treats and what to expect.",
        "topic": "new_diagnosis",
        "sources": [_FDA_LABEL, _IRIS_2017],
        "body": [
            (
                "text",
                "<p>Imatinib is a cancer medicine. It comes as a tablet that you swallow. "
                "Most people take it at home, once a day.</p>"
                "<h2>How does it work?</h2>"
                "<p>Cancer cells grow because a faulty signal tells them to keep growing. "
                "Imatinib blocks that signal. This is why it is called a <strong>targeted</strong> medicine. "
                "Doctors also call it a TKI, which is short for tyrosine kinase inhibitor.</p>"
                "<p>Because it aims at the faulty signal, imatinib works in a different way from drip chemotherapy.</p>"
                "<h2>What does it treat?</h2>"
                "<ul>"
                '<li><a href="/cml-and-the-philadelphia-chromosome/">CML</a>, a blood cancer '
                "(chronic myeloid leukaemia).</li>"
                '<li><a href="/gist-kit-and-pdgfra/">GIST</a>, a tumour in the wall of the gut.</li>'
                "<li>A type of acute leukaemia that has the Philadelphia chromosome (Ph+ ALL). "
                "Here it is given with chemotherapy.</li>"
                "<li>A rare skin cancer called DFSP.</li>"
                "</ul>",
            ),
            (
                "table",
                {
                    "caption": "Usual daily dose for adults (your doctor sets your own dose)",
                    "header": ["Condition", "Usual dose"],
                    "rows": [
                        ["CML, early (chronic) phase", "400 mg once a day"],
                        ["CML, later phases", "600 mg a day, or 400 mg twice a day"],
                        ["Ph+ ALL, with chemotherapy", "600 mg a day"],
                        ["GIST", "400 mg a day. Some people need 400 mg twice a day."],
                        ["DFSP", "400 mg twice a day"],
                    ],
                },
            ),
            (
                "text",
                "<p>Children take a dose based on their size. The doctor works it out.</p>"
                "<h2>Does it work?</h2>"
                "<p>Imatinib was approved in the USA in 2001 for CML and in 2002 for GIST. "
                "In a large study, people with CML in the early (chronic) phase took imatinib as their first treatment. "
                "After 10 years, about 83 in every 100 of them were alive.</p>"
                "<p>Most people take imatinib for a long time. Your doctor will tell you how long you need it. "
                "Do not stop taking it unless your doctor tells you to.</p>",
            ),
            (
                "expander",
                {
                    "title": "Brand names and generic imatinib",
                    "body": "<p>Imatinib is sold under many names. The first brand was Glivec (Gleevec in the USA). "
                    "In India, many companies make generic imatinib. Tell the team if your tablets ever look different, "
                    "so they can check the dose is the same.</p>",
                },
            ),
            _consult("new_diagnosis", "Just been told you need imatinib? Talk it through with us for free."),
            _expert("Have a question about your new medicine? Send it to our team."),
        ],
    },
    {
        "slug": "cml-and-the-philadelphia-chromosome",
        "title": "CML and the Philadelphia chromosome",
        "summary": "What chronic myeloid leukaemia is, what the Philadelphia chromosome means, and how imatinib helps.",
        "topic": "new_diagnosis",
        "sources": [_ELN_2020, _FDA_LABEL],
        "body": [
            (
                "text",
                "<p>CML stands for chronic myeloid leukaemia. It is a cancer of the blood. "
                "It starts in the bone marrow, the soft part inside your bones where blood is made.</p>"
                "<p>In CML, the marrow makes too many white blood cells. Many of them do not work well.</p>"
                "<h2>What is the Philadelphia chromosome?</h2>"
                "<p>Each cell has a set of chromosomes. They carry your genes, like a recipe book for the cell.</p>"
                "<p>In CML, a piece of chromosome 9 and a piece of chromosome 22 swap places. "
                "The changed chromosome 22 is called the Philadelphia chromosome, or Ph for short. "
                "It was named after the city where it was found.</p>"
                "<p>The swap joins two genes, called BCR and ABL1. Together they make a new gene, "
                "written <strong>BCR::ABL1</strong>. This gene sends a signal that is always on. "
                "The signal tells the marrow to keep making white cells.</p>"
                "<p>Imatinib blocks this signal. Then the blood can slowly go back to normal.</p>",
            ),
            (
                "expander",
                {
                    "title": "Did I get CML from my parents? Can my children get it?",
                    "body": "<p>No. The Philadelphia chromosome forms during your life, in your blood cells only. "
                    "You were not born with it, and you cannot pass it on to your children. "
                    "You cannot catch CML from anyone, and no one can catch it from you.</p>",
                },
            ),
            (
                "text",
                "<h2>The three phases of CML</h2>"
                "<ul>"
                "<li><strong>Chronic phase.</strong> This is the early phase. The usual dose is 400 mg once a day.</li>"
                "<li><strong>Accelerated phase.</strong> The disease is growing faster.</li>"
                "<li><strong>Blast phase.</strong> The disease acts more like an acute leukaemia.</li>"
                "</ul>"
                "<p>In the later phases, the dose is often higher. Your doctor will tell you your phase and dose.</p>"
                "<h2>How is CML found and checked?</h2>"
                "<ul>"
                "<li>A full blood count (CBC) counts your blood cells.</li>"
                "<li>A bone marrow test looks for the Philadelphia chromosome.</li>"
                "<li>A blood test called BCR::ABL1 PCR measures the faulty gene. "
                "This test is repeated to see how well imatinib works.</li>"
                "</ul>"
                '<p>Read more in <a href="/tests-and-monitoring/">tests and monitoring</a> and '
                '<a href="/genetic-testing/">genetic testing explained</a>.</p>',
            ),
            _consult("new_diagnosis", "Newly told you have CML? Book a free talk with our team."),
            _expert("Not sure what your report says? Send us your question."),
        ],
    },
    {
        "slug": "gist-kit-and-pdgfra",
        "title": "GIST and the KIT and PDGFRA genes",
        "summary": "What a GIST is, why the KIT and PDGFRA genes matter, and how imatinib is used before or after surgery.",
        "topic": "new_diagnosis",
        "sources": [_SSG_XVIII, _Z9001, _FDA_LABEL],
        "body": [
            (
                "text",
                "<p>GIST stands for gastrointestinal stromal tumour. It is a tumour that grows in the wall of the gut. "
                "It can grow in the stomach, the small or large bowel, the food pipe or the back passage.</p>"
                "<h2>Why do genes matter in GIST?</h2>"
                "<p>Most GISTs have a change in a gene called <strong>KIT</strong>. "
                "This is true for about 80 to 85 in every 100 GISTs. "
                "About 10 to 15 in every 100 have a change in a gene called <strong>PDGFRA</strong> instead.</p>"
                "<p>These changes switch on a growth signal. Imatinib blocks this signal. "
                "But it works better for some changes than others. "
                "So the tumour is tested for these changes before you start.</p>",
            ),
            (
                "table",
                {
                    "caption": "What the gene test can mean for imatinib",
                    "header": ["Test result", "What it usually means"],
                    "rows": [
                        [
                            "KIT exon 11 (the most common, about 2 in 3)",
                            "Imatinib works well. Usual dose 400 mg a day.",
                        ],
                        [
                            "KIT exon 9",
                            "Imatinib works less well. In advanced GIST the dose is often 400 mg twice a day.",
                        ],
                        [
                            "PDGFRA D842V",
                            "Imatinib is not expected to work. Your doctor will talk about another medicine.",
                        ],
                        ["Other PDGFRA changes", "Imatinib mostly works."],
                        [
                            "No KIT or PDGFRA change (wild type)",
                            "Imatinib helps less. Your doctor will look at other choices.",
                        ],
                    ],
                },
            ),
            (
                "text",
                "<h2>Imatinib after surgery</h2>"
                "<p>Surgery is often the main treatment for GIST. Some GISTs have a high chance of coming back. "
                "Then you may take imatinib after surgery to lower that chance.</p>"
                "<p>In a large study, one year of imatinib after surgery lowered the chance of the GIST coming back. "
                "Another study looked at high-risk GIST. Three years of imatinib worked better than one year. "
                "After 5 years, 92 in 100 people who took it for three years were alive. "
                "This was 82 in 100 for one year.</p>"
                "<p>So for high-risk GIST, the usual plan is 400 mg a day for 3 years.</p>"
                "<h2>Imatinib for GIST that has spread</h2>"
                "<p>If the GIST cannot be removed, or has spread, imatinib is used to control it. "
                "Your doctor will tell you how long to take it.</p>",
            ),
            _consult("new_diagnosis", "Have GIST and questions about surgery or imatinib? Book a free talk."),
            _expert("Got your gene test result? Ask us what it means."),
        ],
    },
    {
        "slug": "how-to-take-imatinib",
        "title": "How to take imatinib",
        "summary": "Take imatinib with a meal and a large glass of water, at the same time each day. Tips if tablets are hard to swallow.",
        "topic": "treatment_question",
        "sources": [_FDA_LABEL, _EMA_GLIVEC],
        "body": [
            (
                "text",
                "<p>Take imatinib exactly as your doctor tells you. Your dose is on your prescription.</p>"
                "<h2>Every day</h2>"
                "<ul>"
                "<li>Take it by mouth <strong>with a meal</strong>. This helps protect your stomach.</li>"
                "<li>Drink <strong>a large glass of water</strong> with it.</li>"
                "<li>Take it at <strong>the same time each day</strong>.</li>"
                "<li>Swallow the tablet whole.</li>"
                "</ul>"
                "<p>If your dose is 800 mg, you take 400 mg twice a day. "
                "Take one with breakfast and one with your evening meal.</p>",
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Set an alarm on your phone to remind you.",
                        "Use a pill box with the days of the week.",
                        "Get your next supply before you run out.",
                        "Tell every doctor, dentist and chemist that you take imatinib.",
                    ],
                    "dont": [
                        "Do not stop or change your dose on your own.",
                        "Do not take two doses together.",
                        "Do not take it with grapefruit juice.",
                        "Do not touch crushed tablets with bare skin.",
                    ],
                },
            ),
            (
                "expander",
                {
                    "title": "If you cannot swallow the tablets",
                    "body": "<p>You can mix the tablets into a drink. Use plain water or apple juice.</p>"
                    "<ul>"
                    "<li>For each 100 mg tablet, use about 50 mL of drink.</li>"
                    "<li>For each 400 mg tablet, use about 200 mL of drink.</li>"
                    "<li>Stir until the tablets break up.</li>"
                    "<li>Drink it all straight away.</li>"
                    "</ul>"
                    "<p>Try not to get the crushed tablet on your skin. If you do, wash it off with soap and water.</p>",
                },
            ),
            (
                "text",
                "<h2>Missed a dose?</h2>"
                '<p>See <a href="/missed-doses/">missed doses</a>. Never take a double dose.</p>'
                "<h2>Can I drive?</h2>"
                "<p>Imatinib can make some people dizzy or sleepy, or blur their sight. "
                "If this happens to you, do not drive or use machines.</p>",
            ),
            _consult("treatment_question", "Questions about how to take your tablets? Book a free talk."),
            _expert("Quick question about your dose? Message our team."),
        ],
    },
    {
        "slug": "missed-doses",
        "title": "Missed doses",
        "summary": "What to do if you forget a dose of imatinib, and simple ways to remember.",
        "topic": "treatment_question",
        "sources": [_FDA_LABEL, _EMA_GLIVEC],
        "body": [
            (
                "text",
                "<p>Everyone forgets a dose now and then. Here is what to do.</p>"
                "<h2>If you forget a dose</h2>"
                "<ol>"
                "<li>Take it as soon as you remember, with some food.</li>"
                "<li>If it is nearly time for your next dose, skip the one you missed.</li>"
                "<li>Then take your next dose at the usual time.</li>"
                "</ol>"
                "<p><strong>Never take two doses at once</strong> to make up for a missed one.</p>"
                "<p>If you are not sure what to do, call the clinic or send us a message.</p>",
            ),
            (
                "text",
                "<h2>Why each dose matters</h2>"
                "<p>Imatinib works best when there is a steady amount in your body. "
                "Missing doses often may make it work less well. "
                "If you miss doses often, tell the team. We can help you find a way that works.</p>",
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Take it at the same time as a daily habit, like a meal.",
                        "Set a phone alarm.",
                        "Keep a simple chart and tick each dose.",
                        "Ask a family member to remind you.",
                        "Tell the team if cost makes it hard to keep taking it.",
                    ],
                    "dont": [
                        "Do not take an extra dose to catch up.",
                        "Do not stop your tablets because you feel well.",
                    ],
                },
            ),
            (
                "expander",
                {
                    "title": "If you took too much by mistake",
                    "body": "<p>Call the clinic now and say how much you took. "
                    "If you feel very unwell, call 112 or go to the nearest hospital.</p>",
                },
            ),
            (
                "expander",
                {
                    "title": "If you are sick (vomit) after a dose",
                    "body": "<p>Do not take another tablet unless the team tells you to. "
                    "Call the clinic to ask what to do. Tell us if it keeps happening.</p>",
                },
            ),
            _consult("treatment_question", "Finding it hard to keep to your doses? Book a free talk."),
            _expert("Missed a dose and not sure what to do? Message us."),
        ],
    },
    {
        "slug": "interactions-food-and-supplements",
        "title": "Other medicines, food and herbs",
        "summary": "Some medicines, fruit juices and herbs change how imatinib works. Learn what to avoid and who to tell.",
        "topic": "treatment_question",
        "sources": [_FDA_LABEL, _EMA_GLIVEC],
        "body": [
            (
                "text",
                "<p>Some medicines and foods change the amount of imatinib in your blood. "
                "Too much can cause more side effects. Too little may not work. "
                "Imatinib can also change how some other medicines work.</p>"
                "<h2>Tell everyone who treats you</h2>"
                "<p>Tell the team about <strong>every</strong> medicine you take. This includes:</p>"
                "<ul>"
                "<li>medicines from a doctor or a chemist,</li>"
                "<li>vitamins and tonics,</li>"
                "<li>herbal, ayurvedic, homeopathic, unani or siddha products.</li>"
                "</ul>"
                "<p>Tell every doctor, dentist and chemist that you take imatinib, before they give you anything new.</p>",
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Show your list of medicines at every visit.",
                        "Ask the chemist before you buy anything new.",
                        "Tell the team if you often take paracetamol.",
                        "Ask your chemist if you are not sure about a fruit juice.",
                    ],
                    "dont": [
                        "Do not eat grapefruit or drink its juice.",
                        "Do not drink pomelo (chakotra), Seville orange or starfruit juice.",
                        "Do not take St John's wort, a herbal product for low mood.",
                        "Do not stop any medicine on your own. Ask first.",
                    ],
                },
            ),
            (
                "table",
                {
                    "caption": "Medicines that need care with imatinib",
                    "header": ["Medicine", "What can happen", "What to do"],
                    "rows": [
                        [
                            "Some medicines for fungus infections (such as ketoconazole and itraconazole)",
                            "More imatinib in your blood",
                            "Avoid if you can, or the doctor watches you closely",
                        ],
                        [
                            "The antibiotic clarithromycin, and some HIV medicines",
                            "More imatinib in your blood",
                            "Avoid if you can, or the doctor watches you closely",
                        ],
                        [
                            "The TB medicine rifampicin",
                            "Much less imatinib in your blood",
                            "Avoid. Your doctor may change your dose.",
                        ],
                        [
                            "Some fits (epilepsy) medicines, and the steroid dexamethasone",
                            "Less imatinib in your blood",
                            "Avoid. Your doctor may change your dose.",
                        ],
                        [
                            "Warfarin, a blood thinner",
                            "Higher risk of bleeding",
                            "Tell your doctor before you take both. Your doctor may choose a different blood thinner.",
                        ],
                        [
                            "Paracetamol, taken for a long time",
                            "It can harm the liver",
                            "Take as little as you need, and tell the team",
                        ],
                        [
                            "Simvastatin, for cholesterol",
                            "Much more simvastatin in your blood",
                            "Your doctor may change the dose",
                        ],
                        [
                            "Thyroid tablets, if your thyroid was removed",
                            "You may need more",
                            "Your doctor will check your thyroid blood test",
                        ],
                    ],
                },
            ),
            (
                "expander",
                {
                    "title": "More medicine names for your doctor or chemist",
                    "body": "<p>These can raise imatinib levels: ketoconazole, itraconazole, posaconazole, "
                    "voriconazole, clarithromycin, ritonavir and cobicistat.</p>"
                    "<p>These can lower imatinib levels: rifampicin, carbamazepine, phenytoin, phenobarbital "
                    "and dexamethasone.</p>"
                    "<p>Imatinib can raise the levels of simvastatin, ciclosporin and pimozide.</p>",
                },
            ),
            (
                "text",
                '<p>Read about food in <a href="/diet-and-nutrition/">diet and nutrition</a>.</p>',
            ),
            _consult("treatment_question", "Starting a new medicine? Check it with us first, for free."),
            _expert("Want to check a medicine or herb? Send us its name."),
        ],
    },
    {
        "slug": "storage-and-disposal",
        "title": "Storing and getting rid of imatinib",
        "summary": "Keep imatinib cool, dry and in its pack, away from children. Take unused tablets back to a chemist.",
        "topic": "treatment_question",
        "sources": [_EMA_GLIVEC, _FDA_LABEL],
        "body": [
            (
                "text",
                "<p>Heat and damp can harm tablets. Store them with care so they keep working.</p>"
                "<h2>Where to keep your tablets</h2>",
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Keep the tablets below 30 °C.",
                        "Keep them in the pack they came in.",
                        "Keep them in a dry place.",
                        "Keep them where children cannot see or reach them.",
                        "Take the pack with you when you travel.",
                    ],
                    "dont": [
                        "Do not keep them near the stove or in a hot car.",
                        "Do not keep them in a damp bathroom.",
                        "Do not put old tablets in the bin or down the drain.",
                        "Do not share your tablets with anyone.",
                    ],
                },
            ),
            (
                "text",
                "<h2>When your home is hot</h2>"
                "<p>Many homes get hotter than 30 °C in summer. Keep the tablets in the coolest dry place you have. "
                "Ask your chemist if you are not sure where to keep them.</p>"
                "<h2>Getting rid of tablets you do not need</h2>"
                "<p>Take them back to a chemist or to the clinic. "
                "Do not throw them out with household waste. Do not flush them or pour them down a drain.</p>"
                "<h2>For family members and carers</h2>"
                "<p>If you help with the tablets, try not to touch crushed tablets. "
                "Wash your hands after you handle them.</p>",
            ),
            _consult("treatment_question", "Questions about keeping your tablets safe? Book a free talk."),
            _expert("Tablets got wet or too hot? Message us before you take them."),
        ],
    },
    {
        "slug": "side-effects",
        "title": "Side effects and what to do",
        "summary": "The common side effects of imatinib, simple ways to cope, and when a side effect needs a call.",
        "topic": "side_effects",
        "sources": [_FDA_LABEL, _EMA_GLIVEC],
        "body": [
            (
                "text",
                "<p>Most people get some side effects. The common ones are usually mild or moderate. "
                "Tell the team about any side effect. "
                "There is often a way to help.</p>"
                "<h2>Common side effects</h2>"
                "<ul>"
                "<li>Feeling sick (nausea) or being sick (vomiting)</li>"
                "<li>Loose stools (diarrhoea)</li>"
                "<li>Swelling, often around the eyes or ankles, from fluid in the body</li>"
                "<li>Muscle cramps</li>"
                "<li>Pain in the bones or joints</li>"
                "<li>Rash</li>"
                "<li>Feeling tired</li>"
                "<li>Belly pain</li>"
                "</ul>",
            ),
            (
                "table",
                {
                    "caption": "How bad is a side effect? Doctors use grades",
                    "header": ["Grade", "What it means"],
                    "rows": [
                        ["1", "Mild. You can do your normal things."],
                        ["2", "Moderate. It stops you doing some things."],
                        ["3", "Severe. You cannot look after yourself, like washing or dressing."],
                        ["4", "It could put your life in danger."],
                    ],
                },
            ),
            (
                "expander",
                {
                    "title": "Feeling sick",
                    "body": "<p>Always take imatinib with a meal and a large glass of water. "
                    "Eat small meals more often. Tell the team if you are sick and cannot keep food down.</p>",
                },
            ),
            (
                "expander",
                {
                    "title": "Loose stools (diarrhoea)",
                    "body": "<p>Drink plenty of safe water to replace what you lose.</p>"
                    "<p>If you have 4 to 6 more stools a day than normal, tell the clinic. "
                    "If you have 7 or more extra stools a day, call the clinic now.</p>",
                },
            ),
            (
                "expander",
                {
                    "title": "Swelling and weight",
                    "body": "<p>Imatinib can make your body hold on to water. "
                    "Weigh yourself often, on the same scale, at the same time of day. Write it down.</p>"
                    "<p>Puffy eyes in the morning are common. "
                    "Call the clinic now if your weight goes up fast, or if you swell up suddenly, "
                    "or if you get short of breath. Your doctor will tell you how much weight gain is too much.</p>",
                },
            ),
            (
                "expander",
                {
                    "title": "Cramps, aches and tiredness",
                    "body": "<p>Tell the team if they bother you. They can suggest ways to help. "
                    "Do not take painkillers every day without asking the team first.</p>",
                },
            ),
            (
                "text",
                "<h2>Effects you cannot feel</h2>"
                "<p>Imatinib can lower your blood counts. It can also affect your liver. "
                "You may not feel this, so you need regular blood tests. "
                'See <a href="/tests-and-monitoring/">tests and monitoring</a>.</p>'
                "<p>Sometimes the doctor pauses imatinib for a short time. "
                "Then you start again, often at a lower dose. Never do this on your own.</p>",
            ),
            (
                "urgency",
                {
                    "level": "call_today",
                    "heading": "Signs that need a call to the clinic now",
                    "items": [
                        "Fast weight gain, sudden swelling, or feeling short of breath",
                        "Fever, or other signs of an infection",
                        "Bleeding or bruising that is not normal for you, or black stools",
                        "Yellow skin or eyes, or dark urine",
                        "A bad rash, or blisters on your skin",
                    ],
                },
            ),
            (
                "text",
                '<p>See the full list in <a href="/when-to-get-help/">when to get help</a>.</p>',
            ),
            _consult("side_effects", "Side effects getting you down? Book a free talk about them."),
            _expert("Have a side effect you are not sure about? Message our team."),
        ],
    },
    {
        "slug": "when-to-get-help",
        "title": "When to get help",
        "summary": "Which signs need 112 now, which need a call to the clinic today, and which can wait for your next visit.",
        "topic": "side_effects",
        "sources": [_FDA_LABEL, _EMA_GLIVEC],
        "body": [
            (
                "text",
                "<p>Most side effects are mild. But some signs need help fast. "
                "Keep this page where you can find it. If you are not sure, call. It is better to ask.</p>",
            ),
            (
                "urgency",
                {
                    "level": "emergency",
                    "heading": "Signs of an emergency",
                    "items": [
                        "Chest pain",
                        "Fainting, or being very hard to wake",
                        "Very hard to breathe",
                        "Bleeding that will not stop",
                        "Any sign you feel could put your life in danger",
                    ],
                },
            ),
            (
                "text",
                "<p>112 is the number for all emergencies in India. "
                "In most states you can also call 108 for an ambulance. "
                "Tell the hospital that you take imatinib. Take your tablets or the pack with you.</p>",
            ),
            (
                "urgency",
                {
                    "level": "call_today",
                    "heading": "Signs that need a call to the clinic now",
                    "items": [
                        "Your weight goes up fast, or you get sudden swelling. Your doctor will tell you how much gain is too much.",
                        "You feel short of breath",
                        "A fever, or signs of an infection like chills, a sore throat, or pain when you pass urine",
                        "Bleeding or bruising that is not normal for you",
                        "Black stools",
                        "Yellow skin or yellow eyes",
                        "Dark urine",
                        "A bad rash, or blisters on your skin",
                        "Any side effect so bad that you cannot look after yourself",
                        "7 or more extra loose stools a day",
                    ],
                },
            ),
            (
                "urgency",
                {
                    "level": "next_visit",
                    "heading": "Things to tell us at your next visit",
                    "items": [
                        "Mild side effects you can cope with, such as puffy eyes or cramps",
                        "Feeling tired",
                        "Doses you have missed",
                        "Worries about cost, work or family",
                        "Plans for pregnancy, or questions about sex",
                    ],
                },
            ),
            (
                "text",
                "<p>A mild side effect that gets worse, or will not go away, needs a call. Do not wait.</p>"
                "<p>Before you start any new medicine, ask the team first. Do not wait for your visit.</p>",
            ),
            _consult("side_effects", "Want to plan what to do if you feel unwell? Book a free talk."),
            _expert("Not an emergency, but worried? Message our team."),
        ],
    },
    {
        "slug": "tests-and-monitoring",
        "title": "Tests and monitoring",
        "summary": "Why you need regular tests on imatinib, what BCR::ABL1 and MMR mean, the CML milestones, and scans for GIST.",
        "topic": "treatment_question",
        "sources": [_ELN_2020, _FDA_LABEL],
        "body": [
            (
                "text",
                "<p>Tests show if imatinib is working. They also find side effects early, before you feel them.</p>"
                "<h2>Blood tests for everyone on imatinib</h2>"
                "<ul>"
                "<li><strong>Full blood count (CBC).</strong> Every week in the first month. "
                "Every 2 weeks in the second month. After that, usually every 3 months.</li>"
                "<li><strong>Liver tests.</strong> Before you start. Then every month, "
                "or as often as your doctor says.</li>"
                "<li><strong>Kidney tests</strong>, from time to time.</li>"
                "<li><strong>Thyroid test (TSH)</strong>, if your thyroid was removed.</li>"
                "<li><strong>Your weight</strong>, often, to check for fluid.</li>"
                "</ul>"
                "<p>Children on imatinib also have their growth checked.</p>"
                "<p>Your doctor will tell you your own plan. You may need tests more often.</p>",
            ),
            (
                "text",
                "<h2>For CML: the BCR::ABL1 test</h2>"
                "<p>This blood test is also called a PCR test. It measures how much of the faulty BCR::ABL1 gene "
                "is in your blood. The result is a percent (%). <strong>Lower is better.</strong></p>"
                "<p>Labs report it on the International Scale (IS). So results from different labs can be compared.</p>"
                "<p>You usually have this test every 3 months. Once your result is low and steady, "
                "you may have it every 3 to 6 months.</p>"
                "<h3>What is MMR?</h3>"
                "<p>MMR means major molecular response. It means your result is 0.1% or lower. "
                "This is a key goal. It means the leukaemia is very well controlled.</p>"
                "<p>Some people go even lower. Doctors call this deep response. "
                "You may see it written as MR4 (0.01% or lower) or MR4.5 (0.0032% or lower).</p>",
            ),
            (
                "table",
                {
                    "caption": "CML milestones: BCR::ABL1 result by time since you started",
                    "header": [
                        "Time on imatinib",
                        "On track",
                        "Doctor will look closer",
                        "Doctor may change treatment",
                    ],
                    "rows": [
                        [
                            "3 months",
                            "10% or lower",
                            "Above 10%",
                            "Above 10% again on a repeat test 1 to 3 months later",
                        ],
                        ["6 months", "1% or lower", "Above 1%, up to 10%", "Above 10%"],
                        ["12 months", "0.1% or lower (MMR)", "Above 0.1%, up to 1%", "Above 1%"],
                        [
                            "After that",
                            "0.1% or lower",
                            "Above 0.1%, up to 1%, or you lose MMR",
                            "Above 1%, or the leukaemia changes so imatinib works less well",
                        ],
                    ],
                },
            ),
            (
                "text",
                "<p>If your result is in the middle column, you will have tests more often. "
                "One result is not the whole story. Your doctor looks at all of them together.</p>",
            ),
            (
                "expander",
                {
                    "title": "My result says undetectable. Is the leukaemia gone?",
                    "body": "<p>It means the test could not find the faulty gene in that sample. "
                    "This is very good news. But the lab also has to check enough cells for the result to count. "
                    "Your doctor will tell you what your result means. Keep taking your tablets.</p>",
                },
            ),
            (
                "text",
                "<h2>Bone marrow tests</h2>"
                "<p>These are done when CML is found. They may be done again if imatinib stops working well.</p>"
                "<h2>For GIST: scans</h2>"
                "<p>You will have CT or MRI scans of your belly and pelvis. How often depends on your GIST.</p>",
            ),
            (
                "table",
                {
                    "caption": "How often GIST scans are often done (your doctor sets your plan)",
                    "header": ["Your situation", "Scans"],
                    "rows": [
                        ["Very low risk", "Usually no regular scans"],
                        ["Low or middle risk", "Every 6 to 12 months, for 5 years"],
                        ["High risk, taking imatinib after surgery", "About every 6 months"],
                        [
                            "High risk, after you stop imatinib",
                            "Every 3 to 4 months for 2 years, then every 6 to 12 months up to year 10",
                        ],
                        [
                            "GIST that has spread, on imatinib",
                            "Every 3 to 6 months. The first check is at about 3 months.",
                        ],
                    ],
                },
            ),
            _consult("treatment_question", "Want your test results explained? Book a free talk."),
            _expert("Got a new result? Send us a question about it."),
        ],
    },
    {
        "slug": "genetic-testing",
        "title": "Genetic testing explained",
        "summary": "The gene tests done on the cancer cells in CML and GIST, what they look for, and why they guide treatment.",
        "topic": "new_diagnosis",
        "sources": [_ELN_2020, _SSG_XVIII, _FDA_LABEL],
        "body": [
            (
                "text",
                "<p>Gene tests look at changes in the cancer cells. "
                "These changes happened during your life. In most cases they are not passed down in families.</p>"
                "<p>The results help your doctor choose the right medicine and the right dose.</p>"
                "<h2>Tests in CML</h2>"
                "<ul>"
                "<li><strong>Chromosome test</strong> (karyotype or FISH). "
                "This looks for the Philadelphia chromosome. It is done on bone marrow or blood.</li>"
                "<li><strong>BCR::ABL1 PCR</strong>. This finds and measures the faulty gene. "
                "It also shows which type you have. The usual types are called e13a2 and e14a2.</li>"
                "<li><strong>Mutation test</strong>. If imatinib stops working well, this checks for changes "
                "that make the leukaemia resist it.</li>"
                "</ul>"
                "<h2>Tests in GIST</h2>"
                "<p>A piece of the tumour is tested for changes in the KIT and PDGFRA genes. "
                "This is done before you start medicine. The result shows how well imatinib is likely to work, "
                "and what dose you need.</p>"
                '<p>See what each result means in <a href="/gist-kit-and-pdgfra/">GIST and the KIT and PDGFRA genes</a>.</p>'
                "<p>Some GISTs have no change in KIT or PDGFRA. Doctors call these wild type. "
                "Your doctor may suggest more tests.</p>",
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Ask for a copy of every test report.",
                        "Keep your reports in one file, in date order.",
                        "Ask what each result means for you.",
                    ],
                    "dont": [
                        "Do not compare your numbers with other people. Each case is different.",
                        "Do not change your tablets because of a result. Talk to your doctor.",
                    ],
                },
            ),
            _consult("new_diagnosis", "Want help to understand your gene test? Book a free talk."),
            _expert("Have a report you do not understand? Message us."),
        ],
    },
    {
        "slug": "pregnancy-fertility-and-breastfeeding",
        "title": "Pregnancy, fertility and breastfeeding",
        "summary": "Imatinib can harm an unborn baby. What to know about birth control, planning a family, and breastfeeding.",
        "topic": "treatment_question",
        "sources": [_FDA_LABEL, _EMA_GLIVEC],
        "body": [
            (
                "text",
                "<h2>For women</h2>"
                "<p>Imatinib can harm an unborn baby. If you could get pregnant:</p>"
                "<ul>"
                "<li>use birth control that works well while you take imatinib,</li>"
                "<li>keep using it for 14 days after your last dose.</li>"
                "</ul>"
                "<p>Ask the team which kind of birth control is best for you.</p>"
                "<p>If you think you are pregnant, call the clinic straight away. "
                "Do not stop your tablets before you talk to your doctor.</p>"
                "<p>If you want a baby in the future, talk to your doctor first. "
                "They can help you plan.</p>"
                "<h2>Breastfeeding</h2>"
                "<p>Do not breastfeed while you take imatinib. "
                "Also do not breastfeed for 1 month after your last dose.</p>"
                "<h2>For men</h2>"
                "<p>We do not know much about how imatinib affects men's fertility. "
                "Before you start, talk to your doctor. Ask about storing sperm (sperm banking) "
                "if you want children later.</p>",
            ),
            (
                "urgency",
                {
                    "level": "next_visit",
                    "heading": "Talk to us before",
                    "items": [
                        "You try for a baby",
                        "You change your birth control",
                        "You start imatinib, if you want children later",
                    ],
                },
            ),
            _consult("treatment_question", "Thinking about a family? Book a free, private talk."),
            _expert("Have a private question? Message our team."),
        ],
    },
    {
        "slug": "diet-and-nutrition",
        "title": "Diet and nutrition",
        "summary": "No special diet is needed on imatinib. Eat a balanced diet, avoid grapefruit, and keep food safe when counts are low.",
        "topic": "diet",
        "sources": [_FDA_LABEL, _EMA_GLIVEC],
        "body": [
            (
                "text",
                "<p>You do not need a special diet on imatinib. "
                "A balanced diet helps you feel your best. A vegetarian diet is fine.</p>"
                "<ul>"
                "<li>Eat dal, beans, eggs, fish, chicken or paneer for protein.</li>"
                "<li>Eat vegetables and fruit every day.</li>"
                "<li>Eat whole grains, like roti and brown rice.</li>"
                "<li>Drink enough safe water.</li>"
                "</ul>"
                "<p>Take your imatinib with a meal and a large glass of water.</p>"
                "<h2>No food cures cancer</h2>"
                "<p>No food, diet or supplement treats CML or GIST. "
                "Be careful of anyone who says it does. Some herbs can even stop imatinib working well.</p>",
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Tell the team about any herbs, tonics or supplements.",
                        "Keep alcohol low. Imatinib can affect the liver.",
                        "Eat small meals often if you feel sick.",
                    ],
                    "dont": [
                        "Do not eat grapefruit or drink its juice.",
                        "Do not drink pomelo (chakotra), Seville orange or starfruit juice.",
                        "Do not take St John's wort.",
                    ],
                },
            ),
            (
                "text",
                "<h2>Keep food safe when your white cell count is low</h2>"
                "<p>Imatinib can lower the white cells that fight germs. "
                "Then you can get an infection from food more easily. "
                "Your doctor will tell you when your count is low.</p>",
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Wash your hands before you cook and eat.",
                        "Wash fruit and vegetables well in safe water.",
                        "Cook food well, and eat it hot and fresh.",
                        "Drink boiled or filtered water.",
                        "Use milk and paneer that are boiled or packed.",
                    ],
                    "dont": [
                        "Do not eat street food or cut fruit from stalls.",
                        "Do not eat raw or half-cooked eggs, meat or fish.",
                        "Do not eat food that has been left out for a long time.",
                    ],
                },
            ),
            ("resources", {"categories": ["nutrition"]}),
            _consult("diet", "Want a food plan that suits you? Book a free talk with our team."),
            _expert("Have a question about food or a supplement? Message us."),
        ],
    },
    {
        "slug": "financial-help-and-insurance",
        "title": "Money help and insurance",
        "summary": "Ways to lower the cost of imatinib in India: generic medicine, government schemes, patient programmes and insurance.",
        "topic": "financial_help",
        "sources": [_PMJAY],
        "body": [
            (
                "text",
                "<p>Imatinib is taken for a long time, so cost matters. "
                "Help is there. Our financial counsellor can help you find it.</p>"
                "<p><strong>Never skip doses to save money.</strong> Tell us instead. We will help you look for a way.</p>"
                "<h2>Ways to lower the cost</h2>"
                "<ul>"
                "<li><strong>Generic imatinib.</strong> Many companies in India make it. "
                "It costs much less than the first brand.</li>"
                "<li><strong>Ayushman Bharat PM-JAY.</strong> This government scheme covers listed cancer "
                "treatments for families who qualify, at hospitals in the scheme. It has a yearly limit.</li>"
                "<li><strong>Health Minister's Cancer Patient Fund.</strong> This can help poor patients who are "
                "treated at regional cancer centres.</li>"
                "<li><strong>Jan Aushadhi stores.</strong> These government shops sell generic medicines.</li>"
                "<li><strong>Patient programmes.</strong> The company that makes your medicine may run a programme. "
                "The Max Foundation also helps people get medicine for CML and GIST.</li>"
                "</ul>"
                "<p>The rules and amounts of these schemes change. "
                "Our counsellor will check the latest details and if you qualify.</p>",
            ),
            (
                "text",
                "<h2>Health insurance</h2>"
                "<ul>"
                "<li>Check if your policy pays for cancer tablets taken at home, not only hospital stays.</li>"
                "<li>Check if it pays for blood tests and scans.</li>"
                "<li>Ask your insurer what papers they need, and if you need approval first.</li>"
                "<li>Keep every bill, prescription and test report.</li>"
                "</ul>",
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Keep copies of your ID, prescriptions and bills.",
                        "Ask to see the clinic's financial counsellor.",
                        "Tell the team if your brand of imatinib changes.",
                    ],
                    "dont": [
                        "Do not buy tablets from sellers you do not trust.",
                        "Do not stop or cut your dose because of cost.",
                    ],
                },
            ),
            ("resources", {"categories": ["financial", "insurance"]}),
            _consult("financial_help", "Worried about cost? Book a free talk with our financial counsellor."),
            _expert("Have a question about a scheme or your insurance? Message us."),
        ],
    },
    {
        "slug": "support-groups",
        "title": "Support groups",
        "summary": "You are not alone. Groups for people with CML or GIST, and places to find support in India.",
        "topic": "new_diagnosis",
        "sources": [_CML_ADVOCATES, _LIFE_RAFT],
        "body": [
            (
                "text",
                "<p>Living with cancer can be hard. It is normal to feel worried, sad or angry. "
                "Talking to others who know what it is like can help.</p>"
                "<h2>Groups that can help</h2>"
                "<ul>"
                "<li><strong>CML Advocates Network</strong> links CML patient groups around the world.</li>"
                "<li><strong>The Life Raft Group</strong> supports people with GIST.</li>"
                "<li><strong>Indian Cancer Society</strong> offers money help and support after treatment.</li>"
                "<li><strong>Cancer Patients Aid Association</strong> supports patients, based in Mumbai.</li>"
                "<li><strong>CanSupport</strong> gives care at home and comfort care, in Delhi.</li>"
                "</ul>"
                "<p>Our team can also help your family. Carers need support too.</p>",
            ),
            ("resources", {"categories": ["support"]}),
            (
                "do_dont",
                {
                    "do": [
                        "Tell the team if you feel low most days.",
                        "Bring a family member or friend to your visits.",
                        "Check with the team before you follow advice from a group.",
                    ],
                    "dont": [
                        "Do not change your medicine because of someone else's story.",
                    ],
                },
            ),
            _consult("new_diagnosis", "Want to talk about how you are coping? Book a free talk."),
            _expert("Want us to suggest a group near you? Message us."),
        ],
    },
    {
        "slug": "research-and-clinical-trials",
        "title": "Research and clinical trials",
        "summary": "How to look for a clinical trial in India, and what treatment-free remission in CML means.",
        "topic": "second_opinion",
        "sources": [_ELN_2020, _CTRI, _CLINICALTRIALS_GOV],
        "body": [
            (
                "text",
                "<p>A clinical trial is a study that tests a new medicine or a new way to treat people. "
                "Trials help make care better. Joining one is your choice. You can leave at any time.</p>"
                "<h2>How to look for a trial</h2>"
                "<ol>"
                "<li>Talk to your cancer doctor first.</li>"
                '<li>Search the <a href="https://ctri.nic.in">Clinical Trials Registry - India (CTRI)</a>.</li>'
                '<li>Search <a href="https://clinicaltrials.gov">ClinicalTrials.gov</a>. It lists trials in many countries.</li>'
                "<li>Take what you find to your doctor. Ask if it suits you.</li>"
                "</ol>",
            ),
            (
                "expander",
                {
                    "title": "Questions to ask about a trial",
                    "body": "<ul>"
                    "<li>What is the trial testing?</li>"
                    "<li>What are the possible good and bad effects?</li>"
                    "<li>How many visits and tests will I need?</li>"
                    "<li>Will it cost me anything?</li>"
                    "<li>What happens when the trial ends?</li>"
                    "</ul>",
                },
            ),
            (
                "text",
                "<h2>Stopping imatinib in CML: treatment-free remission</h2>"
                "<p>Some people with CML have a very deep and steady response for years. "
                "With their doctor, some of them may try to stop imatinib. "
                "This is called treatment-free remission, or TFR.</p>"
                "<p><strong>Never stop imatinib on your own.</strong> "
                "The leukaemia can come back. It is only safe with close checks.</p>"
                "<h3>Who may be able to try?</h3>"
                "<p>Your doctor decides. They look for all of these:</p>"
                "<ul>"
                "<li>CML in the early (chronic) phase.</li>"
                "<li>A usual type of BCR::ABL1 that the test can measure.</li>"
                "<li>Imatinib for at least 5 years.</li>"
                "<li>A deep response (MR4 or lower) for at least 2 years.</li>"
                "<li>Treatment that has never failed.</li>"
                "<li>Fast, good-quality BCR::ABL1 tests you can get to.</li>"
                "</ul>"
                "<h3>What happens after stopping?</h3>"
                "<p>You have a BCR::ABL1 test every month for the first 6 months. "
                "Then every 2 months until 1 year. Then every 3 months.</p>"
                "<p>If your result goes above 0.1% (you lose MMR), you start imatinib again within 4 weeks. "
                "Most people who restart get back to MMR.</p>",
            ),
            _consult("second_opinion", "Want to talk about trials or stopping treatment? Book a free talk."),
            _expert("Found a trial? Send it to us and we will help you ask the right questions."),
        ],
    },
    {
        "slug": "faqs",
        "title": "Questions people often ask",
        "summary": "Short answers to common questions about life on imatinib.",
        "topic": "treatment_question",
        "sources": [_FDA_LABEL, _ELN_2020],
        "body": [
            (
                "text",
                "<p>Here are short answers to questions people often ask. "
                "Your own doctor knows your case best, so ask them too.</p>",
            ),
            (
                "faq",
                [
                    {
                        "question": "How long will I take imatinib?",
                        "answer": "<p>For most people with CML, it is a long-term medicine. "
                        "A few may later try to stop with their doctor. "
                        "For high-risk GIST after surgery, the usual plan is 3 years. "
                        "Your doctor will tell you your plan.</p>",
                    },
                    {
                        "question": "Can I drink alcohol?",
                        "answer": "<p>Only a little, if at all. Imatinib can affect the liver, and so can alcohol.</p>",
                    },
                    {
                        "question": "Can I take paracetamol?",
                        "answer": "<p>Ask the team first. Taking it for a long time can harm the liver.</p>",
                    },
                    {
                        "question": "Can I take ayurvedic or herbal medicine?",
                        "answer": "<p>Tell the team first. Some herbs, like St John's wort, make imatinib work less well. "
                        "No herb treats CML or GIST.</p>",
                    },
                    {
                        "question": "Can I drive?",
                        "answer": "<p>Yes, if you feel well. Do not drive if imatinib makes you dizzy or sleepy, "
                        "or blurs your sight.</p>",
                    },
                    {
                        "question": "Is CML passed on in families? Can others catch it?",
                        "answer": "<p>No. CML is not passed on to your children. No one can catch it from you.</p>",
                    },
                    {
                        "question": "Can I have a baby?",
                        "answer": "<p>Talk to your doctor before you try. Imatinib can harm an unborn baby. "
                        'See <a href="/pregnancy-fertility-and-breastfeeding/">pregnancy, fertility and '
                        "breastfeeding</a>.</p>",
                    },
                    {
                        "question": "I feel well. Can I stop my tablets?",
                        "answer": "<p>No. Feeling well means the medicine is working. "
                        "Stopping can let the cancer grow again. Only stop if your doctor tells you to.</p>",
                    },
                    {
                        "question": "Who do I tell that I take imatinib?",
                        "answer": "<p>Tell every doctor, dentist and chemist. "
                        'See <a href="/interactions-food-and-supplements/">other medicines, food and herbs</a>.</p>',
                    },
                    {
                        "question": "Where can I get my results explained?",
                        "answer": '<p><a href="/book/">Book a free talk</a> with our team, or send us a message.</p>',
                    },
                ],
            ),
            _consult("treatment_question", "Have a question that is not here? Book a free talk."),
            _expert("Ask us anything about life on imatinib."),
        ],
    },
]
