"""Security hooks through the Flask test client: headers, CSP, hosts, HTTPS, proxies, CORS."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from minimarket_dash.config import SettingsError
from minimarket_dash.security import build_csp
from tests.app_process import HttpClient
from tests.constants import API_KEY, AUTH

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)  # e.g. Dash's IE-only script, never run
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@pytest.fixture
def app(pages_app):
    """The in-process app with pages: tiny SQLite fixture, the test key, default security."""
    return pages_app


def directives(policy: str) -> dict[str, list[str]]:
    """Split a CSP into {directive: [sources]}."""
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def executable_inline_scripts(html: str) -> list[str]:
    """Return the bodies of the inline scripts a browser would run (no src, not JSON data)."""
    bodies = []
    for match in INLINE_SCRIPT.finditer(HTML_COMMENT.sub("", html)):
        attrs = match["attrs"]
        if "src=" in attrs or "application/json" in attrs:
            continue
        bodies.append(match["body"])
    return bodies


def sha256_source(script: str) -> str:
    """Return the CSP source expression of a script body."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def asset_url(client) -> str:
    """Return one Dash component-suite URL referenced by the index page."""
    html = client.get("/").get_data(as_text=True)
    return re.search(r'src="(/_dash-component-suites/[^"]+)"', html)[1]


def assert_security_headers(response) -> None:
    """Assert the headers docs/api.md requires on every response."""
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.headers.get("Referrer-Policy")
    assert response.headers.get("Permissions-Policy")
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'self'")
    parsed = directives(policy)
    assert "'unsafe-inline'" not in parsed["script-src"]
    assert "'unsafe-eval'" not in policy
    assert parsed["frame-ancestors"] == ["'none'"]
    assert parsed["object-src"] == ["'none'"]
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", response.headers["X-Request-ID"])


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/", {}, 200),
        ("GET", "/pagina-que-no-existe", {}, None),
        ("GET", "/health", {}, 200),
        ("GET", "/metrics", AUTH, 200),
        ("GET", "/metrics", {}, 401),
        ("GET", "/api/summary", AUTH, 200),
        ("GET", "/api/summary", {}, 401),
        ("GET", "/api/no-existe", AUTH, 404),
        ("POST", "/api/summary", AUTH, 405),
        ("GET", "/_dash-layout", {}, 200),
        ("GET", "/_dash-dependencies", {}, 200),
        ("POST", "/_dash-update-component", {}, None),
    ],
)
def test_every_kind_of_route_has_the_security_headers(app, method, path, headers, status):
    client = app.test_client()
    client.get("/")  # Dash's first-request setup, as in a running worker
    body = {} if method == "POST" else None
    response = client.open(path, method=method, headers=headers, json=body)
    if status is not None:
        assert response.status_code == status
    assert_security_headers(response)


def test_static_assets_have_the_security_headers(app):
    client = app.test_client()
    response = client.get(asset_url(client))
    assert response.status_code == 200
    assert_security_headers(response)


def test_csp_allows_exactly_the_inline_scripts_dash_renders(app_server):
    # A server nobody asked before: the first page response, the one before Dash's setup ran.
    client = HttpClient(app_server(fresh=True))
    response = client.get("/")
    html = response.get_data(as_text=True)
    allowed = directives(response.headers["Content-Security-Policy"])["script-src"]
    scripts = executable_inline_scripts(html)
    assert scripts, "Dash always renders inline scripts"
    for script in scripts:
        assert sha256_source(script) in allowed
    # Later responses carry the same (cached) policy, still covering every script.
    again = client.get("/otra-pagina")
    assert again.headers["Content-Security-Policy"] == response.headers["Content-Security-Policy"]


def test_csp_builder_adds_hashes_to_script_src_only():
    policy = directives(build_csp(["'sha256-abc='"]))
    assert policy["script-src"] == ["'self'", "'sha256-abc='"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]


def test_hsts_only_when_enabled(make_app, tiny_sqlite_url):
    plain = make_app(database_url=tiny_sqlite_url).test_client().get("/health")
    assert "Strict-Transport-Security" not in plain.headers
    app = make_app(database_url=tiny_sqlite_url, enable_hsts=True)
    response = app.test_client().get("/health")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.fixture
def hosts_app(make_app, tiny_sqlite_url):
    """An app that answers only dash.example and localhost:8080."""
    return make_app(
        database_url=tiny_sqlite_url,
        api_keys=(API_KEY,),
        allowed_hosts=("dash.example", "localhost:8080"),
    )


@pytest.mark.parametrize("path", ["/health", "/api/summary", "/metrics"])
def test_unlisted_host_gets_json_400_on_api_paths(hosts_app, path):
    response = hosts_app.test_client().get(path, headers={"Host": "evil.example", **AUTH})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_host"
    assert_security_headers(response)


def test_unlisted_host_gets_a_spanish_page_on_pages(hosts_app):
    response = hosts_app.test_client().get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert 'lang="es"' in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["dash.example", "DASH.example:443", "localhost:8080"])
def test_listed_hosts_pass(hosts_app, host):
    assert hosts_app.test_client().get("/health", headers={"Host": host}).status_code == 200


def test_host_with_other_port_than_listed_is_refused(hosts_app):
    response = hosts_app.test_client().get("/health", headers={"Host": "localhost:9999"})
    assert response.status_code == 400


@pytest.fixture
def https_app(make_app, tiny_sqlite_url):
    """An app that forces HTTPS behind one trusted proxy."""
    return make_app(
        database_url=tiny_sqlite_url,
        api_keys=(API_KEY,),
        force_https=True,
        trusted_proxies=1,
        allowed_hosts=("dash.example", "localhost"),
    )


def test_plain_http_is_redirected_with_308_keeping_path_and_query(https_app):
    response = https_app.test_client().get("/providers?dias=7", headers={"Host": "dash.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == "https://dash.example/providers?dias=7"
    assert_security_headers(response)


def test_health_is_never_redirected(https_app):
    assert https_app.test_client().get("/health").status_code == 200


def test_forwarded_proto_from_a_trusted_proxy_counts_as_https(https_app):
    response = https_app.test_client().get(
        "/api/summary", headers={"X-Forwarded-Proto": "https", **AUTH}
    )
    assert response.status_code == 200


def test_forwarded_proto_is_ignored_without_trusted_proxies(make_app, tiny_sqlite_url):
    app = make_app(database_url=tiny_sqlite_url, force_https=True, allowed_hosts=("localhost",))
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 308


def test_redirect_goes_to_the_first_allowed_host_not_the_request_host(https_app):
    # "localhost" is allowed too, but the target is always the first allowed name.
    response = https_app.test_client().get("/analytics?a=1", headers={"Host": "localhost"})
    assert response.status_code == 308
    assert response.headers["Location"] == "https://dash.example/analytics?a=1"


def test_forced_https_with_any_host_stops_the_start(make_app, tiny_sqlite_url):
    with pytest.raises(SettingsError) as caught:
        make_app(database_url=tiny_sqlite_url, force_https=True)
    assert "DASHBOARD_FORCE_HTTPS" in str(caught.value)
    assert "DASHBOARD_ALLOWED_HOSTS" in str(caught.value)


def test_https_request_is_not_redirected(https_app):
    response = https_app.test_client().get(
        "/api/summary", base_url="https://dash.example", headers=AUTH
    )
    assert response.status_code == 200


@pytest.fixture
def cors_app(make_app, tiny_sqlite_url):
    """An app that lets https://panel.example call the API."""
    return make_app(
        database_url=tiny_sqlite_url,
        api_keys=(API_KEY,),
        cors_origins=("https://panel.example",),
    )


def test_cors_allows_a_listed_origin_on_api_get(cors_app):
    headers = {"Origin": "https://panel.example", **AUTH}
    response = cors_app.test_client().get("/api/summary", headers=headers)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://panel.example"
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" in response.headers["Vary"]


def test_cors_refuses_other_origins(cors_app):
    headers = {"Origin": "https://evil.example", **AUTH}
    response = cors_app.test_client().get("/api/summary", headers=headers)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_is_only_for_the_api(cors_app):
    response = cors_app.test_client().get("/health", headers={"Origin": "https://panel.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def preflight(client, origin: str, method: str = "GET"):
    """Send a CORS preflight for /api/summary."""
    return client.options(
        "/api/summary",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "x-api-key",
        },
    )


def test_preflight_from_a_listed_origin_allows_get_without_a_key(cors_app):
    response = preflight(cors_app.test_client(), "https://panel.example")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://panel.example"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "POST" not in response.headers["Access-Control-Allow-Methods"]
    assert "X-API-Key" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    ("origin", "method"), [("https://evil.example", "GET"), ("https://panel.example", "POST")]
)
def test_preflight_refused(cors_app, origin, method):
    response = preflight(cors_app.test_client(), origin, method)
    assert response.status_code == 403
    assert response.get_json()["error"] == "cors_refused"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_no_cors_headers_when_no_origin_is_configured(app):
    headers = {"Origin": "https://panel.example", **AUTH}
    response = app.test_client().get("/api/summary", headers=headers)
    assert "Access-Control-Allow-Origin" not in response.headers
