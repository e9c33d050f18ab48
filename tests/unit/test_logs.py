"""JSON logs, request ids and secrets through the Flask test client."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from minimarket_dash import logs
from tests.constants import API_KEY, AUTH, LOG_FIELDS

# The JSON fields every log line carries (issue 5); shared with the live tests.


@pytest.fixture
def app(make_app, tiny_sqlite_url, tmp_path):
    """An app logging to tmp_path with the test key."""
    return make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,), log_dir=str(tmp_path))


def log_lines(folder: Path) -> list[dict]:
    """Return every JSON line of dashboard.log in `folder`."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (folder / "dashboard.log").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def access_lines(folder: Path) -> list[dict]:
    """Return the access lines only."""
    return [line for line in log_lines(folder) if line["logger"] == "minimarket_dash.access"]


def test_one_json_access_line_per_request_with_every_field(app, tmp_path):
    response = app.test_client().get("/api/providers?limit=3", headers=AUTH)
    [line] = access_lines(tmp_path)
    assert set(line) == LOG_FIELDS
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["route"] == "/api/providers"
    assert line["path"] == "/api/providers"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["client_ip"] == "127.0.0.1"
    assert line["level"] == "INFO"
    assert line["ts"][:2] == "20" and "T" in line["ts"]


@pytest.mark.parametrize("incoming", ["abc-123", "a.b_c-D", "x" * 128])
def test_a_valid_client_request_id_is_kept(app, tmp_path, incoming):
    response = app.test_client().get("/health", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] == incoming
    assert access_lines(tmp_path)[-1]["request_id"] == incoming


@pytest.mark.parametrize("incoming", ["", "x" * 129, "no spaces", "a/b", "ñandú", "id;drop"])
def test_an_invalid_client_request_id_is_replaced(app, incoming):
    response = app.test_client().get("/health", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] != incoming
    assert len(response.headers["X-Request-ID"]) == 32


def test_a_429_writes_exactly_one_line_the_access_line(make_app, tiny_sqlite_url, tmp_path):
    app = make_app(
        database_url=tiny_sqlite_url,
        api_keys=(API_KEY,),
        log_dir=str(tmp_path),
        ratelimit_max=1,
    )
    client = app.test_client()
    client.get("/api/summary", headers=AUTH)
    refused = client.get("/api/summary", headers=AUTH)
    assert refused.status_code == 429
    request_id = refused.headers["X-Request-ID"]
    mine = [line for line in log_lines(tmp_path) if line["request_id"] == request_id]
    assert [(line["logger"], line["status"]) for line in mine] == [("minimarket_dash.access", 429)]


def test_an_unexpected_error_is_logged_in_full_with_the_request_id(app, tmp_path):
    def explode():
        raise RuntimeError("detalle interno secreto")

    app.add_url_rule("/explota", "explota", explode)
    response = app.test_client().get("/explota")
    assert response.status_code == 500
    assert "detalle interno" not in response.get_data(as_text=True)
    [error] = [line for line in log_lines(tmp_path) if line["level"] == "ERROR"]
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert "detalle interno secreto" in error["exc"]


def test_no_key_authorization_or_secret_query_value_is_logged(app, tmp_path):
    key = API_KEY
    client = app.test_client()
    client.get("/api/summary", headers={"X-API-Key": key})
    client.get("/api/summary", headers={"Authorization": f"Bearer {key}"})
    client.get(f"/api/summary?key={key}&token=tok-0123456789abcdef")
    client.get("/metrics", headers={"Authorization": "Bearer wrong-key-but-secret-0000"})
    logging.getLogger("minimarket_dash.test").info("clave filtrada: %s", key)
    text = (tmp_path / "dashboard.log").read_text(encoding="utf-8")
    for secret in (key, "tok-0123456789abcdef", "wrong-key-but-secret-0000", "Bearer"):
        assert secret not in text
    assert all("?" not in line["path"] for line in access_lines(tmp_path))


def test_init_app_is_idempotent(make_app, tiny_sqlite_url):
    for _ in range(3):
        make_app(database_url=tiny_sqlite_url)
    owned = [h for h in logging.getLogger().handlers if getattr(h, logs._OWNED, False)]
    assert len(owned) == 2
    assert {type(h).__name__ for h in owned} == {"SafeStreamHandler", "SafeFileHandler"}
    assert all(isinstance(h, logs.QuietOnFailure) for h in owned)


def test_lines_outside_requests_have_null_request_fields(app, tmp_path):
    logging.getLogger("minimarket_dash.test").warning("fuera de una solicitud")
    line = log_lines(tmp_path)[-1]
    assert line["msg"] == "fuera de una solicitud"
    assert line["request_id"] is None and line["status"] is None


def test_logs_takes_the_route_label_without_importing_ops_auth_or_data():
    """The access log and the metrics share minimarket_dash/routes.py; logs stays light."""
    code = (
        "import sys, minimarket_dash.logs; print(sorted(m for m in sys.modules "
        "if m.startswith('minimarket_dash.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "minimarket_dash.routes" in loaded
    for heavy in ("ops", "auth", "data", "errors"):
        assert f"'minimarket_dash.{heavy}'" not in loaded, heavy
