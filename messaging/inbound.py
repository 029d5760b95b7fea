"""Messages from patients: recorded fast in the webhook (`inbound_record`), then routed in a task
(`inbound_route`): keywords, replies to prompts, or the coordinator's unread inbox."""

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import send_mail
from django.db import connection, connections, router, transaction
from django.db.models import F, Q
from django.db.models.constants import OnConflict
from django.db.models.functions import Greatest
from django.db.models.sql.subqueries import InsertQuery, UpdateQuery
from django.urls import reverse
from django.utils import timezone

from clinic.errors import DomainError
from clinic.inserts import insert_unless_conflict
from clinic.tasks import task_enqueue
from messaging.models import Conversation, ConversationStatus, Direction, Message, Status
from messaging.replies import registered_reply_kinds, reply_handler_for
from messaging.services import conversation_for_patient, message_send
from patients.audit import audit_record
from patients.models import AuditAction, Channel, ConsentHow, ConsentPurpose, Patient, RecordState, opt_out_field
from patients.services.consent import consent_record

logger = logging.getLogger(__name__)

# Twilio's default SMS keywords (whole message, any case); we apply them to WhatsApp too.
OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})
MAX_MEDIA = 10


def normalized_keyword(body: str) -> str:
    word = body.strip().strip(".!").strip().upper()
    return word if word in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS else ""


@dataclass(frozen=True)
class InboundMessage:
    sid: str
    channel: str
    phone: str  # E.164
    body: str
    media_urls: list[str]
    from_address: str
    to_address: str
    profile_name: str = ""


def inbound_parse(params: Mapping[str, str]) -> InboundMessage:
    """Read Twilio's webhook parameters; a DomainError names what is missing or wrong."""
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()
    if not sid or len(sid) > 34:
        raise DomainError("MessageSid is missing.", field="MessageSid")
    from_address = (params.get("From") or "").strip()
    channel = Channel.WHATSAPP if from_address.startswith("whatsapp:") else Channel.SMS
    try:
        number = phonenumbers.parse(from_address.removeprefix("whatsapp:"), None)
    except phonenumbers.NumberParseException as exc:
        raise DomainError("From is not a phone number in international format.", field="From") from exc
    if not phonenumbers.is_possible_number(number):
        raise DomainError("From is not a phone number in international format.", field="From")
    try:
        media_count = min(int(params.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError as exc:
        raise DomainError("NumMedia must be a number.", field="NumMedia") from exc
    media = [params[f"MediaUrl{index}"] for index in range(media_count) if params.get(f"MediaUrl{index}")]
    return InboundMessage(
        sid=sid,
        channel=channel,
        phone=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        body=(params.get("Body") or "")[:5000],
        media_urls=media,
        from_address=from_address[:60],
        to_address=(params.get("To") or "")[:60],
        profile_name=(params.get("ProfileName") or "").strip()[:200],
    )


def lead_for_phone(*, phone: str, channel: str, profile_name: str) -> Patient:
    """A new lead a coordinator can see for a number no verified patient has (safe against a race)."""
    lead = Patient(phone=phone, full_name=profile_name, is_lead=True, source=channel, preferred_channel=channel)
    if insert_unless_conflict(lead):  # no savepoint: a concurrent first message makes this a no-op
        return lead
    return Patient.objects.get(phone=phone, record_state=RecordState.VERIFIED)


def _conversation_of(patient: Patient) -> Conversation:
    try:
        return patient.conversation  # loaded with the patient when they were known
    except Conversation.DoesNotExist:
        return conversation_for_patient(patient)


def enqueue_routing(message_id: int) -> None:
    task_enqueue("messaging.tasks.route_inbound", message_id, task_name=f"route-message-{message_id}")


def _keyword_taking_effect(patient: Patient, channel: str, keyword: str) -> str:
    """The keyword as it acts on this patient: "YES" is also an ordinary answer and only
    re-subscribes someone who had opted out."""
    if keyword == "YES" and getattr(patient, opt_out_field(channel)) is None:
        return ""
    return keyword


def _apply_keyword(patient: Patient, channel: str, keyword: str, now: dt.datetime) -> None:
    """STOP and START take effect in the webhook itself: nothing may go out after a STOP. The keyword
    is already as it acts on this patient (`_keyword_taking_effect`); each change is audited."""
    field = opt_out_field(channel)
    if keyword in OPT_OUT_KEYWORDS:
        if Patient.objects.filter(pk=patient.pk, **{f"{field}__isnull": True}).update(**{field: now}):
            _ledger_keyword(patient, channel, keyword, given=False)
            _audit_keyword_consent(patient, field)
    elif keyword in OPT_IN_KEYWORDS:  # noqa: SIM102  (the update is an action, not a condition to merge)
        if Patient.objects.filter(pk=patient.pk, **{f"{field}__isnull": False}).update(**{field: None}):
            _ledger_keyword(patient, channel, keyword, given=True)
            _audit_keyword_consent(patient, field)


def _ledger_keyword(patient: Patient, channel: str, keyword: str, *, given: bool) -> None:
    # The guarded update above decided the change (races are safe); the ledger records it and syncs the
    # cache: START is the phone holder's own opt-in, so it also sets consent on that channel.
    patient.refresh_from_db(fields=["consent_sms", "consent_whatsapp", "sms_opted_out_at", "whatsapp_opted_out_at"])
    consent_record(
        patient=patient,
        purpose=ConsentPurpose.MESSAGING,
        channel=channel,
        given=given,
        how=ConsentHow.KEYWORD,
        source_detail=f"reply {keyword}"[:100],
        audit=False,
    )


def _audit_keyword_consent(patient: Patient, field: str) -> None:
    # Every consent change records its source (issue 10); here the phone holder's own keyword reply.
    audit_record(actor=AnonymousUser(), action=AuditAction.CONSENT, obj=patient, changed_fields=[field], via="keyword")


def inbound_record(*, inbound: InboundMessage) -> tuple[Message, bool]:
    """Store one patient message exactly once (unique MessageSid) and queue its routing.

    A known patient's ordinary message costs two statements on PostgreSQL: the patient with their
    conversation, then one statement that inserts the message (nothing on a retry) and, only when it
    did, updates the conversation (`_insert_and_touch`), with no BEGIN/COMMIT around them. A keyword
    (STOP/START take effect before the answer), a new lead, a first conversation or SQLite take the
    transaction: the patient, the insert, the opt-out/in with its ledger and audit rows, the update.
    """
    now = timezone.now()
    patient = patient_for_phone_known(phone=inbound.phone)
    conversation = getattr(patient, "conversation", None) if patient is not None else None
    if patient is not None and conversation is not None and connection.vendor == "postgresql":
        keyword = _keyword_taking_effect(patient, inbound.channel, normalized_keyword(inbound.body))
        if not keyword:
            message = _inbound_message(inbound, patient, conversation, keyword, now)
            if not _insert_and_touch(message, conversation, _conversation_touch(inbound.channel, conversation, now)):
                return Message.objects.get(twilio_sid=inbound.sid), False
            transaction.on_commit(partial(enqueue_routing, message.pk))  # autocommit: queued at once
            return message, True
    with transaction.atomic():
        if patient is None:
            patient = lead_for_phone(phone=inbound.phone, channel=inbound.channel, profile_name=inbound.profile_name)
        conversation = _conversation_of(patient)
        keyword = _keyword_taking_effect(patient, inbound.channel, normalized_keyword(inbound.body))
        message = _inbound_message(inbound, patient, conversation, keyword, now)
        if not insert_unless_conflict(message):  # a retried webhook (same MessageSid) inserts nothing
            return Message.objects.get(twilio_sid=inbound.sid), False
        if keyword:
            _apply_keyword(patient, inbound.channel, keyword, now)
        Conversation.objects.filter(pk=conversation.pk).update(
            **_conversation_touch(inbound.channel, conversation, now)
        )
        transaction.on_commit(partial(enqueue_routing, message.pk))
    return message, True


def patient_for_phone_known(*, phone: str) -> Patient | None:
    """The verified patient with this number, with their conversation (one query; see `_conversation_of`)."""
    # Only the verified record: an unverified intake with the same phone never receives the phone's messages.
    # At most one row (patient_phone_unique_verified): no ORDER BY to compile or sort.
    patients = Patient.objects.select_related("conversation").filter(phone=phone, record_state=RecordState.VERIFIED)
    return patients.order_by().first()


def _inbound_message(
    inbound: InboundMessage, patient: Patient, conversation: Conversation, keyword: str, now: dt.datetime
) -> Message:
    return Message(
        conversation=conversation,
        patient=patient,
        direction=Direction.INBOUND,
        channel=inbound.channel,
        kind="inbound",
        body=inbound.body,
        media_urls=inbound.media_urls,
        status=Status.RECEIVED,
        twilio_sid=inbound.sid,
        from_address=inbound.from_address,
        to_address=inbound.to_address,
        language=patient.language,
        keyword=keyword,
        enqueued_at=now,
        status_changed_at=now,
        created_at=now,
    )


def _conversation_touch(channel: str, conversation: Conversation, now: dt.datetime) -> dict[str, Any]:
    """The conversation's update for a new inbound message: latest activity, open, the channel's window."""
    window_field = "last_whatsapp_inbound_at" if channel == Channel.WHATSAPP else "last_sms_inbound_at"
    return {
        "last_message_at": now,
        "last_channel": channel,
        "status": ConversationStatus.OPEN,
        # Greatest: a retried, older webhook must not shorten the WhatsApp window.
        window_field: Greatest(F(window_field), now) if getattr(conversation, window_field) else now,
    }


def _insert_and_touch(message: Message, conversation: Conversation, touch: dict[str, Any]) -> bool:
    """PostgreSQL, one statement: insert the message unless its MessageSid is stored, and only if it was
    new update the conversation (a data-modifying CTE: both or neither, with no transaction around it)."""
    database = router.db_for_write(Message)
    insert = InsertQuery(Message, on_conflict=OnConflict.IGNORE)
    insert.insert_values([f for f in Message._meta.local_concrete_fields if not f.primary_key], [message])
    insert_compiler = insert.get_compiler(using=database)
    insert_compiler.returning_fields = [Message._meta.pk]
    [(insert_sql, insert_params)] = insert_compiler.as_sql()
    update = UpdateQuery(Conversation)
    update.add_update_values(touch)
    update.add_q(Q(pk=conversation.pk))
    update_sql, update_params = update.get_compiler(using=database).as_sql()  # ends with its WHERE on the pk
    # Both parts are Django's own compiled SQL; every value travels as a parameter.
    sql = (
        f"WITH inserted AS ({insert_sql}), "  # noqa: S608
        f"touched AS ({update_sql} AND EXISTS (SELECT 1 FROM inserted)) "
        "SELECT id FROM inserted"
    )
    with connections[database].cursor() as cursor:
        cursor.execute(sql, (*insert_params, *update_params))
        row = cursor.fetchone()
    if row is None:
        return False
    message.pk = row[0]
    message._state.adding, message._state.db = False, database
    return True


# --- routing (in the task) ---------------------------------------------------------------------


def latest_prompt(inbound: Message) -> Message | None:
    """The outbound message this reply most likely answers: the latest of a registered kind on the
    same channel that Twilio took within MESSAGING_REPLY_WINDOW_HOURS."""
    kinds = registered_reply_kinds()
    if not kinds:
        return None
    since = inbound.created_at - dt.timedelta(hours=settings.MESSAGING_REPLY_WINDOW_HOURS)
    return (
        Message.objects.filter(
            patient_id=inbound.patient_id,
            direction=Direction.OUTBOUND,
            channel=inbound.channel,
            kind__in=kinds,
            accepted_at__gte=since,
            accepted_at__lte=inbound.created_at,
            status__in=(Status.ACCEPTED, Status.SENT, Status.DELIVERED, Status.READ),
        )
        .order_by("-accepted_at", "-pk")
        .first()
    )


def _auto_reply_needed(channel: str) -> bool:
    # Twilio answers HELP/START on SMS itself (unless turned off); on WhatsApp we answer.
    return channel == Channel.WHATSAPP or not settings.TWILIO_SMS_AUTO_REPLIES


def notify_assignee(conversation: Conversation) -> None:
    """Tell the person working this conversation that the patient wrote (no patient data in the mail)."""
    assignee = conversation.assignee or conversation.patient.coordinator
    if not settings.MESSAGING_NOTIFY_BY_EMAIL or assignee is None or not assignee.email:
        return
    link = settings.PUBLIC_BASE_URL + reverse("admin:messaging_conversation_change", args=[conversation.pk])

    def deliver_mail() -> None:
        try:
            send_mail(
                f"{settings.CLINIC_NAME}: a patient replied", f"Open the conversation: {link}", None, [assignee.email]
            )
        except Exception:  # mail trouble must not undo the routing; the inbox shows the message anyway
            logger.warning("could not e-mail the assignee of conversation %s", conversation.pk, exc_info=True)

    transaction.on_commit(deliver_mail)


def inbound_route(*, message_id: int) -> str:
    """Act on one patient message once: keyword replies, a registered prompt handler, or unread."""
    with transaction.atomic():
        inbound = (
            Message.objects.select_for_update()
            .filter(pk=message_id, direction=Direction.INBOUND, routed_at__isnull=True)
            .first()
        )
        if inbound is None:
            return "already-routed"
        inbound = Message.objects.select_related(
            "patient", "conversation__patient__coordinator", "conversation__assignee"
        ).get(pk=message_id)
        now = timezone.now()
        outcome = _route(inbound, now)
        Message.objects.filter(pk=inbound.pk).update(
            routed_at=now, seen_at=inbound.seen_at, handled_by=inbound.handled_by
        )
        return outcome


def _keyword_answered(inbound: Message, now: dt.datetime, *, handled_by: str, reply_kind: str) -> None:
    """Mark a START or HELP handled and answer it, unless Twilio answers that keyword on this channel itself."""
    inbound.seen_at, inbound.handled_by = now, handled_by
    if _auto_reply_needed(inbound.channel):
        message_send(
            patient=inbound.patient,
            kind=reply_kind,
            context={},
            idempotency_key=f"{handled_by}:{inbound.pk}",
            channel=inbound.channel,
            urgent=True,
        )


def _route(inbound: Message, now: dt.datetime) -> str:
    keyword = inbound.keyword
    if keyword in OPT_OUT_KEYWORDS:
        inbound.seen_at, inbound.handled_by = now, "opt-out"
        return "opted-out"
    if keyword in OPT_IN_KEYWORDS:
        _keyword_answered(inbound, now, handled_by="opt-in", reply_kind="opt_in_confirmation")
        return "opted-in"
    if keyword in HELP_KEYWORDS:
        _keyword_answered(inbound, now, handled_by="help", reply_kind="help_reply")
        return "help"
    prompt = latest_prompt(inbound)
    handler = reply_handler_for(prompt.kind) if prompt is not None else None
    if handler is not None:
        try:
            with transaction.atomic():
                handled = bool(handler(inbound=inbound, prompt=prompt))
        except Exception:
            logger.exception("reply handler for %s failed on message %s", prompt.kind, inbound.pk)
            handled = False
        if handled:
            inbound.seen_at, inbound.handled_by = now, prompt.kind
            return f"handled:{prompt.kind}"
    Conversation.objects.filter(pk=inbound.conversation_id).update(
        unread_count=F("unread_count") + 1, status=ConversationStatus.OPEN
    )
    notify_assignee(inbound.conversation)
    return "unread"
