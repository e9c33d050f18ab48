"""Shared fixtures: clean environment, throwaway databases, apps from the factory, live servers."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from minimarket_dash import create_app
from minimarket_dash.config import load_settings
from minimarket_dash.db import create_schema, make_engine
from tests import fixture_data
from tests.live import LiveServer, start_live_server  # noqa: F401  (re-exported for tests)

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TINY_NOW = fixture_data.NOW


@pytest.fixture(autouse=True)
def _clean_dashboard_env(monkeypatch):
    """Keep the runner's DASHBOARD_* variables out of every test."""
    for name in list(os.environ):
        if name.startswith("DASHBOARD_"):
            monkeypatch.delenv(name, raising=False)


@contextlib.contextmanager
def postgres_database(prefix: str = "mmdash_test") -> Iterator[str]:
    """Create a throwaway PostgreSQL database, yield its URL, and drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _fill_tiny(url: str, insert_all=fixture_data.insert_all) -> None:
    """Create the schema at url and insert a hand-made fixture (the tiny one by default)."""
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    create_schema(engine)
    with engine.begin() as conn:
        insert_all(conn)
    engine.dispose()


@pytest.fixture(scope="session")
def tiny_sqlite_url(tmp_path_factory) -> str:
    """A SQLite file holding the hand-made fixture of tests/fixture_data.py."""
    url = f"sqlite:///{tmp_path_factory.mktemp('tiny') / 'tiny.db'}"
    _fill_tiny(url)
    return url


@pytest.fixture(scope="session")
def tiny_postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database holding the same hand-made fixture."""
    with postgres_database() as url:
        _fill_tiny(url)
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tiny_url(request) -> str:
    """The hand-made fixture on each database the product supports."""
    return request.getfixturevalue(f"tiny_{request.param}_url")


@pytest.fixture
def tiny_engine(tiny_url):
    """A read-only serving engine over the tiny fixture."""
    engine = make_engine(load_settings({"database_url": tiny_url}))
    yield engine
    engine.dispose()


@pytest.fixture
def make_app():
    """Build apps from the factory with setting overrides (fixed 'now' of the fixture)."""

    def build(**overrides):
        overrides.setdefault("fixed_now", TINY_NOW)
        overrides.setdefault("auth", "none")  # sign-in has its own tests (tests/signin/)
        overrides.setdefault("log_dir", str(_tmp_logs()))
        return create_app(**overrides)

    return build


def _tmp_logs():
    import tempfile

    return tempfile.mkdtemp(prefix="mmdash-logs-")


@pytest.fixture
def tiny_app(make_app, tiny_url):
    """An app over the tiny fixture, with one API key configured."""
    return make_app(database_url=tiny_url, api_keys=("test-key-0123456789abcdef",))


@pytest.fixture
def client(tiny_app):
    """A Flask test client of tiny_app."""
    return tiny_app.test_client()


API_KEY = "test-key-0123456789abcdef"
AUTH = {"X-API-Key": API_KEY}


@pytest.fixture
def auth_headers() -> dict[str, str]:
    """Headers that carry the test API key."""
    return dict(AUTH)


def fixed_now() -> datetime:
    """The 'now' of the tiny fixture."""
    return TINY_NOW


# «Qué pedir hoy» fixtures (tests/reorder_conftest.py), imported last: they use the above.
from tests.reorder_conftest import (  # noqa: E402, F401
    reorder_app,
    reorder_postgres_url,
    reorder_sqlite_url,
    reorder_url,
)
