"""Sign-in against a real gunicorn (2 workers): the users CLI, 401 on callbacks, the lockout
shared through Redis, cookie flags, removed users, next, and bodies a client streams."""

from __future__ import annotations

import http.client
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import requests

from tests.csrf import COOKIE, HEADER, csrf_headers
from tests.live import PROJECT_ROOT, start_live_server
from tests.services import RedisServer
from tests.signin.helpers import MENU_CALLBACK, PASSWORD, sign_in_live

pytestmark = pytest.mark.live


def users_command(users_file, *args: str, password: str | None = None):
    """Run `minimarket-dash users ...` as an operator would, the password on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "minimarket_dash.cli", "users", *args],
        input=password,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "DASHBOARD_USERS_FILE": str(users_file),
            # Its stores beside the users file, not in the checkout's data/.
            "DASHBOARD_STATE_DIR": str(Path(users_file).parent),
        },
    )


@pytest.fixture(scope="module")
def live(tmp_path_factory, tiny_sqlite_url):
    folder = tmp_path_factory.mktemp("signin-live")
    users_file = folder / "users.json"
    for name in ("ana", "beto"):
        result = users_command(
            users_file, "add", name, "--password-stdin", password=PASSWORD + "\n"
        )
        assert result.returncode == 0, result.stderr
    lockouts = RedisServer().start()  # the module's own: its counters are flushed at will
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_AUTH": "users",
            "DASHBOARD_USERS_FILE": str(users_file),
            "DASHBOARD_RATELIMIT_STORAGE_URI": lockouts.url(),
            "DASHBOARD_MAX_BODY_KB": "64",
        },
        workers=2,
    )
    server.users_file = users_file
    server.redis_url = lockouts.url()
    yield server
    server.stop()
    lockouts.stop(remove=True)


def test_users_cli_reads_the_password_from_stdin_and_refuses_short_ones(tmp_path):
    users_file = tmp_path / "users.json"
    short = users_command(users_file, "add", "carla", "--password-stdin", password="corta\n")
    assert short.returncode == 1
    assert short.stderr.strip() == "Error: la clave debe tener al menos 10 caracteres"
    assert not users_file.exists()
    made = users_command(users_file, "add", "carla", "--password-stdin", password=PASSWORD)
    assert made.returncode == 0 and PASSWORD not in made.stdout + made.stderr
    assert users_file.stat().st_mode & 0o777 == 0o600
    assert PASSWORD not in users_file.read_text()
    listed = users_command(users_file, "list")
    assert listed.stdout.startswith("carla\t")
    no_terminal = users_command(users_file, "passwd", "carla", password="")
    assert no_terminal.returncode == 1 and "--password-stdin" in no_terminal.stderr


def test_unauthenticated_callback_gets_401_and_no_data(live):
    response = requests.post(f"{live.url}/_dash-update-component", json=MENU_CALLBACK)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert "response" not in response.json()


def test_signed_in_callback_runs_and_cookie_flags(live):
    browser = requests.Session()
    answer = sign_in_live(browser, live.url, "ana")
    assert answer.status_code == 303
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("mm_session=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Secure" not in cookie  # plain HTTP here
    response = browser.post(
        f"{live.url}/_dash-update-component",
        json=MENU_CALLBACK,
        headers=csrf_headers(browser, live.url),
    )
    assert response.status_code == 200
    assert response.json()["response"]["nav-collapse"]["is_open"] is True


def test_next_to_another_site_goes_home(live):
    browser = requests.Session()
    answer = sign_in_live(browser, live.url, "ana", next_path="https://evil.example")
    assert answer.headers["Location"] == "/"


def test_removed_user_is_signed_out_on_the_next_request(live):
    browser = requests.Session()
    assert sign_in_live(browser, live.url, "beto").status_code == 303
    assert browser.get(f"{live.url}/providers", allow_redirects=False).status_code == 200
    assert users_command(live.users_file, "remove", "beto").returncode == 0
    after = browser.get(f"{live.url}/providers", allow_redirects=False)
    assert after.status_code == 303 and after.headers["Location"].startswith("/login")


def test_lockout_after_ten_failures_is_shared_by_the_workers(live):
    for _ in range(10):  # new connections: gunicorn spreads them over both workers
        failed = sign_in_live(requests.Session(), live.url, "ana", "clave-equivocada")
        assert failed.status_code == 401
    locked = sign_in_live(requests.Session(), live.url, "ana")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    metrics = requests.get(f"{live.url}/metrics", headers={"X-API-Key": "x" * 20})
    assert metrics.status_code == 401  # the key still guards /metrics
    redis.Redis.from_url(live.redis_url).flushdb()  # let the other tests sign in again


def test_a_streamed_body_over_the_limit_is_refused(live):
    browser = requests.Session()
    sign_in_live(browser, live.url, "ana")
    cookie = "mm_session=" + browser.cookies["mm_session"]
    parts = urlsplit(live.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("POST", "/_dash-update-component")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Transfer-Encoding", "chunked")
    token = csrf_headers(browser, live.url)[HEADER]
    connection.putheader("Cookie", f"{cookie}; {COOKIE}={token}")
    connection.putheader(HEADER, token)
    connection.endheaders()
    try:
        for _ in range(40):  # 40 × 8 KiB, no Content-Length
            connection.send(b"2000\r\n" + b" " * 8192 + b"\r\n")
        connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may answer and close before the body ends
    # Refused without being read whole: 413 at the limit, or 400 when werkzeug hands the
    # guard an empty stream; never a 500 or a traceback.
    assert connection.getresponse().status in (400, 413)
    assert "Traceback" not in live.output()


def test_a_declared_body_over_the_limit_gets_413(live):
    browser = requests.Session()
    sign_in_live(browser, live.url, "ana")
    response = browser.post(
        f"{live.url}/_dash-update-component",
        data=b" " * 70_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert "Traceback" not in live.output()


def test_malformed_requests_get_400_and_404_without_a_traceback(live):
    browser = requests.Session()
    sign_in_live(browser, live.url, "ana")
    callback = f"{live.url}/_dash-update-component"
    headers = {"Content-Type": "application/json", **csrf_headers(browser, live.url)}
    for body in (b"[]", b'{"output": 1}', b'{"output": "nada.children", "inputs": []}'):
        answer = browser.post(callback, data=body, headers=headers)
        assert answer.status_code == 400, body
    for path in ("/_dash-component-suites/dash/..%2fx", "/_dash-component-suites/nada/x.js"):
        assert requests.get(f"{live.url}{path}").status_code == 404
    logs = live.output() + "".join(p.read_text() for p in live.log_dir.glob("*.log*"))
    assert "Traceback" not in logs and '"level": "ERROR"' not in logs


def test_https_redirect_goes_to_the_first_allowed_host(tiny_sqlite_url):
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_FORCE_HTTPS": "true",
            "DASHBOARD_ALLOWED_HOSTS": "tablero.example,127.0.0.1",
        },
        workers=1,
    )
    try:
        answer = requests.get(f"{server.url}/providers?x=1", allow_redirects=False)
        assert answer.status_code == 308
        assert answer.headers["Location"] == "https://tablero.example/providers?x=1"
    finally:
        server.stop()
    refused = subprocess.run(
        [sys.executable, "-m", "minimarket_dash.cli", "config"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DASHBOARD_FORCE_HTTPS": "true"},
        timeout=60,
    )
    assert refused.returncode == 2
    assert "DASHBOARD_FORCE_HTTPS" in refused.stderr and "DASHBOARD_ALLOWED_HOSTS" in refused.stderr
