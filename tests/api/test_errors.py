"""Errors: JSON on /api/*, a Spanish page elsewhere, never internals, always logged in full."""

from __future__ import annotations

import logging

import pytest
from flask import abort
from sqlalchemy import text
from werkzeug.exceptions import TooManyRequests

from minimarket_dash.config import load_settings
from minimarket_dash.db import create_schema, make_engine
from minimarket_dash.filters import ParamError
from tests.api.helpers import DATA_ENDPOINTS, assert_error
from tests.constants import API_KEY, AUTH
from tests.databases import postgres_database

SECRET = "SELECT secreto FROM /etc/passwd"
INTERNALS = (
    "Traceback",
    "sqlite",
    "postgres",
    "OperationalError",
    "SELECT",
    "/nonexistent",
    "psycopg",
    "sqlalchemy",
    'File "',
)


@pytest.fixture
def client(sqlite_client):
    """These rules do not depend on the database: SQLite only."""
    return sqlite_client


def assert_no_internals(response) -> None:
    body = response.get_data(as_text=True)
    for word in INTERNALS:
        assert word.lower() not in body.lower(), word


@pytest.mark.parametrize(
    "path",
    [
        "/api/nope",
        "/api",
        "/api/",
        "/api/summary/",
        "/api/export/nope.csv",
        "/api/SUMMARY",
        "/api/export/weekly-sales.csv",
        "/api/%00",
    ],
)
def test_unknown_api_path_is_json_404(client, path):
    response = client.get(path, headers=AUTH)
    assert_error(response, 404, "not_found")
    assert response.get_json().keys() == {"error", "message"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", DATA_ENDPOINTS + ["/api/openapi.json"])
def test_other_methods_are_json_405_with_allow(client, method, path):
    response = getattr(client, method)(path, headers=AUTH, data="x")
    assert_error(response, 405, "method_not_allowed")
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "HEAD"} <= allowed
    assert not allowed & {"POST", "PUT", "PATCH", "DELETE"}


@pytest.mark.parametrize("path", DATA_ENDPOINTS)
def test_missing_sqlite_file_is_503_without_internals(make_app, path):
    app = make_app(database_url="sqlite:////nonexistent/dir/x.db", api_keys=(API_KEY,))
    response = app.test_client().get(path, headers=AUTH)
    body = assert_error(response, 503, "database_unavailable")
    assert body["message"].startswith("La base de datos no está disponible")
    assert_no_internals(response)


def test_unreachable_postgres_is_503(make_app):
    app = make_app(database_url="postgresql://postgres@127.0.0.1:1/nadie", api_keys=(API_KEY,))
    response = app.test_client().get("/api/top-products", headers=AUTH)
    assert_error(response, 503, "database_unavailable")
    assert_no_internals(response)


def _schema_without_orders(url: str) -> None:
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE detalle_pedidos"))
    engine.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_missing_table_is_503(make_app, tmp_path, backend):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'partial.db'}"
        _schema_without_orders(url)
        check_missing_table(make_app, url)
        return
    with postgres_database() as url:
        _schema_without_orders(url)
        check_missing_table(make_app, url)


def check_missing_table(make_app, url: str) -> None:
    client = make_app(database_url=url, api_keys=(API_KEY,)).test_client()
    for path in ("/api/top-products", "/api/summary", "/api/export/providers.csv"):
        response = client.get(path, headers=AUTH)
        assert_error(response, 503, "database_unavailable")
        assert_no_internals(response)
        assert "detalle_pedidos" not in response.get_data(as_text=True)
    # tables that do exist still answer
    assert client.get("/api/stock-by-provider", headers=AUTH).status_code == 200


@pytest.fixture
def boom_app(make_app, tiny_sqlite_url):
    """An app with extra routes that fail in each way the handlers must cover."""
    app = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,))

    def fail():
        raise RuntimeError(SECRET)

    def limited():
        raise TooManyRequests(retry_after=30)

    def bad_param():
        raise ParamError("limit", "El parámetro 'limit' debe ser un número entero.")

    app.add_url_rule("/api/_boom", "api_boom", fail)
    app.add_url_rule("/api/_limited", "api_limited", limited)
    app.add_url_rule("/html-boom", "html_boom", fail)
    app.add_url_rule("/html-missing", "html_missing", lambda: abort(404))
    app.add_url_rule("/html-bad", "html_bad", bad_param)
    return app


def test_unexpected_exception_is_json_500_and_logged(boom_app, caplog):
    with caplog.at_level(logging.ERROR, logger="minimarket_dash.errors"):
        response = boom_app.test_client().get("/api/_boom", headers=AUTH)
    assert_error(response, 500, "internal_error")
    assert SECRET not in response.get_data(as_text=True)
    assert_no_internals(response)
    logged = [r for r in caplog.records if r.name == "minimarket_dash.errors"]
    assert logged and logged[0].exc_info and SECRET in str(logged[0].exc_info[1])


def test_too_many_requests_is_json_429_keeping_retry_after(boom_app):
    response = boom_app.test_client().get("/api/_limited", headers=AUTH)
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0  # ours, or the limiter's window


def test_rate_limit_from_the_limiter_is_json_429(make_app, tiny_sqlite_url):
    app = make_app(
        database_url=tiny_sqlite_url, api_keys=(API_KEY,), ratelimit_max=2, ratelimit_window=60
    )
    client = app.test_client()
    statuses = [client.get("/api/summary", headers=AUTH).status_code for _ in range(4)]
    if "limiter" not in app.extensions:
        pytest.fail("flask-limiter is not installed by limits.init_app (teammate's step)")
    assert statuses[:2] == [200, 200]
    response = client.get("/api/summary", headers=AUTH)
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/html-boom", 500, "Algo salió mal"),
        ("/html-missing", 404, "Página no encontrada"),
        ("/html-bad", 400, "Solicitud no válida"),
    ],
)
def test_html_routes_get_a_spanish_page(boom_app, path, status, title):
    response = boom_app.test_client().get(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert title in page and 'lang="es"' in page and 'href="/"' in page
    assert "<script" not in page.lower() and "style=" not in page.lower()
    assert SECRET not in page
    assert_no_internals(response)


def test_html_method_not_allowed_page(client):
    response = client.delete("/health-not-a-route-x")
    assert response.status_code in (404, 405)
    assert response.mimetype == "text/html"
    assert "<script" not in response.get_data(as_text=True).lower()


def test_param_error_keeps_its_own_message(client):
    response = client.get("/api/weekly-sales?weeks=muchas", headers=AUTH)
    body = assert_error(response, 400, "bad_request", param="weeks")
    assert body["message"] == "El parámetro 'weeks' debe ser un número entero."
    assert list(body) == ["error", "message", "param"]


def test_health_still_answers_json_in_contract_order(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert list(response.get_json())[:2] == ["status", "database"]
