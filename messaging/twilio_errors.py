"""Twilio error codes in coordinators' words, and which ones are worth retrying.

Source: Twilio error dictionary (https://www.twilio.com/docs/api/errors). A permanent error never
changes on retry (a bad number stays bad); a transient one (rate limits, queue full, an outage,
bad credentials an admin can fix) is retried with backoff.
"""

REASONS: dict[str, str] = {
    # Refused when we asked Twilio to send.
    "21211": "The phone number is not valid. Check the number in the patient's record.",
    "21214": "This number cannot receive messages. Check the number in the patient's record or call the patient.",
    "21408": "The clinic's Twilio account is not allowed to send to this country. An administrator must enable it.",
    "21606": "The clinic's sending number cannot send to this destination. An administrator must check the sender.",
    "21610": "The patient has unsubscribed on this number (replied STOP). They must reply START to get messages.",
    "21611": "Too many messages are waiting at Twilio for this sender; it will be tried again.",
    "21612": "Twilio cannot deliver to this number. Check the number or call the patient.",
    "21614": "This number is not a mobile phone and cannot receive SMS. Ask the patient for a mobile number.",
    "21617": "The message is too long for one send. Shorten it.",
    "20003": "Twilio refused the clinic's credentials. An administrator must check the Twilio settings.",
    "20429": "Twilio asked us to slow down; it will be tried again.",
    "63003": "This number is not on WhatsApp. Send by SMS or call the patient.",
    "63016": "WhatsApp allows only an approved template more than 24 hours after the patient's last "
    "message. Send the template or use SMS.",
    "63024": "WhatsApp does not accept this recipient. Check the number or send by SMS.",
    "63032": "WhatsApp did not deliver: the patient's WhatsApp cannot receive business messages.",
    "63049": "WhatsApp (Meta) chose not to deliver this template to the patient.",
    # Reported later by status callbacks.
    "30003": "The patient's phone was switched off or out of coverage.",
    "30004": "The message was blocked (the patient may have blocked the clinic's number).",
    "30005": "The number does not exist or is no longer in service. Check the number with the patient.",
    "30006": "This is a landline or unreachable carrier and cannot receive SMS.",
    "30007": "The patient's carrier filtered the message as unwanted.",
    "30008": "The carrier reported an unknown delivery error.",
    "30034": "The sending number is not registered for this kind of traffic. An administrator must register it.",
    # Ours.
    "network": "Could not reach Twilio; it will be tried again.",
    "unconfirmed": "Twilio did not confirm whether it took this message; it may or may not have been sent. "
    "Check with the patient before sending again.",
    "config": "Messaging is not set up for this channel. An administrator must add a sender number.",
}

TRANSIENT_CODES = frozenset({"20003", "20429", "21611"})
# After these the patient cannot be reached on that channel until someone fixes the record.
OPT_OUT_CODES = frozenset({"21610"})


def reason_for(code: str | int | None, fallback: str = "") -> str:
    code = str(code or "")
    return REASONS.get(code) or fallback or f"Twilio reported error {code}. See the Twilio error dictionary."
