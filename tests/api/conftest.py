"""Helpers shared by the API tests: authenticated GETs and a writable SQLite builder."""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Callable

import pytest
from flask import Flask

from minimarket_dash import create_app
from minimarket_dash.config import load_settings
from minimarket_dash.db import create_schema, make_engine
from tests.constants import API_KEY, AUTH, TINY_NOW


def get_json(client, path: str, status: int = 200):
    """GET `path` with the test key, assert status and JSON type, return the decoded body."""
    response = client.get(path, headers=AUTH)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def assert_error(response, status: int, code: str, param: str | None = None) -> dict:
    """Assert the contract's JSON error shape and return the body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    if param is not None:
        assert body["param"] == param
        assert param in body["message"]
    return body


@functools.cache
def shared_app(url: str) -> Flask:
    """One read-only API-only app per tiny database for the whole run (no rate limit, no
    environment)."""
    overrides = {
        "database_url": url,
        "api_keys": (API_KEY,),
        "fixed_now": TINY_NOW,
        "ratelimit_enabled": False,
        "auth": "none",
        "log_dir": tempfile.mkdtemp(prefix="mmdash-api-logs-"),
    }
    return create_app(load_settings(overrides, environ={}), pages=False)


@pytest.fixture
def client(tiny_url):
    """A test client of the shared app over the tiny fixture, on SQLite and PostgreSQL."""
    return shared_app(tiny_url).test_client()


@pytest.fixture
def sqlite_client(tiny_sqlite_url):
    """A test client of the shared app over the tiny SQLite fixture (rules that ignore the DB)."""
    return shared_app(tiny_sqlite_url).test_client()


@pytest.fixture
def sqlite_builder(tmp_path) -> Callable[[Callable], str]:
    """Return build(fill) -> URL of a fresh SQLite file with the schema, filled by fill(conn)."""

    def build(fill: Callable) -> str:
        url = f"sqlite:///{tmp_path / 'custom.db'}"
        engine = make_engine(load_settings({"database_url": url}), writer=True)
        create_schema(engine)
        with engine.begin() as conn:
            fill(conn)
        engine.dispose()
        return url

    return build
