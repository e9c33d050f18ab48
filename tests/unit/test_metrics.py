"""/metrics and the request metrics in a single process (the live tests cover gunicorn)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from minimarket_dash.routes import route
from tests.app_process import HttpClient
from tests.constants import API_KEY, AUTH


@pytest.fixture
def app(make_app, tiny_sqlite_url):
    """An app over the tiny fixture with the test key and a low API limit."""
    return make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,), ratelimit_max=2)


def scrape(client) -> str:
    """Return the /metrics text, read with a Bearer key as Prometheus does."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def sample(text: str, name: str, **labels: str) -> float:
    """Return the sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2]))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match[3])
    return total


def test_metrics_need_the_key(app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"X-API-Key": "otra-clave-0123456789"}).status_code == 401
    assert client.get("/metrics", headers=AUTH).status_code == 200


def test_request_counter_and_histogram_count_every_request(app):
    client = app.test_client()
    for _ in range(5):
        client.get("/health")
    text = scrape(client)
    assert sample(text, "dashboard_requests_total", route="/health", status="200") == 5
    assert (
        sample(text, "dashboard_request_duration_seconds_count", method="GET", route="/health") == 5
    )
    assert "dashboard_uptime_seconds " in text


def test_429_and_5xx_have_their_counters(app):
    def explode():
        raise RuntimeError("boom")

    app.add_url_rule("/explota", "explota", explode)
    client = app.test_client()
    for _ in range(3):
        client.get("/api/summary", headers=AUTH)
    client.get("/explota")
    text = scrape(client)
    assert sample(text, "dashboard_rate_limited_total", route="/api/summary") == 1
    assert sample(text, "dashboard_errors_total", route="/explota", status="500") == 1
    assert sample(text, "dashboard_errors_total", route="/api/summary") == 0


def paged(app_server) -> HttpClient:
    """A client of a server with the pages and the key of `app`, used by no other test."""
    return HttpClient(app_server(api_keys=(API_KEY,), ratelimit_max=2, fresh=True))


def test_labels_are_route_templates_never_raw_paths(app_server):
    client = paged(app_server)
    client.get("/")
    client.get("/ruta-inventada-12345")
    client.get("/otra/ruta/inventada-67890?x=1")
    text = scrape(client)
    assert "inventada" not in text
    assert sample(text, "dashboard_requests_total", route="dash_page_unknown") == 2
    assert sample(text, "dashboard_requests_total", route="/") == 1


def test_dash_static_files_are_not_tracked(app_server):
    client = paged(app_server)
    html = client.get("/").get_data(as_text=True)
    suite = re.search(r'src="(/_dash-component-suites/[^"]+)"', html)[1]
    client.get(suite)
    client.get("/_favicon.ico")
    client.get("/assets/no-existe.css")
    text = scrape(client)
    assert "_dash-component-suites" not in text
    assert "/assets" not in text
    assert "favicon" not in text


def test_many_apps_in_one_process_keep_separate_registries(make_app, tiny_sqlite_url):
    first = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,))
    second = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,))
    first.test_client().get("/health")
    text = scrape(second.test_client())
    assert sample(text, "dashboard_requests_total", route="/health") == 0


@pytest.mark.parametrize(
    ("rule", "path", "expected"),
    [
        ("/api/summary", "/api/summary", "/api/summary"),
        ("/_dash-update-component", "/_dash-update-component", "/_dash-update-component"),
        ("/", "/", "/"),
        ("/<path:path>", "/no-registrada", "dash_page_unknown"),
    ],
)
def test_route_label(pages_app, rule, path, expected):
    with pages_app.test_request_context(path):
        from flask import request

        request.url_rule = next(r for r in pages_app.url_map.iter_rules() if r.rule == rule)
        assert route(request) == expected


def test_route_label_of_an_unrouted_request():
    bare = Flask(__name__)
    with bare.test_request_context("/x"):
        from flask import request

        assert route(request) == "unmatched"
