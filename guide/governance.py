"""What happens when a guide page's clinical review is approved, and keeping the page cache honest.

Approving the "Clinical review" workflow (it publishes the page) is the clinical review: it records
the approver as the clinical reviewer, today as "last reviewed", the next review 12 months on, and
clears "translation awaiting clinical review". These are written to the live page in the same
transaction as the approval (WorkflowState.finish is atomic and sends workflow_approved inside it).
"""

from django.utils import timezone
from wagtail.models import Page, WorkflowState

from guide import cache as page_cache
from guide.models import ClinicallyReviewedPage, twelve_months_after


def page_review_record(*, page: Page, reviewer) -> None:
    """Record a completed clinical review on the live page (and its latest revision's copy of these fields)."""
    specific = page.specific
    if not isinstance(specific, ClinicallyReviewedPage):
        return
    today = timezone.localdate()
    fields = {
        "clinical_reviewer": reviewer,
        "last_reviewed": today,
        "next_review_due": twelve_months_after(today),
        "translation_awaiting_review": False,
    }
    type(specific).objects.filter(pk=specific.pk).update(**fields)
    page_cache.invalidate_all()


def on_workflow_approved(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    page = instance.content_object
    if isinstance(page, Page) and user is not None:
        page_review_record(page=page, reviewer=user)


def on_page_changed(sender=None, **kwargs) -> None:
    page_cache.invalidate_all()
