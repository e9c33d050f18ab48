"""Shared fixtures: clean environment, throwaway databases, apps from the factory, live servers.

Dash serves one app with pages per process (minimarket_dash/dashboard.py). So `make_app` builds
API-only servers (`create_app(pages=False)`: every hook, the API, /health, /metrics, sign-in);
`pages_app` is the one in-process server with pages (a fixed configuration over the tiny
fixture), and `app_servers` starts a server with pages in any other configuration in a
subprocess (tests/app_process.py), one per configuration, kept for the session.
"""

from __future__ import annotations

import inspect
import os
import tempfile
from collections.abc import Iterator

import pytest

from minimarket_dash import create_app
from minimarket_dash.config import Settings, load_settings
from minimarket_dash.db import make_engine
from tests.app_process import AppProcesses
from tests.constants import API_KEY, AUTH, TINY_NOW
from tests.databases import fill_database, postgres_database
from tests.live import LiveServer, start_live_server  # noqa: F401  (re-exported for tests)
from tests.services import RedisServer, redis_server, stop_all


def pytest_sessionfinish(session, exitstatus):
    """Stop the session's private PostgreSQL and Redis (tests/services.py)."""
    stop_all()


@pytest.fixture(scope="session")
def _session_state_dir(tmp_path_factory) -> str:
    """One folder for the stores of summaries of every test database (each has its own file)."""
    return str(tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="session", autouse=True)
def _stores_outside_the_checkout(_session_state_dir):
    """Every store, marks file, users file and key the tests make goes to a temp folder, never the
    checkout's data/: through DASHBOARD_STATE_DIR, and through Settings' own default too (a
    test or a session fixture that builds its settings from no environment at all,
    `load_settings(..., environ={})`, would otherwise write there). Session-wide, so the
    session fixtures that fill the test databases are covered as well."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASHBOARD_STATE_DIR", _session_state_dir)
        patch.setattr(
            Settings.__init__,
            "__defaults__",
            _defaults_with(
                state_dir=_session_state_dir,
                # The session key is written beside the users file
                # (users.load_or_create_secret_key).
                users_file=os.path.join(_session_state_dir, "users.json"),
            ),
        )
        yield


@pytest.fixture(autouse=True)
def _clean_dashboard_env(monkeypatch, _session_state_dir):
    """Keep the runner's DASHBOARD_* variables out of every test; stores go to a temp folder
    (_stores_outside_the_checkout)."""
    for name in list(os.environ):
        if name.startswith("DASHBOARD_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DASHBOARD_STATE_DIR", _session_state_dir)


def _defaults_with(**replaced: str) -> tuple:
    """Settings.__init__'s default values with the named ones replaced."""
    defaults = list(Settings.__init__.__defaults__)
    with_default = [
        parameter.name
        for parameter in inspect.signature(Settings.__init__).parameters.values()
        if parameter.default is not inspect.Parameter.empty
    ]
    assert len(with_default) == len(defaults)  # every default positional, in order
    for name, value in replaced.items():
        defaults[with_default.index(name)] = value
    return tuple(defaults)


@pytest.fixture(scope="session")
def tiny_sqlite_url(tmp_path_factory) -> str:
    """A SQLite file holding the hand-made fixture of tests/fixture_data.py."""
    url = f"sqlite:///{tmp_path_factory.mktemp('tiny') / 'tiny.db'}"
    fill_database(url)
    return url


@pytest.fixture(scope="session")
def tiny_postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database holding the same hand-made fixture."""
    with postgres_database() as url:
        fill_database(url)
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Database 0 of the session's private redis-server (never the host's 6379); a test that
    needs an empty one uses another number or deletes only the keys it made."""
    return redis_server().url(0)


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    """A redis-server of the test's own, started; the test may stop() and start() it again
    (on the same port) to play an outage."""
    server = RedisServer().start()
    yield server
    server.stop(remove=True)


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


def _test_overrides(overrides: dict) -> dict:
    """Apply the test defaults: the fixture's fixed 'now', open pages, a throwaway log folder."""
    overrides.setdefault("fixed_now", TINY_NOW)
    overrides.setdefault("auth", "none")  # sign-in has its own tests (tests/signin/)
    overrides.setdefault("log_dir", tempfile.mkdtemp(prefix="mmdash-logs-"))
    return overrides


@pytest.fixture
def make_app():
    """Build API-only servers (no Dash pages) from the factory with setting overrides."""

    def build(**overrides):
        return create_app(pages=False, **_test_overrides(overrides))

    return build


@pytest.fixture(scope="session")
def pages_app(tiny_sqlite_url, tmp_path_factory):
    """The one in-process server with the Dash pages: tiny SQLite fixture, the test key,
    no cache, no rate limit, 64 KiB body limit, a store of summaries of its own (empty: the
    pages read live). Other configurations: `app_servers`."""
    overrides = {
        "database_url": tiny_sqlite_url,
        "api_keys": (API_KEY,),
        "cache_ttl": 0,
        "ratelimit_enabled": False,
        "max_body_kb": 64,
        "state_dir": str(tmp_path_factory.mktemp("pages-app-state")),
    }
    return create_app(load_settings(_test_overrides(overrides), environ={}))


@pytest.fixture(scope="session")
def app_servers() -> Iterator:
    """Return url_for(**overrides): the base URL of a server with pages built with exactly
    these overrides, in a subprocess started on first use and stopped at the session's end."""
    processes = AppProcesses()
    yield processes.url_for
    processes.stop_all()


@pytest.fixture
def app_server(app_servers, tiny_sqlite_url):
    """Return url_for(**overrides) with the test defaults and the tiny SQLite fixture
    (`fresh=True`: a server of its own, for tests that count requests)."""

    def url_for(*, fresh: bool = False, **overrides) -> str:
        overrides.setdefault("database_url", tiny_sqlite_url)
        overrides.setdefault("fixed_now", TINY_NOW)
        overrides.setdefault("auth", "none")
        return app_servers(fresh=fresh, **overrides)

    return url_for


@pytest.fixture
def tiny_app(make_app, tiny_url):
    """An API-only app over the tiny fixture, with the test API key configured."""
    return make_app(database_url=tiny_url, api_keys=(API_KEY,))


@pytest.fixture
def client(tiny_app):
    """A Flask test client of tiny_app."""
    return tiny_app.test_client()


@pytest.fixture
def auth_headers() -> dict[str, str]:
    """Headers that carry the test API key."""
    return dict(AUTH)


# «Qué pedir hoy» fixtures (tests/reorder_conftest.py), imported last: they use the above.
from tests.reorder_conftest import (  # noqa: E402, F401
    reorder_app,
    reorder_postgres_url,
    reorder_sqlite_url,
    reorder_url,
)
