"""Which message kinds are automated follow-ups (paused with the patient's follow-ups) and which
are direct answers to something the patient just wrote (never paused)."""

# Sent by sweeps and events on the clinic's initiative.
FOLLOW_UP_KINDS = frozenset(
    {
        "consult_reminder",
        "consult_thanks",
        "consult_no_show",
        "monitoring_due",
        "monitoring_overdue",
        "medication_reminder",
        "checkin_questions",
        "resource_contact",
        "resource_follow_up",
    }
)

# Answers to the patient's own replies: they still go while follow-ups are paused.
REPLY_KINDS = frozenset(
    {
        "medication_taken_ack",
        "medication_missed_dose",
        "checkin_next",
        "checkin_anything_else",
        "checkin_clarify",
        "checkin_thanks",
    }
)

# Prompts whose replies the follow-ups reply handler reads.
PROMPT_KINDS = ("medication_reminder", "checkin_questions", "checkin_next", "checkin_anything_else", "checkin_clarify")

PAUSED_REASON = "Not sent: follow-ups paused"
