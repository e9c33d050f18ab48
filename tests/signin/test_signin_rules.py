"""Built-in sign-in through the Flask test client: gate, form, session, lockout, audit."""

from __future__ import annotations

import logging

import pytest

from minimarket_dash import sessions
from minimarket_dash.users import UserStore
from tests.app_process import HttpClient
from tests.constants import API_KEY, AUTH
from tests.signin.helpers import PASSWORD, logout_token, sign_in, stand_in_pages, users_file

DASH_JSON_ROUTES = ("/_dash-layout", "/_dash-dependencies")


@pytest.fixture
def accounts(tmp_path) -> str:
    return users_file(tmp_path, "ana", "beto")


@pytest.fixture
def app(make_app, tiny_sqlite_url, accounts, tmp_path):
    """An API-only server in `users` mode with stand-in pages behind the gate, and a store of
    its own (sessions and failed attempts start empty)."""
    return stand_in_pages(
        make_app(
            database_url=tiny_sqlite_url,
            auth="users",
            users_file=accounts,
            api_keys=(API_KEY,),
            state_dir=str(tmp_path / "state"),
        )
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("path", ["/", "/analytics?start_date=2026-03-01", "/providers", "/nada"])
def test_a_page_without_session_goes_to_login_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login")
    if path != "/":
        assert "next=" in response.headers["Location"]


@pytest.mark.parametrize("path", DASH_JSON_ROUTES)
def test_dash_json_routes_answer_401_json_without_session(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_a_callback_without_session_gets_401_and_no_data(client):
    body = {
        "output": "home-kpis.children",
        "outputs": {"id": "home-kpis", "property": "children"},
        "inputs": [],
        "state": [],
        "changedPropIds": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 401
    assert set(response.get_json()) == {"error", "message"}


@pytest.mark.parametrize(
    "path", ["/health", "/login", "/assets/10-dashboard.css", "/assets/20-session.js"]
)
def test_public_paths_need_no_session(client, path):
    assert client.get(path).status_code == 200


def test_sign_in_then_every_page_then_sign_out(app_server, accounts):
    # The real pages, in a server of their own (tests/app_process.py).
    client = HttpClient(app_server(auth="users", users_file=accounts, api_keys=(API_KEY,)))
    response = sign_in(client, "ana", next_path="/analytics?proveedor=lacteos")
    assert response.status_code == 303
    assert response.headers["Location"] == "/analytics?proveedor=lacteos"
    for path in ("/", "/providers", "/analytics", "/_dash-layout", "/_dash-dependencies"):
        assert client.get(path).status_code == 200, path
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert '"ana"' in layout and "Salir" in layout  # user name and the logout button
    token = logout_token(client.get("/_dash-layout").get_json())
    assert client.post("/logout", data={"csrf_token": "falso"}).status_code == 400
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert client.get("/").status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    wrong = sign_in(client, "ana", "otra-clave-equivocada")
    unknown = sign_in(client, "nadie", "otra-clave-equivocada")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "Usuario o clave incorrectos" in response.get_data(as_text=True)
    assert client.get("/").status_code == 303


def test_unknown_user_costs_one_password_check_like_a_known_one(monkeypatch, accounts):
    calls = []
    import minimarket_dash.users as users_module

    real = users_module.check_password_hash
    monkeypatch.setattr(
        users_module, "check_password_hash", lambda h, p: calls.append(h) or real(h, p)
    )
    store = UserStore(accounts)
    assert store.verify("nadie", "x" * 12) is None
    assert store.verify("ana", "x" * 12) is None
    assert len(calls) == 2 and all(h.startswith("scrypt:") for h in calls)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/analytics?a=1", "/analytics?a=1"),
        ("https://evil.example", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("http:/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/login", "/"),
        ("/providers\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ],
)
def test_next_only_goes_to_same_site_paths(client, given, expected):
    response = sign_in(client, "ana", next_path=given)
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_cookie_flags_over_http_and_https(client, app):
    cookie = sign_in(client, "ana").headers["Set-Cookie"]
    assert cookie.startswith("mm_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    cookie = sign_in(secure, "ana", base_url="https://localhost").headers["Set-Cookie"]
    assert "; Secure" in cookie


def test_form_without_its_token_is_refused(client):
    client.get("/login")
    data = {"username": "ana", "password": PASSWORD, "csrf_token": "otro"}
    assert client.post("/login", data=data).status_code == 400
    assert client.get("/").status_code == 303


def test_logout_needs_the_token_of_the_session(client):
    sign_in(client, "ana")
    assert client.post("/logout", data={"csrf_token": "falso"}).status_code == 400
    assert client.get("/").status_code == 200


def _clock(monkeypatch, start: float):
    """Pin time.time() (what sessions and the lockout read) to a value the test moves."""
    now = [start]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    return now


def test_idle_expiry_after_session_hours(
    make_app, tiny_sqlite_url, accounts, monkeypatch, tmp_path
):
    app = stand_in_pages(
        make_app(
            database_url=tiny_sqlite_url,
            auth="users",
            users_file=accounts,
            session_hours=1,
            state_dir=str(tmp_path / "state"),
        )
    )
    client = app.test_client()
    now = _clock(monkeypatch, 1_000_000.0)
    sign_in(client, "ana")
    now[0] += 3000  # 50 minutes: still fresh, and the visit refreshes it
    assert client.get("/").status_code == 200
    now[0] += 3000  # 50 more minutes since the last visit
    assert client.get("/").status_code == 200
    now[0] += 3700  # over an hour idle
    assert client.get("/").status_code == 303


def test_absolute_expiry_after_seven_days_even_when_active(client, monkeypatch):
    now = _clock(monkeypatch, 1_000_000.0)
    sign_in(client, "ana")
    for _ in range(16):  # a visit every 11 hours keeps it from idling out
        now[0] += 11 * 3600
        status = client.get("/").status_code
    assert status == 303  # 176 hours > 7 days (168)


def test_password_change_and_removal_end_open_sessions(app, accounts):
    first, second = app.test_client(), app.test_client()
    sign_in(first, "ana")
    sign_in(second, "beto")
    store = UserStore(accounts)
    store.set_password("ana", "una-clave-nueva-456")
    store.remove("beto")
    assert first.get("/").status_code == 303
    assert second.get("/").status_code == 303
    assert sign_in(first, "ana", "una-clave-nueva-456").status_code == 303


def test_lockout_after_ten_failures_per_address(client):
    for _ in range(10):
        assert sign_in(client, "ana", "mala-clave-000").status_code == 401
    locked = sign_in(client, "ana")  # even the right password waits now
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "Demasiados intentos" in locked.get_data(as_text=True)


def test_lockout_per_username_across_addresses(client):
    for number in range(10):
        env = {"REMOTE_ADDR": f"10.0.0.{number}"}
        assert sign_in(client, "ana", "mala-clave-000", environ_base=env).status_code == 401
    other_address = {"REMOTE_ADDR": "10.0.1.1"}
    assert sign_in(client, "ana", environ_base=other_address).status_code == 429
    assert sign_in(client, "beto", environ_base=other_address).status_code == 303


def test_successful_sign_ins_do_not_count_towards_the_lockout(app):
    for _ in range(12):  # a new browser each time, from the same address
        assert sign_in(app.test_client(), "ana").status_code == 303


def test_login_metrics_and_audit_lines(client, caplog):
    caplog.set_level(logging.INFO, logger="minimarket_dash.signin")
    sign_in(client, "ana", "mala-clave-000")
    sign_in(client, "ana")
    lines = [record.getMessage() for record in caplog.records]
    assert any("fallido" in line and "usuario=ana" in line for line in lines)
    assert any(line.startswith("inicio de sesión: usuario=ana") for line in lines)
    assert not any(PASSWORD in line or "mala-clave-000" in line for line in lines)
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    assert 'dashboard_logins_total{result="ok"} 1.0' in text
    assert 'dashboard_logins_total{result="failed"} 1.0' in text
    assert 'dashboard_logins_total{result="locked"} 0.0' in text


def test_a_session_does_not_replace_the_api_key(client):
    sign_in(client, "ana")
    assert client.get("/api/summary").status_code == 401
    assert client.get("/metrics").status_code == 401
    assert client.get("/api/summary", headers=AUTH).status_code == 200


def test_empty_users_file_shows_how_to_create_the_first_user(make_app, tiny_sqlite_url, tmp_path):
    app = make_app(
        database_url=tiny_sqlite_url,
        auth="users",
        users_file=str(tmp_path / "vacio" / "users.json"),
    )
    client = app.test_client()
    for path in ("/", "/login", "/analytics"):
        response = client.get(path)
        assert response.status_code == 503
        assert "minimarket-dash users add" in response.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/health").status_code == 200


def test_secret_key_is_created_once_beside_the_users_file(make_app, tiny_sqlite_url, accounts):
    from pathlib import Path

    first = make_app(database_url=tiny_sqlite_url, auth="users", users_file=accounts)
    second = stand_in_pages(
        make_app(database_url=tiny_sqlite_url, auth="users", users_file=accounts)
    )
    key_file = Path(accounts).parent / "secret_key"
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert key_file.stat().st_mode & 0o777 == 0o600
    client = first.test_client()
    sign_in(client, "ana")
    cookie = client.get_cookie("mm_session")
    other = second.test_client()  # another worker or a restart: the same cookie is valid
    other.set_cookie("mm_session", cookie.value)
    assert other.get("/").status_code == 200


def test_configured_secret_key_wins(make_app, tiny_sqlite_url, accounts):
    key = "k" * 40
    app = make_app(database_url=tiny_sqlite_url, auth="users", users_file=accounts, secret_key=key)
    assert app.secret_key == key


def test_a_damaged_users_file_lets_nobody_in_without_crashing(client, accounts, caplog):
    from pathlib import Path

    Path(accounts).write_text("{no es json")
    for path in ("/", "/login"):
        response = client.get(path)
        assert response.status_code == 503
    assert any("no es válido" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.exc_info]
