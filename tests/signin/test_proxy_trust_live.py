"""DASHBOARD_TRUSTED_PROXY_IPS against a real gunicorn (2 workers): forwarded and identity
headers count only from the proxy's address. The «proxy» connects from 127.0.0.2 and everyone
else from 127.0.0.1 (both are this machine's loopback), so one server sees both kinds of peer."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlencode, urlsplit

import pytest

from tests.constants import API_KEY
from tests.live import start_live_server
from tests.services import RedisServer
from tests.signin.helpers import PASSWORD, form_token, users_file

pytestmark = pytest.mark.live
PROXY_ADDRESS = "127.0.0.2"
DIRECT_ADDRESS = "127.0.0.1"


class Reply:
    """Status, headers and body of one raw HTTP answer."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.text = response.read().decode("utf-8", "replace")


def request(
    url: str,
    path: str,
    *,
    source: str,
    method: str = "GET",
    headers: dict | None = None,
    body: str | None = None,
) -> Reply:
    """One request to the server from the loopback address `source` (a new connection)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return Reply(connection.getresponse())
    finally:
        connection.close()


def log_lines(server) -> list[dict]:
    time.sleep(0.3)  # the access line is written after the answer
    lines = []
    for path in server.log_dir.glob("dashboard.log*"):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


@pytest.fixture(scope="module")
def users_server(tmp_path_factory, tiny_sqlite_url):
    """`users` mode behind one trusted proxy at 127.0.0.2; API limit 5 a minute, shared by the
    workers in a Redis of the module's own."""
    folder = tmp_path_factory.mktemp("proxy-trust")
    limits = RedisServer().start()
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_AUTH": "users",
            "DASHBOARD_USERS_FILE": users_file(folder, "ana"),
            "DASHBOARD_API_KEY": API_KEY,
            "DASHBOARD_TRUSTED_PROXIES": "1",
            "DASHBOARD_TRUSTED_PROXY_IPS": PROXY_ADDRESS,
            "DASHBOARD_RATELIMIT_MAX": "5",
            "DASHBOARD_RATELIMIT_WINDOW": "60",
            "DASHBOARD_RATELIMIT_STORAGE_URI": limits.url(0),
        },
        workers=2,
    )
    yield server
    server.stop()
    limits.stop(remove=True)


def failed_sign_in(url: str, source: str, username: str, forwarded_for: str) -> int:
    page = request(url, "/login", source=source, headers={"X-Forwarded-For": forwarded_for})
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    body = urlencode(
        {
            "username": username,
            "password": "clave-equivocada-123",
            "csrf_token": form_token(page.text),
            "next": "/",
        }
    )
    return request(
        url,
        "/login",
        source=source,
        method="POST",
        body=body,
        headers={
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": forwarded_for,
        },
    ).status


def test_rotating_forwarded_for_from_a_client_does_not_escape_the_lockout(users_server):
    # Other usernames each time, so only the per-address counter can lock.
    statuses = [
        failed_sign_in(users_server.url, DIRECT_ADDRESS, f"nadie{n}", f"198.51.100.{n}")
        for n in range(14)
    ]
    assert statuses == [401] * 10 + [429] * 4


def test_rotating_forwarded_for_from_a_client_does_not_escape_the_api_limit(users_server):
    statuses = [
        request(
            users_server.url,
            "/api/summary",
            source=DIRECT_ADDRESS,
            headers={"X-API-Key": API_KEY, "X-Forwarded-For": f"203.0.113.{n}"},
        ).status
        for n in range(8)
    ]
    assert statuses == [200] * 5 + [429] * 3


def test_the_proxy_forwards_the_client_address(users_server):
    # Through the proxy each client has its own address: ten failures of one do not lock another.
    statuses = [
        failed_sign_in(users_server.url, PROXY_ADDRESS, f"otro{n}", "192.0.2.44") for n in range(11)
    ]
    assert statuses == [401] * 10 + [429]
    assert failed_sign_in(users_server.url, PROXY_ADDRESS, "otro-mas", "192.0.2.45") == 401
    marker = "X-Request-ID"
    request(
        users_server.url,
        "/health",
        source=PROXY_ADDRESS,
        headers={"X-Forwarded-For": "192.0.2.99", marker: "via-proxy-1"},
    )
    request(
        users_server.url,
        "/health",
        source=DIRECT_ADDRESS,
        headers={"X-Forwarded-For": "192.0.2.99", marker: "direct-1"},
    )
    seen = {
        line["request_id"]: line["client_ip"]
        for line in log_lines(users_server)
        if line.get("request_id") in ("via-proxy-1", "direct-1")
    }
    assert seen == {"via-proxy-1": "192.0.2.99", "direct-1": DIRECT_ADDRESS}


def test_forwarded_proto_counts_only_from_the_proxy(tiny_sqlite_url):
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_FORCE_HTTPS": "true",
            "DASHBOARD_ALLOWED_HOSTS": "tablero.example,127.0.0.1",
            "DASHBOARD_TRUSTED_PROXIES": "1",
            "DASHBOARD_TRUSTED_PROXY_IPS": f"{PROXY_ADDRESS}/32",
        },
        workers=2,
    )
    try:
        https = {"X-Forwarded-Proto": "https", "Host": "tablero.example"}
        assert request(server.url, "/providers", source=PROXY_ADDRESS, headers=https).status == 200
        direct = request(server.url, "/providers", source=DIRECT_ADDRESS, headers=https)
        assert direct.status == 308
        assert direct.headers["Location"] == "https://tablero.example/providers"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def proxy_server(tmp_path_factory, tiny_sqlite_url):
    """`proxy` mode whose sign-in proxy is 127.0.0.2."""
    folder = tmp_path_factory.mktemp("proxy-mode")
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_AUTH": "proxy",
            "DASHBOARD_AUTH_PROXY_HEADER": "X-Forwarded-Email",
            "DASHBOARD_TRUSTED_PROXIES": "1",
            "DASHBOARD_TRUSTED_PROXY_IPS": PROXY_ADDRESS,
            "DASHBOARD_USERS_FILE": str(folder / "users.json"),  # its session key's folder
        },
        workers=2,
    )
    yield server
    server.stop()


def test_proxy_mode_refuses_a_spoofed_user_from_anyone_but_the_proxy(proxy_server):
    spoofed = {"X-Forwarded-Email": "ana@minimarket.com.ar"}
    for path in ("/", "/providers", "/_dash-layout"):
        answer = request(proxy_server.url, path, source=DIRECT_ADDRESS, headers=spoofed)
        assert answer.status == 403, path
        assert "ana@minimarket.com.ar" not in answer.text
    page = request(proxy_server.url, "/providers", source=DIRECT_ADDRESS, headers=spoofed)
    assert "inicio de sesión de la empresa" in page.text
    assert request(proxy_server.url, "/health", source=DIRECT_ADDRESS).status == 200
    through = request(proxy_server.url, "/_dash-layout", source=PROXY_ADDRESS, headers=spoofed)
    assert through.status == 200 and "ana@minimarket.com.ar" in through.text
    refusals = [
        line
        for line in log_lines(proxy_server)
        if line["msg"].startswith("solicitud directa rechazada en modo proxy")
    ]
    assert len(refusals) == 4  # one line per refused request
    assert all(f"ip={DIRECT_ADDRESS}" in line["msg"] for line in refusals)


def test_users_mode_ignores_an_identity_header(users_server):
    answer = request(
        users_server.url,
        "/providers",
        source=PROXY_ADDRESS,
        headers={"X-Forwarded-Email": "ana@minimarket.com.ar", "X-Forwarded-User": "ana"},
    )
    assert answer.status == 303 and answer.headers["Location"].startswith("/login")
    assert PASSWORD  # the users file exists; only a real sign-in opens the pages
