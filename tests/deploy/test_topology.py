"""The production topology on loopback, driven through nginx like a clinic's users and Twilio.

nginx (TLS, the shipped deploy/nginx/carethread.conf) -> two gunicorn web nodes -> PostgreSQL
(database carethread_e2e) and Redis; two qcluster worker nodes on that Redis; Prism as the Twilio
API. One topology is started for the module (about 15 s) and torn down by the last test, which
also proves nothing is left running.
"""

import re
import threading
import time
from collections import Counter

import pytest
import requests

from deploy.scenario import audit_bookings, book, booking_load, fetch_slots, seed_load_experts
from deploy.topology import Topology, TopologySettings, missing_services
from tests.deploy.conftest import loud_skip

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
    def client() -> None:
        with topology.session(source_address=UNLIMITED) as session:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = session.get(topology.url(path), timeout=15).status_code
                except Exception as exc:  # a lost request is exactly what this measures
                    status = type(exc).__name__
                results.append((status, time.monotonic() - started))

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
    before = [len(topology.web_access_log(node)) for node in range(2)]
    topology.session().get(topology.url(f"/c/{token}/?phone=%2B919812345678&t=s3cret"), timeout=10)
    wait_for_access_lines(topology, before, 1)
    logs = "".join(path.read_text() for path in topology.logs.glob("*.access.log"))
    assert "/c/[token]/" in logs
    for secret in (token, "s3cret", "9812345678"):
        assert secret not in logs


def test_twilio_webhook_with_a_bad_signature_is_refused(topology):
    response = topology.session().post(
        topology.url("/messaging/twilio/inbound/"),
        data={"MessageSid": "SM" + "0" * 32, "From": "+919812345678", "Body": "C"},
        headers={"X-Twilio-Signature": "bm90IGEgcmVhbCBzaWduYXR1cmU="},
        timeout=10,
    )
    # TODO(deploy, PENDING messaging issue 4): the inbound webhook is not on main yet, so nginx
    # passes the request through and Django answers 404. Once messaging lands this must be 403.
    assert response.status_code == 404, "messaging landed: change this step to expect 403"


def test_booking_rate_limit_answers_429_past_the_burst(topology):
    with topology.session() as session:
        statuses = [session.get(topology.url("/book/"), timeout=10).status_code for _ in range(40)]
    limited = statuses.count(429)
    assert statuses[0] != 429
    assert limited >= 10, statuses  # burst 20 at 30 r/min: about half of 40 quick requests
    assert 429 not in statuses[:15]


def test_both_worker_clusters_take_tasks_from_redis(topology):
    script = (
        "from django_q.tasks import async_task\n"
        "print(','.join(async_task('math.sqrt', n * n) for n in range(20)))"
    )
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


def test_killed_web_node_loses_no_idempotent_request(topology):
    stop = threading.Event()
    results: list = []
    threads = stream_requests(topology, "/", stop, results)
    time.sleep(1.5)
    topology.kill_web_node(0)  # SIGKILL: requests in flight on web-0 die with it
    killed_at = len(results)
    time.sleep(2)
    topology.restart_web_node(0)
    served_after_restart = len(topology.web_access_log(0))
    time.sleep(12)  # nginx retries web-0 once fail_timeout (10 s) has passed
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    statuses = Counter(status for status, _ in results)
    slowest = max(seconds for _, seconds in results)
    print(f"\nweb node killed and restarted: {len(results)} requests ({killed_at} before the kill), "
          f"{dict(statuses)}, slowest {slowest:.2f} s")
    assert statuses == {200: len(results)}, statuses
    assert len(results) > killed_at + 50
    assert len(topology.web_access_log(0)) > served_after_restart, "restarted node got traffic back"


def test_twilio_mock_checks_the_contract_records_calls_and_gives_each_message_its_own_sid(topology):
    from deploy.topology import TWILIO_TEST_SID, TWILIO_TEST_TOKEN

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


def test_patient_books_a_consult_through_nginx_and_opens_the_manage_link(topology):
    seed_load_experts(topology, count=20)
    slot = fetch_slots(topology)[0]
    outcome = book(topology, slot, source_address="127.0.0.3")
    assert outcome.status == 201 and outcome.tries == 1
    token, status = topology.sql(
        "SELECT manage_token, status FROM consults_consult WHERE reference = %s", (outcome.reference,)
    )[0]
    assert status == "confirmed"
    page = topology.session().get(topology.url(f"/c/{token}/"), timeout=10)
    assert page.status_code == 200
    assert outcome.reference in page.text


def test_web_node_killed_during_booking_load_loses_and_doubles_no_booking(topology):
    slots = fetch_slots(topology)
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
    print(f"\nbooking load with web-1 killed: {audit.attempts} attempts ({killed_at} before the kill), "
          f"{audit.booked} booked, {audit.taken} slot taken (409), {audit.retried} retried by the client, "
          f"unanswered {len(audit.unanswered)}, lost {len(audit.lost)}, phantom {len(audit.phantom)}, "
          f"doubled {len(audit.doubled)}, overlapping {audit.overlaps}")
    assert audit.clean, audit
    assert audit.booked >= 20 and audit.taken >= 5  # real contention on the hot slots
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
