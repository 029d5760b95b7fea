"""The insights page and its CSV downloads: who may open them, what they contain, how many queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.reports import REPORTS, consult_outcomes, dose_adherence, first_reply
from insights.selectors import period_ending_this_week
from messaging.models import Status
from patients.csv_export import spreadsheet_safe
from tests.factories.activity import inbound, outbound
from tests.factories.consults import ConsultFactory
from tests.factories.people import PatientFactory
from tests.insights.conftest import LAST_WEEK, ist

pytestmark = pytest.mark.django_db

PAGE = "/admin/insights/"
CSV = "/admin/insights/outcomes.csv"


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("url", [PAGE, CSV], ids=["the page", "its csv download"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("alice", 200, id="coordinator alice"),
        pytest.param("bob", 200, id="coordinator bob"),
        pytest.param("ada", 200, id="admin"),
        pytest.param("erin", 403, id="expert"),
        pytest.param("charlie", 403, id="outsider"),
    ],
)
def test_coordinators_and_admins_open_insights_others_get_403(client, request, frozen_now, who, status, url):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == status


def test_anonymous_visitor_is_sent_to_the_console_login(client, frozen_now):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/insights/")


def test_anonymous_download_is_sent_to_the_console_login(client, frozen_now):
    assert client.get(CSV).status_code == 302


def test_dashboard_links_coordinators_to_insights(client, alice, frozen_now):
    client.force_login(alice)
    assert 'href="/admin/insights/"' in client.get("/admin/").content.decode()


def test_dashboard_hides_the_link_from_experts(client, erin, frozen_now):
    client.force_login(erin)
    assert "/admin/insights/" not in client.get("/admin/").content.decode()


def test_page_shows_every_report_with_a_chart_and_a_table(client, alice, clinic):
    client.force_login(alice)
    html = client.get(PAGE).content.decode()
    assert html.count('role="img"') == 7
    assert html.count('<table class="ins-table"') == 7
    assert html.count(".csv?weeks=12") == 7


def test_page_names_no_patient(client, ada, clinic):
    client.force_login(ada)
    html = client.get(PAGE).content.decode()
    assert clinic["asha"].full_name not in html


def test_unknown_period_says_what_to_choose_and_shows_twelve_weeks(client, alice, frozen_now):
    client.force_login(alice)
    response = client.get(PAGE, {"weeks": "abc"})
    assert "Choose a period of 4, 8, 12, 26 or 52 weeks." in response.content.decode()
    assert response.context["period"].weeks == 12


def test_csv_download_with_a_bad_period_is_400_naming_the_choices(client, alice, frozen_now):
    client.force_login(alice)
    response = client.get(CSV, {"weeks": "1000"})
    assert response.status_code == 400
    assert "Choose a period of 4, 8, 12, 26 or 52 weeks." in response.content.decode()


def test_unknown_csv_is_404(client, alice, frozen_now):
    client.force_login(alice)
    assert client.get("/admin/insights/nothing.csv").status_code == 404


def test_outcomes_rates(clinic, alice):
    row = next(r for r in consult_outcomes(alice, period_ending_this_week()).rows if r[0] == LAST_WEEK)
    assert row[5] == 50.0  # 1 no-show of 2 consults that were due
    assert row[6] == 33.3  # 1 cancelled of 3 scheduled


def test_first_reply_median_and_p90(clinic, alice):
    row = next(r for r in first_reply(alice, period_ending_this_week()).rows if r[0] == LAST_WEEK)
    assert row[1] == 4  # waits, one still open
    assert row[2] == 3
    assert row[3] == 40.0
    assert row[4] == 120.0


def test_dose_adherence_rate_leaves_out_waiting_doses(clinic, alice):
    row = next(r for r in dose_adherence(alice, period_ending_this_week()).rows if r[0] == LAST_WEEK)
    assert row[-1] == 60.0


def test_csv_download_has_the_tables_numbers(client, alice, clinic):
    client.force_login(alice)
    response = client.get(CSV, {"weeks": "4"})
    rows = _csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="carethread-outcomes-2026-10-26-to-2026-11-22.csv"'
    assert rows[0][0] == "Week starting"
    assert rows[3] == ["2026-11-09", "3", "1", "1", "1", "50.0", "33.3"]
    assert len(rows) == 5


def test_csv_writes_an_empty_cell_for_a_rate_with_nothing_to_divide(client, alice, clinic):
    client.force_login(alice)
    rows = _csv_rows(client.get(CSV, {"weeks": "4"}))
    assert rows[1] == ["2026-10-26", "0", "0", "0", "0", "", ""]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_get_a_leading_quote(start):
    assert spreadsheet_safe(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


def test_ordinary_text_and_numbers_are_written_unchanged():
    assert spreadsheet_safe("Unreachable handset.") == "Unreachable handset."
    assert spreadsheet_safe(-3) == -3


def test_a_formula_in_a_failure_reason_is_neutralised_in_the_download(client, alice, clinic):
    outbound(
        clinic["asha"],
        ist(12, 11),
        status=Status.FAILED,
        reason='=HYPERLINK("http://evil.example","x")',
        kind="reminder",
    )
    client.force_login(alice)
    rows = _csv_rows(client.get("/admin/insights/problems.csv"))
    reasons = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in reasons


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return len(queries)


def _more_activity(count: int, coordinator) -> None:
    for n in range(count):
        patient = PatientFactory(coordinator=coordinator)
        ConsultFactory(patient=patient, created_at=ist(10, 9), start=ist(12, 9 + n % 8, 0))
        inbound(patient, ist(10, 9, n % 50))
        outbound(patient, ist(10, 10, n % 50), by=coordinator)
        outbound(patient, ist(10, 11), status=Status.FAILED, reason=f"Reason {n % 3}", kind="reminder")


def test_page_query_count_does_not_grow_with_the_data(client, alice, clinic):
    client.force_login(alice)
    small = _page_queries(client)
    _more_activity(12, alice)
    assert _page_queries(client) == small


def test_csv_query_count_does_not_grow_with_the_data(client, alice, clinic):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as before:
        client.get("/admin/insights/first-reply.csv")
    _more_activity(12, alice)
    with CaptureQueriesContext(connection) as after:
        client.get("/admin/insights/first-reply.csv")
    assert len(after) == len(before)


@pytest.mark.parametrize("key", list(REPORTS))
def test_each_report_reads_with_one_query(clinic, alice, key, django_assert_num_queries):
    period = period_ending_this_week()
    alice._role_names = {"coordinator"}  # the role lookup is cached per request; count only the report
    with django_assert_num_queries(1):
        REPORTS[key](alice, period)
