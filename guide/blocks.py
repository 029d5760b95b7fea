"""The guide's StreamField blocks: exactly the block types GUIDE_SCHEMA.md lists, nothing else."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from consults.models import Topic
from guide.richtext import GuideRichTextBlock
from patients.models import ResourceCategory


class UrgencyLevel:
    EMERGENCY = "emergency"
    CALL_TODAY = "call_today"
    NEXT_VISIT = "next_visit"
    CHOICES = [
        (EMERGENCY, _("Emergency: call 112 or go to hospital now")),
        (CALL_TODAY, _("Call the clinic today")),
        (NEXT_VISIT, _("Mention at your next visit")),
    ]


class UrgencyBlock(blocks.StructBlock):
    """Red flags grouped by how fast to act; the level decides the colour and the action line."""

    level = blocks.ChoiceBlock(choices=UrgencyLevel.CHOICES)
    heading = blocks.CharBlock(max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=1)

    class Meta:
        icon = "warning"
        template = "guide/blocks/urgency.html"


class DoDontBlock(blocks.StructBlock):
    do = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("Do"))
    dont = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("Don't"))

    class Meta:
        icon = "tick"
        template = "guide/blocks/do_dont.html"


class ExpanderBlock(blocks.StructBlock):
    """A native <details>: opens without JavaScript and with the keyboard."""

    title = blocks.CharBlock(max_length=160)
    body = GuideRichTextBlock()

    class Meta:
        icon = "collapse-down"
        template = "guide/blocks/expander.html"


class TableBlock(blocks.StructBlock):
    """Plain-text cells with a caption and a header row, so screen readers announce columns."""

    caption = blocks.CharBlock(max_length=200)
    header = blocks.ListBlock(blocks.CharBlock(max_length=100), min_num=1)
    rows = blocks.ListBlock(blocks.ListBlock(blocks.CharBlock(max_length=300)), min_num=1)

    class Meta:
        icon = "table"
        template = "guide/blocks/table.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = GuideRichTextBlock()


class FaqBlock(blocks.ListBlock):
    """Questions as expanders; the page adds them to its FAQPage JSON-LD."""

    def __init__(self, **kwargs) -> None:
        super().__init__(QuestionBlock(), **kwargs)

    class Meta:
        icon = "help"
        template = "guide/blocks/faq.html"


class BookConsultBlock(blocks.StructBlock):
    """Links to the booking form with this topic already chosen (/book/?topic=… or /hi/book/?topic=…)."""

    topic = blocks.ChoiceBlock(choices=Topic.choices)
    text = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "date"
        template = "guide/blocks/book_consult.html"


class MessageExpertBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "mail"
        template = "guide/blocks/message_expert.html"


class ResourcesBlock(blocks.StructBlock):
    """Lists the care console's resources directory entries marked "show on website" in these categories."""

    categories = blocks.MultipleChoiceBlock(choices=ResourceCategory.choices)

    def get_context(self, value, parent_context=None) -> dict:
        from guide.selectors import public_resources

        context = super().get_context(value, parent_context=parent_context)
        context["resources"] = public_resources(categories=list(value["categories"]))
        return context

    class Meta:
        icon = "list-ul"
        template = "guide/blocks/resources.html"


class GuideStreamBlock(blocks.StreamBlock):
    text = GuideRichTextBlock()
    urgency = UrgencyBlock()
    do_dont = DoDontBlock()
    expander = ExpanderBlock()
    table = TableBlock()
    faq = FaqBlock()
    book_consult = BookConsultBlock()
    message_expert = MessageExpertBlock()
    resources = ResourcesBlock()


class SourceBlock(blocks.StructBlock):
    """Where the page's facts come from: named on the page under "Sources"."""

    title = blocks.CharBlock(max_length=300)
    publisher = blocks.CharBlock(max_length=200)
    url = blocks.URLBlock()

    class Meta:
        icon = "link"
