"""Clinical governance: review fields, the clinical-review workflow, overdue reviews, consent for stories."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Locale, WorkflowState

from clinic.queue import queue_cards
from guide.models import GuidePage, LandingPage, PatientStoryPage, twelve_months_after
from guide.richtext import GuideRichTextBlock, clean_guide_html
from guide.selectors import guide_pages_overdue

pytestmark = [pytest.mark.django_db, pytest.mark.guide_seeded_once]

PAYLOAD = '<p>Hi<script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">x</a></p>'


def english(slug: str) -> GuidePage:
    return GuidePage.objects.get(slug=slug, locale__language_code="en")


def hindi(slug: str) -> GuidePage:
    return GuidePage.objects.get(slug=slug, locale__language_code="hi")


def test_rich_text_payload_loses_its_script(guide_site):
    assert "<script" not in clean_guide_html(PAYLOAD)


def test_rich_text_payload_loses_its_event_handler(guide_site):
    assert "onerror" not in clean_guide_html(PAYLOAD)


def test_rich_text_payload_loses_its_javascript_link(guide_site):
    assert "javascript:" not in clean_guide_html(PAYLOAD)


def test_rich_text_keeps_the_allowed_features():
    html = '<h2>A</h2><h3>B</h3><p><strong>c</strong> <em>d</em> <a href="https://e.org/">e</a></p><ul><li>f</li></ul>'
    assert clean_guide_html(html) == html


def test_rich_text_stored_with_script_renders_without_it():
    block = GuideRichTextBlock()
    rendered = str(block.render(block.to_python(PAYLOAD)))
    assert "<script" not in rendered
    assert "onerror" not in rendered


def test_a_page_published_with_a_script_payload_serves_none(client, guide_site, reviewer):
    page = english("missed-doses")
    page.body = [("text", block_value(PAYLOAD))]
    page.save_revision(user=reviewer).publish(user=reviewer)
    body = client.get("/missed-doses/").content.decode()
    assert "alert(" not in body


def block_value(html: str):
    return GuideRichTextBlock().to_python(html)


def test_every_page_has_a_reviewer_dates_and_a_source(guide_site):
    pages = [*LandingPage.objects.all(), *GuidePage.objects.all()]
    assert len(pages) == 6
    for page in pages:
        assert page.clinical_reviewer_id is not None, page
        assert page.next_review_due > page.last_reviewed, page
        assert len(page.sources) >= 1, page


def test_a_page_without_sources_fails_validation(guide_site):
    page = english("missed-doses")
    page.sources = []
    with pytest.raises(ValidationError, match="at least one source"):
        page.full_clean()


def test_a_page_without_a_clinical_reviewer_fails_validation(guide_site):
    page = english("missed-doses")
    page.clinical_reviewer = None
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "clinical_reviewer" in error.value.message_dict


def test_next_review_must_come_after_the_last(guide_site):
    page = english("missed-doses")
    page.next_review_due = page.last_reviewed
    with pytest.raises(ValidationError, match="must come after the last review"):
        page.full_clean()


def test_next_review_defaults_to_twelve_months_after_today():
    with time_machine.travel(date(2026, 3, 10)):
        assert GuidePage().next_review_due == date(2027, 3, 10)


def test_twelve_months_after_a_leap_day_is_the_28th():
    assert twelve_months_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_an_editor_cannot_publish(guide_site, editor):
    assert english("missed-doses").permissions_for_user(editor).can_publish() is False


def test_a_reviewer_can_publish(guide_site, reviewer):
    assert english("missed-doses").permissions_for_user(reviewer).can_publish() is True


def test_the_editor_is_offered_submit_for_review_not_publish(client, guide_site, editor):
    client.force_login(editor)
    body = client.get(f"/cms/pages/{english('missed-doses').pk}/edit/").content.decode()
    assert 'name="action-publish"' not in body
    assert 'name="action-submit"' in body


def submit_change(page: GuidePage, editor, title: str) -> WorkflowState:
    page.title = title
    page.save_revision(user=editor)
    return page.get_workflow().start(page, editor)


def test_an_editors_change_stays_off_the_site_until_a_reviewer_approves(guide_site, editor):
    submit_change(english("missed-doses"), editor, "Edited by the editor")
    assert english("missed-doses").title == "Missed doses"


def test_the_editor_has_no_approve_action(guide_site, editor):
    state = submit_change(english("missed-doses"), editor, "Edited by the editor")
    task_state = state.current_task_state
    assert task_state.task.specific.get_actions(english("missed-doses"), editor) == []


def test_the_reviewers_approval_publishes_the_change(guide_site, editor, reviewer):
    state = submit_change(english("missed-doses"), editor, "Edited by the editor")
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    assert english("missed-doses").title == "Edited by the editor"


def test_approval_records_the_reviewer_and_restarts_the_review_clock(guide_site, editor, reviewer):
    with time_machine.travel(timezone.localdate() + timedelta(days=40)):
        state = submit_change(english("missed-doses"), editor, "Edited by the editor")
        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, reviewer, "approve")
        page = english("missed-doses")
        assert page.last_reviewed == timezone.localdate()
        assert page.next_review_due == twelve_months_after(timezone.localdate())
        assert page.clinical_reviewer == reviewer


def test_approving_a_hindi_page_clears_the_awaiting_review_notice(client, guide_site, editor, reviewer):
    state = submit_change(hindi("missed-doses"), editor, "छूटी हुई खुराक")
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    assert hindi("missed-doses").translation_awaiting_review is False
    assert "डॉक्टर की जाँच का इंतज़ार" not in client.get("/hi/missed-doses/").content.decode()


def test_a_new_translation_starts_awaiting_review(guide_site):
    page = english("missed-doses")
    tamil = Locale.objects.create(language_code="ta")
    GuidePage.objects.filter(locale=tamil).delete()
    landing_ta = LandingPage.objects.get(locale__language_code="en").copy_for_translation(tamil)
    copy = page.copy_for_translation(tamil)
    assert landing_ta.specific.translation_awaiting_review is True
    assert copy.specific.translation_awaiting_review is True


def overdue_day() -> date:
    return english("missed-doses").next_review_due + timedelta(days=1)


def test_a_page_past_its_review_date_tells_readers(client, guide_site):
    with time_machine.travel(overdue_day()):
        body = client.get("/missed-doses/").content.decode()
    assert "was due for its clinical review" in body


def test_a_page_within_its_review_date_has_no_overdue_notice(client, guide_site):
    assert "was due for its clinical review" not in client.get("/missed-doses/").content.decode()


def test_overdue_reviews_show_on_the_coordinators_work_queue(guide_site, alice):
    GuidePage.objects.filter(slug="missed-doses").update(next_review_due=timezone.localdate() - timedelta(days=1))
    card = next(card for card in queue_cards(alice) if card.key == "guide_reviews_overdue")
    assert card.count == 2
    assert card.url == "/cms/reports/review-due/"


def test_the_work_queue_card_counts_in_fixed_queries(guide_site, alice, django_assert_num_queries):
    from guide.queue_cards import guide_review_cards

    with django_assert_num_queries(2):  # the role check, then one count
        guide_review_cards(alice, True)


def test_outsiders_get_no_guide_card(guide_site, charlie):
    assert [card for card in queue_cards(charlie) if card.key == "guide_reviews_overdue"] == []


def test_the_cms_report_lists_overdue_pages(client, guide_site, ada):
    GuidePage.objects.filter(slug="missed-doses", locale__language_code="en").update(
        next_review_due=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(ada)
    body = client.get("/cms/reports/review-due/").content.decode()
    assert "Missed doses" in body
    assert "How to take imatinib" not in body


def test_overdue_selector_ignores_pages_not_yet_due(guide_site):
    assert list(guide_pages_overdue()) == []


def story(landing: LandingPage, reviewer, **fields) -> PatientStoryPage:
    page = PatientStoryPage(
        title="Asha's story",
        slug="ashas-story",
        live=False,
        clinical_reviewer=reviewer,
        sources=[("source", {"title": "Interview", "publisher": "Clinic", "url": "https://example.org/"})],
        body=[("text", block_value("<p>My story.</p>"))],
        **fields,
    )
    landing.add_child(instance=page)
    return page


def test_a_patient_story_cannot_be_published_without_recorded_consent(guide_site, reviewer):
    page = story(LandingPage.objects.get(locale__language_code="en"), reviewer)
    with pytest.raises(ValidationError, match="signed consent"):
        page.save_revision(user=reviewer).publish(user=reviewer)


def test_a_patient_story_with_recorded_consent_can_be_published(guide_site, reviewer):
    page = story(
        LandingPage.objects.get(locale__language_code="en"),
        reviewer,
        consent_recorded_on=date(2026, 11, 1),
        consent_reference="Consent file 2026/14",
    )
    page.save_revision(user=reviewer).publish(user=reviewer)
    assert PatientStoryPage.objects.get(pk=page.pk).live is True
