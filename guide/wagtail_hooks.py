"""CMS additions: the "Clinical review due" report, linked from the Reports menu and the work queue card."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import PageReportView

from guide.selectors import guide_pages_overdue


class ReviewDueReportView(PageReportView):
    page_title = _("Clinical review due")
    header_icon = "time"
    index_url_name = "guide_review_due_report"
    index_results_url_name = "guide_review_due_report_results"
    list_export = [*PageReportView.list_export, "next_review_due"]

    def get_queryset(self):
        self.queryset = guide_pages_overdue().specific().select_related("locale")
        return super().get_queryset()


@hooks.register("register_admin_urls")
def register_review_due_report_url():
    return [
        path("reports/review-due/", ReviewDueReportView.as_view(), name="guide_review_due_report"),
        path(
            "reports/review-due/results/",
            ReviewDueReportView.as_view(results_only=True),
            name="guide_review_due_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_review_due_report_menu_item():
    return MenuItem(_("Clinical review due"), reverse("guide_review_due_report"), icon_name="time", order=700)


@hooks.register("insert_global_admin_js")
def start_date_pickers_without_inline_scripts() -> str:
    """Wagtail's date pickers, started from a file (static/cms/date-choosers.js): the CSP refuses inline scripts."""
    return format_html('<script src="{}" defer></script>', static("cms/date-choosers.js"))
