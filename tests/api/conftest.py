"""Helpers shared by the API tests: authenticated GETs and a writable SQLite builder."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from minimarket_dash.config import load_settings
from minimarket_dash.db import create_schema, make_engine
from tests.conftest import API_KEY

AUTH = {"X-API-Key": API_KEY}


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
