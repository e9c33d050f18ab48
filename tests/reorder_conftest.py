"""Fixtures of the «Qué pedir hoy» database on SQLite and PostgreSQL (import them in tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import reorder_fixture
from tests.constants import API_KEY
from tests.databases import postgres_database


@pytest.fixture(scope="session")
def reorder_sqlite_url(tmp_path_factory) -> str:
    """A SQLite file holding tests/reorder_fixture.py."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reorder') / 'reorder.db'}"
    reorder_fixture.fill(url)
    return url


@pytest.fixture(scope="session")
def reorder_postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database holding the same fixture."""
    with postgres_database("mmdash_reorder") as url:
        reorder_fixture.fill(url)
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def reorder_url(request) -> str:
    """The reorder fixture on each database the product supports."""
    return request.getfixturevalue(f"reorder_{request.param}_url")


@pytest.fixture
def reorder_app(make_app, reorder_url):
    """An app over the reorder fixture at its NOW, with the test API key and no cache."""

    def build(**overrides):
        overrides.setdefault("fixed_now", reorder_fixture.NOW)
        overrides.setdefault("cache_ttl", 0)
        return make_app(database_url=reorder_url, api_keys=(API_KEY,), **overrides)

    return build
