"""The «Facturas y precios» fixture (tests/invoices_fixture.py) on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator

import pytest
from flask import Flask

from minimarket_dash import create_app
from minimarket_dash.config import load_settings
from tests import invoices_fixture
from tests.constants import API_KEY
from tests.databases import postgres_database

fill = invoices_fixture.fill_database


@pytest.fixture(scope="session")
def invoices_sqlite_url(tmp_path_factory) -> str:
    """A SQLite file holding the invoices fixture."""
    url = f"sqlite:///{tmp_path_factory.mktemp('invoices') / 'invoices.db'}"
    fill(url)
    return url


@pytest.fixture(scope="session")
def invoices_postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database holding the same fixture."""
    with postgres_database("mmdash_inv") as url:
        fill(url)
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def invoices_url(request) -> str:
    """The invoices fixture on each supported database."""
    return request.getfixturevalue(f"invoices_{request.param}_url")


@functools.cache
def invoices_app(url: str) -> Flask:
    """One read-only API-only app per database (no rate limit, no cache, fixed now)."""
    overrides = {
        "database_url": url,
        "api_keys": (API_KEY,),
        "fixed_now": invoices_fixture.NOW,
        "ratelimit_enabled": False,
        "cache_ttl": 0,
        "log_dir": tempfile.mkdtemp(prefix="mmdash-inv-logs-"),
    }
    return create_app(load_settings(overrides, environ={}), pages=False)


@pytest.fixture
def client(invoices_url):
    """A test client over the invoices fixture, on SQLite and PostgreSQL."""
    return invoices_app(invoices_url).test_client()


@pytest.fixture
def sqlite_client(invoices_sqlite_url):
    """A test client over the SQLite copy (rules that do not depend on the database)."""
    return invoices_app(invoices_sqlite_url).test_client()
