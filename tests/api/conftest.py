"""Fixtures of the API tests: shared read-only apps, a writable SQLite builder and the seeded
demo database (one per backend for the run; helpers are in tests/api/helpers.py)."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from minimarket_dash import create_app
from minimarket_dash.config import load_settings
from minimarket_dash.db import create_schema, make_engine
from tests.api.helpers import SEEDED_LINES, SEEDED_NOW
from tests.constants import API_KEY, TINY_NOW
from tests.databases import postgres_database


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


def _seed(url: str) -> None:
    from minimarket_dash.demo import seed_database

    engine = make_engine(load_settings({"database_url": url}), writer=True)
    report = seed_database(
        engine, lines=SEEDED_LINES, seed=11, today=SEEDED_NOW.date(), progress=False
    )
    assert report.lines == SEEDED_LINES
    engine.dispose()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def seeded_url(request, tmp_path_factory) -> Iterator[str]:
    """A database seeded by the demo generator, on each supported backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'seeded.db'}"
        _seed(url)
        yield url
        return
    with postgres_database("mmdash_seeded") as url:
        _seed(url)
        yield url


@pytest.fixture
def seeded(make_app, seeded_url):
    """(test client without rate limit, read engine) over the seeded database."""
    app = make_app(
        database_url=seeded_url,
        api_keys=(API_KEY,),
        fixed_now=SEEDED_NOW,
        ratelimit_enabled=False,
    )
    engine = make_engine(load_settings({"database_url": seeded_url}))
    yield app.test_client(), engine
    engine.dispose()
