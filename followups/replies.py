"""One reply handler for every follow-up prompt: a dose answer (TAKEN / MISSED) or check-in answers.

The latest prompt decides what is tried first; a reply that fits the other conversation still
lands there (a patient may answer Monday's check-in after Tuesday's dose reminder).
"""

from followups.checkins import checkin_reply
from followups.dose_replies import dose_answer
from followups.medication import dose_answer_record
from messaging.models import Message


def _dose(inbound: Message) -> bool:
    answer = dose_answer(inbound.body or "")
    return (
        answer is not None and dose_answer_record(patient=inbound.patient, answer=answer, inbound=inbound) is not None
    )


def follow_up_reply(*, inbound: Message, prompt: Message) -> bool:
    """True when the reply was a dose answer or a check-in answer (registered for PROMPT_KINDS)."""
    if prompt.patient_id != inbound.patient_id:
        return False
    if prompt.kind == "medication_reminder":
        return _dose(inbound) or checkin_reply(inbound=inbound, only_if_readable=True)
    return checkin_reply(inbound=inbound) or _dose(inbound)
