"""Console screens: the coordinator inbox (conversations), the message log, WhatsApp templates."""

from django import forms
from django.contrib import admin
from django.contrib import messages as flash
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from clinic.date_inputs import ConsoleDatesMixin
from messaging.admin_thread import thread_get, thread_post
from messaging.models import Conversation, Direction, Message, WhatsAppTemplate
from messaging.selectors import assigned_to_q, conversation_list_for
from messaging.texts import available_kinds
from messaging.whatsapp_templates import whatsapp_sending_for_real, whatsapp_template_gaps
from patients.admin.read_only import ReadOnlyAdminMixin
from patients.admin_base import CapabilityPermissionsMixin, PatientDataAdmin
from patients.capabilities import can_edit_message_templates, can_reply_to_conversation


class UnreadFilter(admin.SimpleListFilter):
    title = "unread"
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("1", "Unread"), ("0", "All read")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(unread_count__gt=0)
        if self.value() == "0":
            return queryset.filter(unread_count=0)
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Assigned to me"), ("nobody", "Nobody (no coordinator)")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to_q(request.user))
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True, patient__coordinator__isnull=True)
        return queryset


@admin.register(Conversation)
class ConversationAdmin(PatientDataAdmin):
    patient_path = "patient"
    list_display = [
        "patient_name",
        "unread",
        "last_message",
        "last_message_at",
        "last_channel",
        "works_on_it",
        "status",
    ]
    list_display_links = ["patient_name"]
    list_filter = [UnreadFilter, AssignedFilter, "status", "last_channel"]
    search_fields = ["patient__full_name", "=patient__phone"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        rows = conversation_list_for(request.user)
        return rows.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # Unread first, then the most recent activity.
        has_unread = Case(When(unread_count__gt=0, then=Value(1)), default=Value(0), output_field=IntegerField())
        return [has_unread.desc(), F("last_message_at").desc(nulls_last=True), "-pk"]

    def changelist_view(self, request, extra_context=None):
        context = {"title": "Inbox: conversations with patients", **(extra_context or {})}
        return super().changelist_view(request, context)

    def has_add_permission(self, request):
        return False  # conversations start with a message

    def has_change_permission(self, request, obj=None):
        # Working the thread (reply, assign, close, retry). Which conversations: get_queryset, so the
        # patient need not be asked again here (the services ask with the conversation).
        return can_reply_to_conversation(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # what was said to a patient is part of the care record

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conversation = self.get_object(request, unquote(object_id))
        if conversation is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, conversation):
            raise PermissionDenied
        if request.method == "POST":
            return thread_post(self, request, conversation)
        return thread_get(self, request, conversation)

    @admin.display(description="Patient", ordering="patient__full_name")
    def patient_name(self, conversation):
        lead = " (new lead)" if conversation.patient.is_lead else ""
        return f"{conversation.patient}{lead}"

    @admin.display(description="Unread", ordering="unread_count")
    def unread(self, conversation):
        if not conversation.unread_count:
            return ""
        return format_html('<span class="ct-unread">{}</span>', conversation.unread_count)

    @admin.display(description="Last message")
    def last_message(self, conversation):
        if conversation.unread_count and conversation.unread_body is not None:
            # Unread: show what the patient asked, even if a reminder went out after it.
            return f"← {Truncator(conversation.unread_body or '(no text)').chars(60)}"
        arrow = "←" if conversation.last_direction == Direction.INBOUND else "→"
        return f"{arrow} {Truncator(conversation.last_body or '').chars(60)}" if conversation.last_direction else ""

    @admin.display(description="Assigned to")
    def works_on_it(self, conversation):
        person = conversation.assignee or conversation.patient.coordinator
        return person.get_full_name() or person.get_username() if person else "—"


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, PatientDataAdmin):
    """Every message in and out, read-only: the outbox log for checking what went where."""

    patient_path = "patient"
    list_display = [
        "created_at",
        "patient",
        "direction",
        "channel",
        "kind",
        "status",
        "reason",
        "segments",
        "attempts",
        "thread",
    ]
    list_filter = ["status", "direction", "channel", "kind"]
    search_fields = ["patient__full_name", "=patient__phone", "=twilio_sid", "=topic"]
    list_select_related = ["patient"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [field.name for field in Message._meta.fields]

    @admin.display(description="Reason")
    def reason(self, message):
        return Truncator(message.status_reason).chars(80)

    @admin.display(description="Conversation")
    def thread(self, message):
        url = reverse("admin:messaging_conversation_change", args=[message.conversation_id])
        return format_html('<a href="{}">open</a>', url)


class WhatsAppTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(help_text="The message kind this template replaces outside WhatsApp's 24-hour window.")

    class Meta:
        model = WhatsAppTemplate
        fields = ["kind", "language", "content_sid", "variables", "description", "active"]
        help_texts = {
            "variables": 'Numbered placeholders and the value for each, e.g. {"1": "patient_name", '
            '"2": "starts_at|date:\'j M, g:i A\'"}. Common values: patient_name, clinic_name, clinic_phone, '
            "starts_at, expert_name.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, kind) for kind in available_kinds()]


@admin.register(WhatsAppTemplate)
class WhatsAppTemplateAdmin(CapabilityPermissionsMixin, ConsoleDatesMixin, admin.ModelAdmin):
    """Coordinators and admins keep the approved template SIDs here (no patient data)."""

    form = WhatsAppTemplateForm
    list_display = ["kind", "language", "content_sid", "active", "updated_at"]
    list_filter = ["language", "active"]
    may_edit = staticmethod(can_edit_message_templates)

    def changelist_view(self, request, extra_context=None):
        gaps = whatsapp_template_gaps()
        if gaps:
            text = (
                "These messages have no approved WhatsApp template, so patients who only allow WhatsApp do not "
                "get them unless they wrote in the last 24 hours (each is shown as 'Not sent' with the reason): "
                + ", ".join(gaps)
                + "."
            )
            # A warning where messages really go out; locally a note (the demo's stand-ins count as missing).
            (flash.warning if whatsapp_sending_for_real() else flash.info)(request, text)
        return super().changelist_view(request, extra_context)
