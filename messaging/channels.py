"""Which channel a message may go on, and when: consent, opt-outs, the WhatsApp 24-hour window,
approved templates, SMS fallback, and quiet hours in the patient's own time zone."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from clinic.timezones import local_datetime
from messaging.models import Conversation
from patients.models import Channel, Patient, opt_out_field


@dataclass(frozen=True)
class ChannelPlan:
    channel: str = ""
    use_template: bool = False
    blocked_reason: str = ""
    note: str = ""

    @property
    def blocked(self) -> bool:
        return not self.channel


def window_hours() -> int:
    return settings.MESSAGING_WHATSAPP_WINDOW_HOURS


def inbound_within_window(conversation: Conversation | None, channel: str, now: dt.datetime) -> bool:
    """The patient wrote on `channel` within the last MESSAGING_WHATSAPP_WINDOW_HOURS."""
    if conversation is None:
        return False
    last = conversation.last_inbound_at(channel)
    return last is not None and now - last < dt.timedelta(hours=window_hours())


def whatsapp_window_open(conversation: Conversation | None, now: dt.datetime) -> bool:
    return inbound_within_window(conversation, Channel.WHATSAPP, now)


def channel_refusal(
    *, patient: Patient, conversation: Conversation | None, channel: str, conversational: bool, now: dt.datetime
) -> str:
    """Why `patient` may not be messaged on `channel` now ("" when they may)."""
    label = Channel(channel).label
    if getattr(patient, opt_out_field(channel)) is not None:
        return f"the patient opted out of {label} (replied STOP)"
    if patient.can_receive(channel):
        return ""
    # Answering someone who just wrote to us on this channel is not an unsolicited message.
    if conversational and inbound_within_window(conversation, channel, now):
        return ""
    return f"the patient has not agreed to {label} messages"


def plan_channel(
    *,
    patient: Patient,
    conversation: Conversation | None,
    requested: str,
    conversational: bool,
    has_template: bool,
    kind: str,
    now: dt.datetime,
) -> ChannelPlan:
    """Pick the channel for one message, or say in plain words why none is possible."""
    if requested:
        candidates = [requested]
    else:
        other = Channel.SMS if patient.preferred_channel == Channel.WHATSAPP else Channel.WHATSAPP
        candidates = [patient.preferred_channel, other]

    def refusal_for(channel: str) -> str:
        return channel_refusal(
            patient=patient, conversation=conversation, channel=channel, conversational=conversational, now=now
        )

    reasons: list[str] = []
    for channel in candidates:
        refusal = refusal_for(channel)
        if refusal:
            reasons.append(refusal)
            continue
        if channel != Channel.WHATSAPP:
            return ChannelPlan(channel=channel)
        if whatsapp_window_open(conversation, now):
            return ChannelPlan(channel=channel)
        if has_template:
            return ChannelPlan(channel=channel, use_template=True)
        # WhatsApp's rule: outside the window only an approved template; without one, SMS if allowed.
        window_note = (
            f"WhatsApp allows free text only within {window_hours()} hours of the patient's last WhatsApp "
            f"message, and no approved WhatsApp template is set up for '{kind}'"
        )
        reasons.append(window_note)
        sms_refusal = refusal_for(Channel.SMS)
        if not sms_refusal:
            return ChannelPlan(channel=Channel.SMS, note=f"Sent by SMS instead: {window_note}.")
        reasons.append(sms_refusal)
    reason = "Not sent: " + "; ".join(dict.fromkeys(reasons)) + "."
    return ChannelPlan(blocked_reason=reason[:300])


def _parse_clock(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def quiet_hours() -> tuple[dt.time, dt.time] | None:
    start = _parse_clock(settings.MESSAGING_QUIET_HOURS_START)
    end = _parse_clock(settings.MESSAGING_QUIET_HOURS_END)
    return None if start == end else (start, end)


def next_allowed_time(at: dt.datetime, zone: str) -> dt.datetime:
    """`at` itself if it is outside quiet hours in `zone`, else the moment quiet hours end there."""
    window = quiet_hours()
    if window is None:
        return at
    start, end = window
    tz = ZoneInfo(zone)
    local = at.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    if start < end:  # e.g. 13:00-14:00, same day
        quiet, end_date = start <= clock < end, local.date()
    else:  # e.g. 21:00-08:00, across midnight
        quiet = clock >= start or clock < end
        end_date = local.date() + dt.timedelta(days=1) if clock >= start else local.date()
    if not quiet:
        return at
    return local_datetime(end_date, end, zone)
