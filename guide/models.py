"""The patient guide's pages: a landing page (the site root), guide pages, and patient stories.

Every page carries clinical governance, as health publishers do: an owner (Wagtail's page owner), a
clinical reviewer, when it was last reviewed, when the next review is due (12 months later unless the
reviewer says otherwise) and at least one source. Publishing goes through the "Clinical review"
workflow (guide/migrations/0002); approving it records the reviewer and the dates (guide/governance.py).
Translations (Hindi) say "translation awaiting clinical review" until their own workflow is approved.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from consults.models import Topic
from guide import cache as page_cache
from guide.blocks import GuideStreamBlock, QuestionBlock, SourceBlock

REVIEW_INTERVAL_MONTHS = 12


def twelve_months_after(day: date) -> date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def default_next_review() -> date:
    return twelve_months_after(timezone.localdate())


class ClinicallyReviewedPage(Page):
    """Fields and rules every public guide page shares: review governance, sources, caching."""

    clinical_reviewer = models.ForeignKey(
        # null only so deleting a user keeps the page; blank=False: validation always asks for one.
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The clinician who checks this page's facts. Approving the clinical review records who did."),
    )
    last_reviewed = models.DateField(default=timezone.localdate)
    next_review_due = models.DateField(default=default_next_review, help_text=_("12 months after the last review."))
    sources = StreamField([("source", SourceBlock())], min_num=1, help_text=_("At least one source."))
    # Set for translations by the seed (and on creation); cleared when the translation's clinical
    # review workflow is approved. Not in the editor's panels: only approval clears it.
    translation_awaiting_review = models.BooleanField(default=False, editable=False)

    governance_panels = [
        MultiFieldPanel(
            [FieldPanel("clinical_reviewer"), FieldPanel("last_reviewed"), FieldPanel("next_review_due")],
            heading=_("Clinical review"),
        ),
        FieldPanel("sources"),
    ]

    search_fields = [*Page.search_fields, index.SearchField("search_description")]

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.last_reviewed and self.next_review_due and self.next_review_due <= self.last_reviewed:
            errors["next_review_due"] = _("The next review must come after the last review.")
        if not self.sources:
            errors["sources"] = _("Add at least one source for this page's facts.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # A new page in another language than the default is a translation nobody has checked yet.
        if self._state.adding and self.locale_id and self.locale.language_code != settings.LANGUAGE_CODE:
            self.translation_awaiting_review = True
        return super().save(*args, **kwargs)

    @property
    def review_overdue(self) -> bool:
        return self.next_review_due < timezone.localdate()

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["translations"] = list(self.get_translations(inclusive=True).live().select_related("locale"))
        return context

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return page_cache.serve_cached(
            self, request, lambda: super(ClinicallyReviewedPage, self).serve(request, *args, **kwargs)
        )


class LandingPage(ClinicallyReviewedPage):
    """The site root: what imatinib does, who it is for, the sections as cards, the calls to action, FAQs."""

    intro = models.TextField(help_text=_("1–3 short sentences: what imatinib does and who it is for."))
    faqs = StreamField([("faq", QuestionBlock())], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("faqs")]
    settings_panels = [*Page.settings_panels, *ClinicallyReviewedPage.governance_panels]
    search_fields = [*ClinicallyReviewedPage.search_fields, index.SearchField("intro")]
    subpage_types = ["guide.GuidePage", "guide.PatientStoryPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    template = "guide/landing_page.html"

    class Meta:
        verbose_name = _("landing page")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = GuidePage.objects.child_of(self).live().public().order_by("path")
        context["faq_items"] = [block.value for block in self.faqs]
        return context


class GuidePage(ClinicallyReviewedPage):
    """One section of the guide (e.g. "How to take imatinib"), built from the guide's blocks."""

    summary = models.CharField(max_length=160, help_text=_("One sentence: card text and meta description."))
    topic = models.CharField(
        max_length=20,
        choices=Topic.choices,
        help_text=_('The consult topic this page\'s "book a consult" links choose.'),
    )
    body = StreamField(GuideStreamBlock())

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("topic"), FieldPanel("body")]
    settings_panels = [*Page.settings_panels, *ClinicallyReviewedPage.governance_panels]
    search_fields = [
        *ClinicallyReviewedPage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["guide.LandingPage"]
    subpage_types: list[str] = []
    template = "guide/guide_page.html"

    class Meta:
        verbose_name = _("guide page")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["faq_items"] = [item for block in self.body if block.block_type == "faq" for item in block.value]
        return context


class PatientStoryPage(ClinicallyReviewedPage):
    """A patient's own story. It cannot go live until the clinic has recorded the patient's written consent."""

    consent_recorded_on = models.DateField(null=True, blank=True, help_text=_("Date the signed consent was filed."))
    consent_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Where the signed consent form is kept (file or scan reference)."),
    )
    body = StreamField(GuideStreamBlock())

    content_panels = [*Page.content_panels, FieldPanel("body")]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel([FieldPanel("consent_recorded_on"), FieldPanel("consent_reference")], heading=_("Consent")),
        *ClinicallyReviewedPage.governance_panels,
    ]
    parent_page_types = ["guide.LandingPage"]
    subpage_types: list[str] = []
    template = "guide/guide_page.html"

    class Meta:
        verbose_name = _("patient story")
        verbose_name_plural = _("patient stories")

    @property
    def has_consent(self) -> bool:
        return self.consent_recorded_on is not None and bool(self.consent_reference.strip())

    def clean(self) -> None:
        super().clean()
        if self.live and not self.has_consent:
            message = _("Record the patient's signed consent (date and reference) before publishing.")
            raise ValidationError({"consent_recorded_on": message})
