"""The production topology on loopback, driven through nginx like a clinic's users and Twilio.

nginx (TLS, the shipped deploy/nginx/carethread.conf) -> two gunicorn web nodes -> PostgreSQL
(database carethread_e2e) and Redis; two qcluster worker nodes on that Redis; Prism as the Twilio
API behind tests/topology/twilio_recorder.py. One topology is started for the module (about 15 s) and torn
down by the last test, which also proves nothing is left running. Tests share it in file order.
"""

import re
import threading
import time
from collections import Counter

import pytest
import requests

from tests.deploy.conftest import loud_skip
from tests.topology.harness import Topology, TopologySettings, missing_services
from tests.topology.scenario import (
    LoopbackAddresses,
    audit_bookings,
    book,
    booking_load,
    fetch_slots,
    seed_load_experts,
)
from tests.topology.scenario_messaging import (
    SWEEP_SCRIPT,
    due_unsent,
    exactly_once_report,
    in_reminder_window,
    inbound_params,
    let_sending_timeout_pass,
    message_rows,
    post_status_callback,
    reminder_ids,
    send_due_reminders,
    sent_count,
    signed_post,
    wait_until,
    wait_until_settled,
)

pytestmark = pytest.mark.topology
UNLIMITED = "127.0.0.2"  # exempt from nginx's rate limits in the topology (load-generator address)


@pytest.fixture(scope="module")
def topology(request):
    settings = TopologySettings()
    missing = missing_services(settings.pg_admin_url)
    if missing:
        loud_skip("production topology test", missing)
    failures_before = request.session.testsfailed
    topology = Topology(settings)
    try:
        topology.start()
        yield topology
    finally:
        # Keep the logs (the path is printed) when any test here failed.
        topology.failed = topology.failed or request.session.testsfailed > failures_before
        topology.stop()


def stream_requests(topology: Topology, path: str, stop: threading.Event, results: list, clients: int = 4) -> list:
    """Clients requesting `path` in a loop; results get (finished_at, status or error name, seconds)."""

    def client() -> None:
        with topology.session(source_address=UNLIMITED) as session:
            while not stop.is_set():
                started = time.monotonic()
                status: int | str
                try:
                    status = session.get(topology.url(path), timeout=15).status_code
                except Exception as exc:  # a lost or cut request is exactly what this measures
                    status = type(exc).__name__
                results.append((time.monotonic(), status, time.monotonic() - started))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def wait_for_access_lines(topology: Topology, before: list[int], expected: int) -> list[int]:
    """Lines added per node since `before`; gunicorn writes a line just after the response."""
    deadline = time.monotonic() + 5
    while True:
        served = [len(topology.web_access_log(node)) - before[node] for node in range(len(before))]
        if sum(served) >= expected or time.monotonic() > deadline:
            return served
        time.sleep(0.1)


def test_healthz_through_nginx_reports_database_and_broker_ok(topology):
    response = topology.session().get(topology.url("/healthz"), timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert response.headers["Server"] == "nginx"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_plain_http_redirects_to_https_but_answers_health_checks(topology):
    with topology.session() as session:
        http = f"http://127.0.0.1:{topology.ports['http']}"
        assert session.get(f"{http}/", allow_redirects=False, timeout=10).status_code == 301
        assert session.get(f"{http}/", allow_redirects=False, timeout=10).headers["Location"].startswith("https://")
        assert session.get(f"{http}/healthz", timeout=10).json()["database"] == "ok"


def test_requests_are_spread_over_both_web_nodes(topology):
    before = [len(topology.web_access_log(node)) for node in range(2)]
    with topology.session() as session:
        for _ in range(20):
            assert session.get(topology.url("/"), timeout=10).status_code == 200
    served = wait_for_access_lines(topology, before, 20)
    assert min(served) >= 5, f"round robin expected, got {served}"


def test_request_id_from_nginx_reaches_django_and_both_logs(topology):
    response = topology.session().get(topology.url("/"), timeout=10)
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32  # nginx's $request_id, accepted by RequestIdMiddleware

    def lines_for_request() -> tuple[list, list]:
        web = [line for node in range(2) for line in topology.web_access_log(node) if line["request_id"] == request_id]
        return web, [line for line in topology.nginx_access_log() if line["request_id"] == request_id]

    deadline = time.monotonic() + 5
    while not all(lines_for_request()) and time.monotonic() < deadline:
        time.sleep(0.1)
    web, edge = lines_for_request()
    assert [line["client"] for line in web] == ["127.0.0.1"]
    assert [line["path"] for line in edge] == ["/"]


def test_static_css_is_served_by_nginx_without_reaching_django(topology):
    before = sum(len(topology.web_access_log(node)) for node in range(2))
    response = topology.session().get(topology.url("/static/css/site.css"), timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/css"
    assert "max-age=" in response.headers["Cache-Control"]
    assert "X-Request-ID" not in response.headers  # Django sets it on everything it answers
    assert sum(len(topology.web_access_log(node)) for node in range(2)) == before


def test_access_logs_hold_no_query_strings_or_link_tokens(topology):
    token = "Zk3q9vT2xLmN8pQrTopology"
    with topology.session() as session:
        session.get(topology.url(f"/c/{token}/?phone=%2B919812345678&t=s3cret"), timeout=10)
        session.get(topology.url(f"/api/v1/consults/manage/{token}/"), timeout=10)

    def logs() -> str:
        return "".join(path.read_text() for path in topology.logs.glob("*.access.log"))

    # Both paths, redacted, in gunicorn's log and in nginx's (each writes once the answer is sent).
    assert wait_until(lambda: logs().count("/c/[token]/") >= 2 and logs().count("/manage/[token]/") >= 2, timeout=5)
    written = logs()
    for secret in (token, "s3cret", "9812345678"):
        assert secret not in written


def test_twilio_webhooks_with_a_bad_signature_are_refused_and_store_nothing(topology):
    params = inbound_params(phone="+919812345678", body="C")
    before = topology.sql("SELECT count(*) FROM messaging_message")[0][0]
    inbound = signed_post(topology, "/messaging/twilio/inbound/", params, signature="bm90IGEgcmVhbCBzaWduYXR1cmU=")
    status = signed_post(
        topology,
        "/messaging/twilio/status/?m=1",
        {"MessageSid": params["MessageSid"], "MessageStatus": "delivered"},
        signature="bm90IGEgcmVhbCBzaWduYXR1cmU=",
    )
    assert (inbound.status_code, status.status_code) == (403, 403)
    assert topology.sql("SELECT count(*) FROM messaging_message")[0][0] == before


def test_booking_rate_limit_answers_429_past_the_burst(topology):
    with topology.session() as session:
        statuses = [session.get(topology.url("/book/"), timeout=10).status_code for _ in range(40)]
    limited = statuses.count(429)
    assert statuses[0] != 429
    assert limited >= 10, statuses  # burst 20 at 30 r/min: about half of 40 quick requests
    assert 429 not in statuses[:15]


def test_both_worker_clusters_take_tasks_from_redis(topology):
    script = "from django_q.tasks import async_task\nprint(','.join(async_task('math.sqrt', n * n) for n in range(20)))"
    task_ids = topology.manage("shell", "-v", "0", "-c", script, check=True).stdout.strip().split(",")
    deadline = time.monotonic() + 30
    done: list = []
    while time.monotonic() < deadline:
        done = topology.sql("SELECT id, result FROM django_q_task WHERE id = ANY(%s) AND success", (task_ids,))
        if len(done) == len(task_ids):
            break
        time.sleep(0.3)
    assert len(done) == 20
    clusters = topology.manage("shell", "-v", "0", "-c", "from django_q.status import Stat; print(len(Stat.get_all()))")
    assert clusters.stdout.strip() == "2", clusters.stdout + clusters.stderr


def test_twilio_mock_checks_the_contract_records_calls_and_gives_each_message_its_own_sid(topology):
    from tests.topology.harness import TWILIO_TEST_SID, TWILIO_TEST_TOKEN

    api = f"{topology.env['TWILIO_API_BASE_URL']}/2010-04-01/Accounts/{TWILIO_TEST_SID}/Messages.json"
    auth = (TWILIO_TEST_SID, TWILIO_TEST_TOKEN)
    sent = [
        requests.post(api, data={"To": "+919812345678", "From": "+15005550006", "Body": "Hello"}, auth=auth, timeout=10)
        for _ in range(2)
    ]
    assert [response.status_code for response in sent] == [201, 201]
    assert sent[0].json()["sid"] != sent[1].json()["sid"]
    assert all(re.fullmatch(r"SM[0-9a-f]{32}", response.json()["sid"]) for response in sent)
    broken = requests.post(api, data={"Body": "No recipient"}, auth=auth, timeout=10)  # `To` is required
    assert broken.status_code == 422  # Prism's contract check, passed through
    recorded = [(call["status"], call["form"]["Body"]) for call in topology.twilio_requests()[-3:]]
    assert recorded == [(201, "Hello"), (201, "Hello"), (422, "No recipient")]
    assert [call["sid"] for call in topology.twilio_requests()[-3:-1]] == [response.json()["sid"] for response in sent]
    # Listing (the app's reconcile step) is answered from the record, newest first, as Twilio would.
    listed = requests.get(api, params={"To": "+919812345678", "PageSize": 20}, auth=auth, timeout=10)
    assert listed.status_code == 200
    assert [m["sid"] for m in listed.json()["messages"]][:2] == [r.json()["sid"] for r in reversed(sent)]


@pytest.fixture(scope="module")
def booked(topology):
    """One patient who booked through nginx (POST /api/v1/consults/)."""
    seed_load_experts(topology, count=20)
    # A slot 25-45 h ahead: its day-before reminder is what the C reply answers.
    slot = next(slot for slot in fetch_slots(topology, source_address=UNLIMITED) if in_reminder_window(slot))
    outcome = book(topology, slot, source_address="127.0.0.3")
    assert outcome.status == 201
    assert outcome.tries == 1
    return outcome


def test_patient_books_through_nginx_and_opens_the_manage_link(topology, booked):
    token, status = topology.sql(
        "SELECT manage_token, status FROM consults_consult WHERE reference = %s", (booked.reference,)
    )[0]
    assert status == "confirmed"
    page = topology.session().get(topology.url(f"/c/{token}/"), timeout=10)
    assert page.status_code == 200
    assert booked.reference in page.text


def test_booking_confirmation_reaches_twilio_once_and_status_callbacks_move_it_forward(topology, booked):
    def confirmations() -> list[tuple]:
        return message_rows(topology, phone=booked.phone, kind="consult_confirmation")

    assert wait_until(lambda: any(row[2] for row in confirmations()), timeout=30)
    [(message_id, status, sid, body)] = confirmations()
    assert status == "accepted"
    calls = [call for call in topology.twilio_requests() if call["form"].get("To") == booked.phone]
    assert [(call["sid"], call["form"]["Body"]) for call in calls] == [(sid, body)]
    assert "/c/" in body
    assert calls[0]["form"]["StatusCallback"].endswith(f"/messaging/twilio/status/?m={message_id}")
    # Twilio reports delivery; a late "sent" arriving afterwards must not move the status back.
    assert post_status_callback(topology, message_id, sid, "delivered").status_code == 200
    assert post_status_callback(topology, message_id, sid, "sent").status_code == 200
    assert confirmations()[0][1] == "delivered"


def test_signed_c_reply_to_the_reminder_confirms_attendance(topology, booked):
    assert send_due_reminders(topology) >= 1
    [reminder] = reminder_ids(topology, [booked.reference])
    assert wait_until(lambda: sent_count(topology, [reminder]) == 1, timeout=30)
    params = inbound_params(phone=booked.phone, body="C")
    first = signed_post(topology, "/messaging/twilio/inbound/", params)
    replay = signed_post(topology, "/messaging/twilio/inbound/", params)  # Twilio retries the same MessageSid
    assert (first.status_code, replay.status_code) == (200, 200)
    assert first.headers["Content-Type"].startswith("text/xml")
    assert "<Response/>" in first.text

    def stored() -> list[tuple]:
        return topology.sql(
            "SELECT direction, body, handled_by FROM messaging_message WHERE twilio_sid = %s", (params["MessageSid"],)
        )

    def confirmed_at():
        query = "SELECT attendance_confirmed_at FROM consults_consult WHERE reference = %s"
        return topology.sql(query, (booked.reference,))[0][0]

    assert wait_until(lambda: confirmed_at() is not None, timeout=30), "no worker handled the C reply"
    [(direction, body, handled_by)] = stored()
    assert (direction, body) == ("in", "C")
    assert handled_by
    # The patient is told it worked: that answer goes out through the mock too.
    assert wait_until(
        lambda: any(row[2] for row in message_rows(topology, phone=booked.phone, kind="consult_attendance_confirmed")),
        timeout=30,
    )


def test_worker_killed_mid_batch_of_reminders_sends_each_reminder_exactly_once(topology):
    slots = [slot for slot in fetch_slots(topology, source_address=UNLIMITED) if in_reminder_window(slot)]
    addresses = LoopbackAddresses()
    outcomes = [book(topology, slot, source_address=addresses.next()) for slot in slots[5:45]]
    assert [outcome.status for outcome in outcomes] == [201] * 40
    # Let the 40 booking confirmations go out first, so the batch below is only reminders.
    assert wait_until(lambda: due_unsent(topology) == 0, timeout=60)

    send_due_reminders(topology)
    reminders = reminder_ids(topology, [outcome.reference for outcome in outcomes])
    assert len(reminders) == 40
    # Sends are paced at MESSAGING_SMS_PER_SECOND (10/s): the batch takes about 4 s.
    assert wait_until(lambda: sent_count(topology, reminders) >= 5, timeout=30, interval=0.05)
    topology.kill_worker(0)  # SIGKILL: its claimed and prefetched reminders are orphaned
    sent_at_kill = sent_count(topology, reminders)
    assert sent_at_kill < 40, "the kill came after the batch: nothing was tested"
    sent_by_survivor = wait_until_settled(topology, reminders)
    stranded = 40 - sent_by_survivor
    let_sending_timeout_pass(topology, reminders)
    sweep = topology.manage("shell", "-v", "0", "-c", SWEEP_SCRIPT, check=True).stdout.strip()
    assert wait_until(lambda: sent_count(topology, reminders) == 40, timeout=60), "reminders never sent"
    topology.start_worker(0)

    report = exactly_once_report(topology, reminders)
    print(
        f"\nworker killed mid-batch: {sent_at_kill}/40 reminders sent at the kill, {stranded} stranded until "
        f"the sweeper ({sweep}), API sends per reminder {sorted(set(report.api_sends.values()))}"
    )
    assert report.exactly_once, report


def test_web_nodes_killed_or_restarted_under_a_stream_of_requests(topology):
    """SIGKILL web-0, bring it back, then restart web-1 the way an upgrade does (SIGTERM)."""
    stop = threading.Event()
    results: list = []
    threads = stream_requests(topology, "/", stop, results)
    time.sleep(1.5)
    killed_at = time.monotonic()
    topology.kill_web_node(0)  # requests in flight on web-0 die with it
    time.sleep(1)
    topology.start_web_node(0)
    served = len(topology.web_access_log(0))
    # nginx tries web-0 again after fail_timeout (10 s): wait for traffic to reach it.
    assert wait_until(lambda: len(topology.web_access_log(0)) > served + 20, timeout=20), "web-0 got no traffic back"
    restart_started = time.monotonic()
    topology.restart_web_node(1, graceful=True)  # requests in flight finish first
    time.sleep(1.5)
    restart_done = time.monotonic()
    stop.set()
    for thread in threads:
        thread.join(timeout=20)

    failures = [(at, status) for at, status, _ in results if status != 200]
    after_kill = [status for at, status in failures if killed_at <= at < killed_at + 2]
    during_restart = [status for at, status in failures if restart_started <= at <= restart_done]
    slowest = max(seconds for _, _, seconds in results)
    print(
        f"\nstream of {len(results)} page requests: web-0 SIGKILLed and restarted, then web-1 restarted with "
        f"SIGTERM; not answered in full: {Counter(status for _, status in failures) or 0} (all within 2 s of "
        f"the SIGKILL: {len(after_kill) == len(failures)}), slowest {slowest:.2f} s"
    )
    # A graceful restart loses nothing: nginx retries refused connections on the other node.
    assert during_restart == []
    # A SIGKILL can only cut responses that were already on their way (nginx had sent the headers,
    # so it cannot retry): at most one per gunicorn worker of the killed node, never a refused or
    # failed request.
    assert len(failures) == len(after_kill) <= topology.settings.gunicorn_workers, failures
    assert set(after_kill) <= {"ChunkedEncodingError"}, failures
    assert len(results) > 500


def test_web_node_killed_during_booking_load_loses_and_doubles_no_booking(topology):
    slots = fetch_slots(topology, source_address=UNLIMITED)
    stop = threading.Event()
    outcomes, threads = booking_load(topology, slots, stop=stop, clients=6)
    time.sleep(2)
    topology.kill_web_node(1)  # SIGKILL mid-load: bookings in flight on web-1 die with it
    killed_at = len(outcomes)
    time.sleep(1)
    topology.start_web_node(1)
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    audit = audit_bookings(topology, outcomes)
    print(
        f"\nbooking load with web-1 killed: {audit.attempts} attempts ({killed_at} before the kill), "
        f"{audit.booked} booked, {audit.taken} slot taken (409), {audit.retried} retried by the client, "
        f"unanswered {len(audit.unanswered)}, lost {len(audit.lost)}, phantom {len(audit.phantom)}, "
        f"doubled {len(audit.doubled)}, overlapping {audit.overlaps}"
    )
    assert audit.clean, audit
    assert audit.booked >= 20
    assert audit.taken >= 5
    assert audit.attempts > killed_at + 20


def test_teardown_stops_every_process_and_frees_every_port(topology):
    processes = topology.all_processes()
    assert len(processes) == 8  # nginx, 2 web, 2 workers, Redis, Prism, the Twilio recorder
    assert all(process.running() for process in processes)
    leftovers = topology.stop()
    assert leftovers == []
    assert not any(process.running() for process in processes)
    assert topology.open_ports() == []
    assert not topology.database_exists()
