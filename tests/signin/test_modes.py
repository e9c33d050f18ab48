"""`proxy` and `none` modes, and the settings that must go together."""

from __future__ import annotations

import logging

import pytest

from minimarket_dash.config import Settings, SettingsError, load_settings
from tests.app_process import HttpClient

HEADER = "X-Forwarded-Email"


@pytest.fixture
def proxy_client(app_server) -> HttpClient:
    """A client of a server with the pages in `proxy` mode (a process of its own)."""
    return HttpClient(
        app_server(
            auth="proxy",
            trusted_proxies=1,
            auth_proxy_header=HEADER,
            auth_proxy_users=("ana@mini.ar", "beto@mini.ar"),
        )
    )


def test_proxy_user_from_the_header_sees_the_pages(proxy_client):
    client = proxy_client
    headers = {HEADER: "Ana@Mini.ar"}
    assert client.get("/", headers=headers).status_code == 200
    layout = client.get("/_dash-layout", headers=headers).get_data(as_text=True)
    assert "ana@mini.ar" in layout and "Salir" not in layout  # the proxy signs people out


def test_proxy_mode_without_the_header_is_refused(proxy_client):
    client = proxy_client
    page = client.get("/analytics")
    assert page.status_code == 401
    assert "inicio de sesión de la empresa" in page.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/login").headers["Location"] == "/"


def test_proxy_allow_list_refuses_other_users(proxy_client):
    response = proxy_client.get("/", headers={HEADER: "intruso@otro.ar"})
    assert response.status_code == 403


def test_proxy_without_allow_list_takes_any_user(app_server):
    client = HttpClient(app_server(auth="proxy", trusted_proxies=1, auth_proxy_header=HEADER))
    assert client.get("/", headers={HEADER: "quien@sea.ar"}).status_code == 200


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        (
            {"DASHBOARD_AUTH": "proxy", "DASHBOARD_AUTH_PROXY_HEADER": HEADER},
            ("DASHBOARD_AUTH", "DASHBOARD_TRUSTED_PROXIES"),
        ),
        (
            {"DASHBOARD_AUTH": "proxy", "DASHBOARD_TRUSTED_PROXIES": "1"},
            ("DASHBOARD_AUTH", "DASHBOARD_AUTH_PROXY_HEADER"),
        ),
        ({"DASHBOARD_AUTH": "ldap"}, ("DASHBOARD_AUTH",)),
        ({"DASHBOARD_SESSION_HOURS": "0"}, ("DASHBOARD_SESSION_HOURS",)),
        ({"DASHBOARD_SECRET_KEY": "corta"}, ("DASHBOARD_SECRET_KEY",)),
        ({"DASHBOARD_MAX_BODY_KB": "mucho"}, ("DASHBOARD_MAX_BODY_KB",)),
        ({"DASHBOARD_AUTH_PROXY_HEADER": "X Email"}, ("DASHBOARD_AUTH_PROXY_HEADER",)),
    ],
)
def test_wrong_auth_settings_stop_the_start_naming_them(environ, names):
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=environ)
    for name in names:
        assert name in str(caught.value)
    assert "corta" not in str(caught.value)  # a secret is never echoed


def test_auth_defaults():
    settings = load_settings(environ={})
    assert (settings.auth, settings.session_hours) == ("users", 12)
    # The product's default; tests/conftest.py points the running default at a temp folder.
    assert Settings.__dataclass_fields__["users_file"].default == "data/users.json"
    assert settings.max_body_kb == 1024 and settings.secret_key is None


def test_none_mode_is_open_and_warns_at_every_start(make_app, pages_app, tiny_sqlite_url, caplog):
    caplog.set_level(logging.WARNING, logger="minimarket_dash.signin")
    for _ in range(2):
        make_app(database_url=tiny_sqlite_url, auth="none")
    warnings = [r for r in caplog.records if "DASHBOARD_AUTH=none" in r.getMessage()]
    assert len(warnings) == 2
    assert pages_app.config["SETTINGS"].auth == "none"
    client = pages_app.test_client()
    assert client.get("/analytics").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
