"""Server-side sessions and the pages' anti-forgery token against a real gunicorn (2 workers):
a copied cookie dies with «Salir», `users sessions` lists and ends sessions on every worker,
a password change ends them, odd cookie fields sign nobody in, and callbacks need the token."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from tests.csrf import COOKIE, HEADER, csrf_headers
from tests.live import PROJECT_ROOT, start_live_server
from tests.signin.helpers import MENU_CALLBACK, PASSWORD, logout_token, sign_in_live

pytestmark = pytest.mark.live
TRIES = 12  # new connections each time: gunicorn spreads them over both workers


def users_command(server, *args: str, password: str | None = None):
    """Run `minimarket-dash users ...` with the server's own settings (users file, store)."""
    env = {
        "PATH": "/usr/bin:/bin",
        **{k: v for k, v in server.env.items() if k.startswith("DASHBOARD_")},
    }
    return subprocess.run(
        [sys.executable, "-m", "minimarket_dash.cli", "users", *args],
        input=password,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        env=env,
    )


@pytest.fixture(scope="module")
def live(tmp_path_factory, tiny_sqlite_url):
    folder = tmp_path_factory.mktemp("sessions-live")
    users_file = folder / "users.json"
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_AUTH": "users",
            "DASHBOARD_USERS_FILE": str(users_file),
        },
        workers=2,
    )
    for name in ("ana", "beto", "carla"):
        made = users_command(server, "add", name, "--password-stdin", password=PASSWORD + "\n")
        assert made.returncode == 0, made.stderr
    yield server
    server.stop()


def signed_in(live, name: str) -> requests.Session:
    browser = requests.Session()
    assert sign_in_live(browser, live.url, name).status_code == 303
    return browser


def statuses_with(live, cookie: str, path: str = "/_dash-layout") -> set[int]:
    """The statuses of TRIES fresh requests carrying only this session cookie."""
    return {
        requests.get(
            f"{live.url}{path}", cookies={"mm_session": cookie}, allow_redirects=False, timeout=30
        ).status_code
        for _ in range(TRIES)
    }


def test_a_cookie_copied_before_logout_gets_401_on_every_worker(live):
    browser = signed_in(live, "ana")
    copy = browser.cookies["mm_session"]
    assert statuses_with(live, copy) == {200}
    token = logout_token(browser.get(f"{live.url}/_dash-layout").json())
    out = browser.post(f"{live.url}/logout", data={"csrf_token": token}, allow_redirects=False)
    assert out.status_code == 303 and out.headers["Location"] == "/login"
    assert statuses_with(live, copy) == {401}
    assert statuses_with(live, copy, "/providers") == {303}  # pages send it to /login


def test_users_sessions_lists_and_ends_them(live, signer):
    first, second = signed_in(live, "beto"), signed_in(live, "beto")
    listed = users_command(live, "sessions", "beto")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "ID\tINICIO\tÚLTIMO USO\tIP\tNAVEGADOR"
    rows = [line.split("\t") for line in lines[1:] if "\t" in line]
    assert len(rows) == 2 and {row[3] for row in rows} == {"127.0.0.1"}
    assert all("python-requests" in row[4] for row in rows)
    # The listed ID is the start of the stored digest of the cookie's session id.
    ids = {row[0] for row in rows}
    assert all(len(shown) == 8 for shown in ids)
    first_id = next(shown for shown in ids if _digest_of(first, signer).startswith(shown))
    ended = users_command(live, "sessions", "beto", "--cerrar", first_id)
    assert ended.returncode == 0 and "cerradas: 1" in ended.stdout
    assert statuses_with(live, first.cookies["mm_session"]) == {401}
    assert statuses_with(live, second.cookies["mm_session"]) == {200}
    assert users_command(live, "sessions", "beto", "--cerrar").stdout.strip() == (
        "Sesiones de beto cerradas: 1."
    )
    assert statuses_with(live, second.cookies["mm_session"]) == {401}
    assert users_command(live, "sessions", "beto").stdout.strip() == (
        "beto no tiene sesiones abiertas."
    )
    missing = users_command(live, "sessions", "nadie")
    assert missing.returncode == 1 and missing.stderr.strip() == "Error: el usuario nadie no existe"


@pytest.fixture(scope="module")
def signer(live):
    """Flask's cookie serializer with the server's own key (secret_key beside the users file)."""
    app = Flask(__name__)
    app.secret_key = (Path(live.env["DASHBOARD_USERS_FILE"]).parent / "secret_key").read_text()
    app.secret_key = app.secret_key.strip()
    return SecureCookieSessionInterface().get_signing_serializer(app)


def _digest_of(browser: requests.Session, signer) -> str:
    """The stored id of a browser's session (the SHA-256 of the id inside its cookie)."""
    data = signer.loads(browser.cookies["mm_session"])
    return hashlib.sha256(data["u"]["s"].encode()).hexdigest()


def test_a_password_change_ends_the_sessions_at_once(live):
    browser = signed_in(live, "carla")
    changed = users_command(
        live, "passwd", "carla", "--password-stdin", password="otra-clave-larga-789\n"
    )
    assert changed.returncode == 0, changed.stderr
    assert statuses_with(live, browser.cookies["mm_session"]) == {401}
    assert users_command(live, "sessions", "carla").stdout.strip() == (
        "carla no tiene sesiones abiertas."
    )


@pytest.mark.parametrize(
    "fields",
    [
        # ana's real session version: only the times are wrong (the old cookie's fields).
        {"u": {"n": "ana", "v": "VERSION", "iat": "no-es-un-numero", "seen": "tampoco"}},
        {"u": {"n": "ana", "v": "VERSION", "iat": None, "seen": [1]}},
        {"u": {"n": "ana", "v": "VERSION", "s": ["lista"]}},
        {"u": {"n": 7, "v": None, "s": {"a": 1}}},
        {"u": ["ana"]},
        {"u": "ana"},
    ],
)
def test_odd_fields_in_a_validly_signed_cookie_get_401_not_500(live, signer, fields):
    accounts = json.loads(Path(live.env["DASHBOARD_USERS_FILE"]).read_text())["users"]
    version = accounts["ana"]["session_version"]
    state = fields["u"]
    if isinstance(state, dict) and state.get("v") == "VERSION":
        fields = {"u": {**state, "v": version}}
    cookie = signer.dumps(fields)  # signed with the server's key: only the fields are odd
    assert statuses_with(live, cookie) == {401}
    assert statuses_with(live, cookie, "/providers") == {303}
    assert "Traceback" not in live.output()


def test_pages_get_the_token_cookie_and_callbacks_need_it(live):
    browser = signed_in(live, "ana")
    page = browser.get(f"{live.url}/providers")
    [cookie] = [
        line for line in page.raw.headers.getlist("Set-Cookie") if line.startswith(f"{COOKIE}=")
    ]
    assert "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "HttpOnly" not in cookie and "Secure" not in cookie  # plain HTTP here
    headers = {HEADER: browser.cookies[COOKIE]}
    callback = f"{live.url}/_dash-update-component"
    for _ in range(TRIES):  # both workers accept it
        assert browser.post(callback, json=MENU_CALLBACK, headers=headers).status_code == 200
    refused = browser.post(callback, json=MENU_CALLBACK)
    assert refused.status_code == 403
    assert refused.json()["error"] == "csrf_failed"
    assert "Recargá la página" in refused.json()["message"]
    wrong = browser.post(callback, json=MENU_CALLBACK, headers={HEADER: "a" * 64})
    assert wrong.status_code == 403
    # Another session's token is worth nothing in this one.
    other = signed_in(live, "beto")
    other_headers = csrf_headers(other, live.url)
    assert browser.post(callback, json=MENU_CALLBACK, headers=other_headers).status_code == 403
    assert "callback rechazado sin token anti-falsificación válido: usuario=ana" in live.output()


def test_a_new_sign_in_gets_a_new_token(live):
    browser = signed_in(live, "ana")
    first = csrf_headers(browser, live.url)[HEADER]
    again = signed_in(live, "ana")
    second = csrf_headers(again, live.url)[HEADER]
    assert first != second
    callback = f"{live.url}/_dash-update-component"
    assert again.post(callback, json=MENU_CALLBACK, headers={HEADER: first}).status_code == 403


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        (" " * 10, "las repeticiones como «aaa» se adivinan enseguida"),
        ("password123", "es una clave muy usada"),
        ("dario.2026", "contiene tu nombre de usuario o palabras del negocio"),
    ],
)
def test_weak_passwords_are_refused_and_open_nothing(live, password, reason):
    refused = users_command(live, "add", "dario", "--password-stdin", password=password + "\n")
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"Error: la clave es débil: {reason}; usá una frase")
    assert "dario" not in users_command(live, "list").stdout
    assert sign_in_live(requests.Session(), live.url, "dario", password).status_code == 401
