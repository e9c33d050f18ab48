"""Hardening against a real gunicorn (2+ workers) on loopback, with a real Redis and PostgreSQL."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from sqlalchemy import create_engine, text

from tests.constants import LOG_FIELDS
from tests.databases import admin_url, fill_database, postgres_database
from tests.live import start_live_server
from tests.ops.hardening import (
    API_KEY,
    BEARER,
    get,
    get_many,
    json_lines,
    log_files,
    sample,
    scrape,
    start_app,
    worker_pids_with_metrics,
)
from tests.services import RedisServer

pytestmark = pytest.mark.live

KEY = {"X-API-Key": API_KEY}
ORIGIN = "https://panel.example"


@pytest.fixture(scope="module")
def redis_keys():
    """A redis-server of this module's own (tests/services.py), removed at its end."""
    server = RedisServer().start()
    yield redis.Redis.from_url(server.url())
    server.stop(remove=True)


@pytest.fixture(scope="module")
def server(tiny_sqlite_url, redis_keys):
    """Two workers sharing rate limits in Redis, behind one trusted proxy, CORS for one origin."""
    live = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_API_KEY": API_KEY,
            "DASHBOARD_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DASHBOARD_TRUSTED_PROXIES": "1",
            "DASHBOARD_CORS_ORIGINS": ORIGIN,
            "DASHBOARD_RATELIMIT_MAX": "5",
            "DASHBOARD_RATELIMIT_WINDOW": "60",
            "DASHBOARD_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:{port}/0".format(
                **redis_keys.connection_pool.connection_kwargs
            ),
        },
        workers=2,
    )
    yield live
    live.stop()


def client_address() -> dict[str, str]:
    """A fresh client address (through the trusted proxy), so each test has its own bucket."""
    number = uuid.uuid4().int
    return {"X-Forwarded-For": f"10.{number % 250}.{number // 250 % 250}.{number // 62500 % 250}"}


def assert_security_headers(response) -> None:
    """Assert the headers of docs/api.md, «Encabezados»."""
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] and headers["Permissions-Policy"]
    policy = headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'self'")
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["X-Request-ID"]


def test_every_kind_of_route_carries_the_headers(server):
    index = get(server, "/")
    suite = index.text.split('src="/_dash-component-suites/', 1)[1].split('"', 1)[0]
    responses = {
        "page": index,
        "unknown page": get(server, "/no-existe"),
        "health": get(server, "/health"),
        "api": get(server, "/api/summary", headers={**KEY, **client_address()}),
        "api 401": get(server, "/api/summary"),
        "api 404": get(server, "/api/no-existe", headers=KEY),
        "metrics": get(server, "/metrics", headers=BEARER),
        "dash layout": get(server, "/_dash-layout"),
        "asset": get(server, "/_dash-component-suites/" + suite),
        "callback": requests.post(server.url + "/_dash-update-component", json={}, timeout=10),
    }
    assert responses["page"].status_code == 200
    assert responses["api"].status_code == 200
    assert responses["asset"].status_code == 200
    for name, response in responses.items():
        assert "Content-Security-Policy" in response.headers, name
        assert_security_headers(response)
    assert "Strict-Transport-Security" not in responses["page"].headers


def test_unlisted_host_is_refused_with_json_400(server):
    response = get(server, "/health", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_host"
    assert get(server, "/health", headers={"Host": "localhost"}).status_code == 200


def test_rate_limit_holds_across_workers_with_redis(server):
    who = client_address()
    responses = get_many(server, "/api/summary", 20, threads=10, headers={**KEY, **who})
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 15
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["X-RateLimit-Limit"] == "5"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    # Another client still has its own full bucket.
    assert get(server, "/api/summary", headers={**KEY, **client_address()}).status_code == 200


def test_metric_totals_equal_the_requests_sent_across_workers(server):
    before = scrape(server)
    responses = get_many(server, "/health", 60, threads=12)
    assert {r.status_code for r in responses} == {200}
    after = scrape(server)
    sent = sample(after, "dashboard_requests_total", route="/health") - sample(
        before, "dashboard_requests_total", route="/health"
    )
    assert sent == 60
    count = "dashboard_request_duration_seconds_count"
    assert sample(after, count, route="/health") - sample(before, count, route="/health") == 60
    assert len(worker_pids_with_metrics(server)) >= 2, "both workers must have served"
    assert sample(after, "dashboard_uptime_seconds") > 0


def test_no_raw_path_in_metric_labels(server):
    get(server, "/ruta-inventada-a1b2c3")
    get(server, "/otra/inventada-d4e5f6?x=1")
    text = scrape(server)
    assert "inventada" not in text
    assert sample(text, "dashboard_requests_total", route="dash_page_unknown") >= 2
    assert "_dash-component-suites" not in text


def test_metrics_need_the_key(server):
    assert get(server, "/metrics").status_code == 401
    wrong = {"Authorization": "Bearer otra-0123456789abcd"}
    assert get(server, "/metrics", headers=wrong).status_code == 401


def test_json_logs_carry_the_request_id_and_no_secret(server):
    request_id = f"live-{uuid.uuid4().hex[:12]}"
    get(
        server,
        f"/api/summary?key={API_KEY}",
        headers={"X-Request-ID": request_id, "Authorization": f"Bearer {API_KEY}"},
    )
    time.sleep(0.3)
    lines = json_lines(server.log_dir)
    [line] = [entry for entry in lines if entry["request_id"] == request_id]
    assert set(line) == LOG_FIELDS
    assert line["path"] == "/api/summary"
    assert line["route"] == "/api/summary"
    for path in [*log_files(server.log_dir), server.output_path]:
        assert API_KEY not in path.read_text(encoding="utf-8")
    assert request_id in server.output()  # the same line went to stdout


def test_cors_allowed_and_refused(server):
    allowed = get(server, "/api/summary", headers={**KEY, "Origin": ORIGIN, **client_address()})
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    other = get(server, "/api/summary", headers={**KEY, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = requests.options(
        server.url + "/api/summary",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    assert preflight.status_code == 204
    refused = requests.options(
        server.url + "/api/summary",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"},
        timeout=10,
    )
    assert refused.status_code == 403


@pytest.fixture(scope="module")
def https_server(tiny_sqlite_url):
    """Two workers forcing HTTPS and HSTS behind one trusted proxy, limits in memory."""
    live = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_FORCE_HTTPS": "true",
            "DASHBOARD_ALLOWED_HOSTS": "dash.example,127.0.0.1",
            "DASHBOARD_ENABLE_HSTS": "true",
            "DASHBOARD_TRUSTED_PROXIES": "1",
        },
        workers=2,
    )
    yield live
    live.stop()


def test_plain_http_is_redirected_with_308(https_server):
    response = get(https_server, "/analytics?meses=6", headers={"Host": "dash.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == "https://dash.example/analytics?meses=6"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_health_is_not_redirected(https_server):
    assert get(https_server, "/health").status_code == 200


def test_https_through_the_proxy_is_served_with_hsts(https_server):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = get(https_server, "/", headers=headers)
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers
    time.sleep(0.3)
    request_id = response.headers["X-Request-ID"]
    [line] = [e for e in json_lines(https_server.log_dir) if e["request_id"] == request_id]
    assert line["client_ip"] == "203.0.113.9"


def test_memory_limits_with_several_workers_warn_at_start(https_server):
    output = https_server.output()
    assert output.count("cada worker cuenta por separado") == 1


def test_rotation_with_several_workers_loses_and_splits_no_line(tiny_sqlite_url):
    live = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_LOG_ROTATE_WHEN": "S",
            "DASHBOARD_LOG_BACKUP_COUNT": "1000",
            "DASHBOARD_RATELIMIT_ENABLED": "false",
        },
        workers=3,
    )
    sent = [f"rot-{i:04d}-{uuid.uuid4().hex[:8]}" for i in range(400)]
    try:
        for batch in range(4):  # spread over several seconds, so several rotations happen
            chunk = sent[batch * 100 : (batch + 1) * 100]
            with ThreadPoolExecutor(12) as pool:
                statuses = set(pool.map(lambda rid: health_with_id(live, rid), chunk))
            assert statuses == {200}
            time.sleep(0.8)
    finally:
        live.stop()
    assert len(log_files(live.log_dir)) >= 3, "the log must have rotated"
    lines = json_lines(live.log_dir)  # every line parses: none was split
    access = [e["request_id"] for e in lines if e["logger"] == "minimarket_dash.access"]
    seen = [rid for rid in access if rid.startswith("rot-")]
    assert sorted(seen) == sorted(sent)  # each exactly once


def health_with_id(live, request_id: str) -> int:
    """GET /health with a given request id and return the status."""
    return get(live, "/health", headers={"X-Request-ID": request_id}).status_code


def test_database_that_disappears_gives_503_and_the_server_stays_up():
    with postgres_database("mmdash_vanish") as url:
        fill_database(url)
        live = start_live_server({"DASHBOARD_DATABASE_URL": url}, workers=2)
        try:
            assert get(live, "/health").json()["database"] == "ok"
            drop_database(url.rsplit("/", 1)[1])
            responses = get_many(live, "/health", 6, threads=3)
            assert {r.status_code for r in responses} == {503}
            body = responses[0].json()
            assert body["status"] == "degraded" and body["database"] == "error"
            assert "Traceback" not in responses[0].text and "psycopg" not in responses[0].text
            assert get(live, "/").status_code == 200  # pages still answer
            assert live.process.poll() is None
        finally:
            assert live.stop() == 0


def drop_database(name: str) -> None:
    """Terminate the connections to `name` and drop it."""
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE "{name}"'))
    admin.dispose()


def test_sigterm_lets_requests_in_flight_finish(tiny_sqlite_url):
    live = start_app("tests.ops.slow_app:server", {"DASHBOARD_DATABASE_URL": tiny_sqlite_url})
    results: list = []

    def slow_request():
        try:
            results.append(get(live, "/__slow?s=3", timeout=30))
        except requests.RequestException as exc:
            results.append(exc)

    threads = [threading.Thread(target=slow_request) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    live.process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(timeout=40)
    assert live.process.wait(timeout=40) == 0
    assert [getattr(r, "status_code", r) for r in results] == [200] * 4
    assert all(r.text == "listo" for r in results)
    with pytest.raises(requests.ConnectionError):
        get(live, "/health", timeout=3)
