"""Inbox API for staff: conversations, a thread, and replying (the same services as the console)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging.inbox import conversation_reply
from messaging.models import Conversation, Message, MessageChannel
from messaging.selectors import assigned_to_q, conversation_list_for, conversation_thread, conversations_visible_to
from patients.audit import audit_record
from patients.capabilities import can_reply_to_conversation, can_use_console
from patients.models import AuditAction


class IsClinicStaff(BasePermission):
    message = "Only clinic staff can use the inbox."

    def has_permission(self, request, view):
        return can_use_console(request.user)


class ConversationOut(serializers.ModelSerializer):
    patient_id = serializers.IntegerField()
    patient_name = serializers.CharField(source="patient.__str__")
    is_lead = serializers.BooleanField(source="patient.is_lead")
    assigned_to = serializers.SerializerMethodField()
    last_message = serializers.CharField(source="last_body", allow_null=True)
    # The patient's latest unread message: our later automatic texts must not hide it.
    unread_message = serializers.CharField(source="unread_body", allow_null=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "patient_id",
            "patient_name",
            "is_lead",
            "status",
            "unread_count",
            "last_message_at",
            "last_channel",
            "last_message",
            "unread_message",
            "assigned_to",
        ]

    def get_assigned_to(self, conversation) -> str | None:
        person = conversation.assignee or conversation.patient.coordinator
        return person.get_username() if person else None


class MessageOut(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    sent_by = serializers.CharField(source="sent_by.get_username", allow_null=True, default=None)

    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "channel",
            "kind",
            "body",
            "used_template",
            "media_urls",
            "status",
            "status_label",
            "status_reason",
            "error_code",
            "segments",
            "not_before",
            "created_at",
            "sent_by",
            "handled_by",
        ]


class ConversationList(ListAPIView):
    """Conversations the user may see, unread first. Filters: ?unread=1, ?assigned=me."""

    permission_classes = [IsClinicStaff]
    serializer_class = ConversationOut

    def get_queryset(self):
        rows = conversation_list_for(self.request.user)
        if self.request.query_params.get("unread") == "1":
            rows = rows.filter(unread_count__gt=0)
        if self.request.query_params.get("assigned") == "me":
            rows = rows.filter(assigned_to_q(self.request.user))
        return rows.order_by("-unread_count", "-last_message_at", "-pk")


class ConversationMessages(APIView):
    """The latest 200 messages of one conversation, oldest first (audited as a view)."""

    permission_classes = [IsClinicStaff]

    @extend_schema(responses=MessageOut(many=True))
    def get(self, request, pk: int):
        conversation = get_object_or_404(conversations_visible_to(request.user).select_related("patient"), pk=pk)
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=conversation, request=request, via="api")
        return Response(MessageOut(conversation_thread(conversation), many=True).data)


class ReplyIn(serializers.Serializer):
    text = serializers.CharField(max_length=1200)
    channel = serializers.ChoiceField(
        choices=MessageChannel.choices,
        allow_blank=True,
        required=False,
        default="",
        help_text="Empty: the channel the patient last wrote on. 'web' answers "
        "in the website's chat (the patient gets a nudge by SMS/WhatsApp).",
    )
    send_now = serializers.BooleanField(required=False, default=False)
    idempotency_key = serializers.CharField(max_length=64)


class ConversationReply(APIView):
    """Send a staff reply through the outbox: 201 with the message, 409 when WhatsApp's window is
    closed (body says whether the template or SMS is available), 400 naming the field otherwise."""

    permission_classes = [IsClinicStaff]

    @extend_schema(
        request=ReplyIn,
        responses={
            201: MessageOut,
            400: OpenApiResponse(description="A field is wrong (the body names it)."),
            403: OpenApiResponse(description="Not a coordinator or admin."),
            404: OpenApiResponse(description="No such conversation for this user."),
            409: OpenApiResponse(
                description="Channel not allowed, or WhatsApp's 24-hour window is closed; "
                "`template_available` and `sms_available` say what can be done."
            ),
            422: OpenApiResponse(description="The idempotency_key was already used for a different reply."),
        },
    )
    def post(self, request, pk: int):
        conversation = get_object_or_404(conversations_visible_to(request.user).select_related("patient"), pk=pk)
        if not can_reply_to_conversation(request.user, conversation):
            return Response(
                {"code": "permission_denied", "detail": "Only coordinators can reply to patients."},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = ReplyIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = conversation_reply(
            conversation=conversation, actor=request.user, request=request, via="api", **data.validated_data
        )
        return Response(MessageOut(message).data, status=status.HTTP_201_CREATED)
