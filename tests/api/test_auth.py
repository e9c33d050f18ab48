"""The API key rule of docs/api.md: headers only, several keys, constant time, closed by default."""

from __future__ import annotations

import hmac
import logging

import pytest

from minimarket_dash import auth
from tests.api.helpers import DATA_ENDPOINTS, assert_error
from tests.constants import API_KEY

OTHER_KEY = "second-key-abcdefghijklmnop"
PROTECTED = [
    *DATA_ENDPOINTS,
    "/api/does-not-exist",  # no key: 401 before anything tells whether it exists
    "/metrics",
]


@pytest.fixture
def client(sqlite_client):
    """These rules do not depend on the database: SQLite only."""
    return sqlite_client


def assert_unauthorized(response) -> None:
    body = assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="minimarket-dash"'
    assert "X-API-Key" in body["message"]
    assert API_KEY not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PROTECTED)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-API-Key": ""},
        {"X-API-Key": "   "},
        {"X-API-Key": "wrong-key-0123456789abcdef"},
        {"X-API-Key": API_KEY[:-1]},
        {"X-API-Key": API_KEY + "x"},
        {"X-API-Key": API_KEY.upper()},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer wrong-key-0123456789abcdef"},
        {"Authorization": f"Basic {API_KEY}"},
        {"Authorization": API_KEY},
        {"X-Api-Token": API_KEY},
    ],
)
def test_missing_empty_or_wrong_key_is_401(client, path, headers):
    assert_unauthorized(client.get(path, headers=headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": API_KEY},
        {"x-api-key": API_KEY},
        {"X-API-Key": f"  {API_KEY}  "},
        {"Authorization": f"Bearer {API_KEY}"},
        {"Authorization": f"bearer {API_KEY}"},
    ],
)
def test_header_key_is_accepted(client, headers):
    assert client.get("/api/summary", headers=headers).status_code == 200


@pytest.mark.parametrize("name", ["api_key", "key", "token", "access_token", "apikey"])
def test_key_in_query_string_is_never_accepted(client, name):
    assert_unauthorized(client.get(f"/api/summary?{name}={API_KEY}"))


def test_every_configured_key_is_valid_for_rotation(make_app, tiny_sqlite_url):
    app = make_app(database_url=tiny_sqlite_url, api_keys=f"{API_KEY},{OTHER_KEY}")
    client = app.test_client()
    assert client.get("/api/summary", headers={"X-API-Key": API_KEY}).status_code == 200
    assert client.get("/api/summary", headers={"X-API-Key": OTHER_KEY}).status_code == 200
    bearer = {"Authorization": f"Bearer {OTHER_KEY}"}
    assert client.get("/api/summary", headers=bearer).status_code == 200
    assert_unauthorized(client.get("/api/summary", headers={"X-API-Key": "third-key-0123456789"}))
    # the comma-joined list itself is not a key
    joined = {"X-API-Key": f"{API_KEY},{OTHER_KEY}"}
    assert_unauthorized(client.get("/api/summary", headers=joined))


def test_no_key_configured_means_closed(make_app, tiny_sqlite_url, caplog):
    with caplog.at_level(logging.WARNING, logger="minimarket_dash.auth"):
        app = make_app(database_url=tiny_sqlite_url, api_keys=())
    warnings = [r for r in caplog.records if r.name == "minimarket_dash.auth"]
    assert len(warnings) == 1 and "DASHBOARD_API_KEY" in warnings[0].getMessage()
    client = app.test_client()
    for headers in ({}, {"X-API-Key": ""}, {"X-API-Key": API_KEY}, {"Authorization": "Bearer "}):
        assert_unauthorized(client.get("/api/summary", headers=headers))
        assert_unauthorized(client.get("/metrics", headers=headers))


@pytest.mark.parametrize("path", ["/api/openapi.json", "/health"])
def test_public_paths_need_no_key(make_app, tiny_sqlite_url, path):
    client = make_app(database_url=tiny_sqlite_url, api_keys=()).test_client()
    assert client.get(path).status_code == 200


def test_keys_are_not_logged(make_app, tiny_sqlite_url, caplog):
    app = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,))
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        client.get("/api/summary", headers={"X-API-Key": API_KEY})
        client.get("/api/summary", headers={"Authorization": f"Bearer {API_KEY}"})
        client.get("/api/summary", headers={"X-API-Key": "wrong-key-0123456789abcdef"})
    assert API_KEY not in caplog.text
    assert "wrong-key-0123456789abcdef" not in caplog.text


def test_comparison_checks_every_key_without_short_circuit(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append(b)
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    keys = ("first-key-0123456789", "second-key-0123456789", "third-key-0123456789")
    assert auth.key_is_valid("first-key-0123456789", keys)
    assert calls == [key.encode() for key in keys]  # the match on the first key did not stop it
    assert not auth.key_is_valid("nope", keys)
    assert not auth.key_is_valid("", keys)
    assert not auth.key_is_valid("first-key-0123456789", ())


def test_non_ascii_key_is_refused_not_an_error(client):
    # Header values arrive as latin-1 text; a non-ASCII key must be a plain 401.
    assert_unauthorized(client.get("/api/summary", headers={"X-API-Key": "clave-ñandú-0123456789"}))


def test_require_api_key_decorator(make_app, tiny_sqlite_url):
    app = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,))
    app.add_url_rule("/guarded", "guarded", auth.require_api_key(lambda: "ok"))
    client = app.test_client()
    assert_unauthorized(client.get("/guarded"))
    assert_unauthorized(client.get(f"/guarded?api_key={API_KEY}"))
    response = client.get("/guarded", headers={"Authorization": f"Bearer {API_KEY}"})
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")


@pytest.mark.parametrize(
    ("path", "protected"),
    [
        ("/api/summary", True),
        ("/api/export/summary.csv", True),
        ("/api/openapi.json", False),
        ("/metrics", True),
        ("/metrics/", True),
        ("/metricsx", False),
        ("/health", False),
        ("/", False),
        ("/providers", False),
        ("/apix", False),
        ("/_dash-update-component", False),
    ],
)
def test_needs_key_table(path, protected):
    assert auth.needs_key(path) is protected
