"""Browser tests: headless Chromium (Debian's package) driven by dash[testing]'s dash_duo.

How to write one: take `dash_duo` and `start_dashboard`, call `start_dashboard(dash_duo)` (the
tiny fixture, no cache, the fixture's "now") or `start_dashboard(dash_duo, **overrides)` with
create_app setting overrides (`database_url=…`, `auth="users"`, `fixed_now=…`), then use
`dash_duo` as usual: it has opened the home page and `dash_duo.server_url` is the server's base
URL (with `navigate=False` nothing is opened; use the URL start_dashboard returns). The app runs
in a subprocess (tests/app_process.py), because Dash serves one app with pages per process; one
server per distinct set of overrides is started and kept for the session, so state such as
sign-in lockouts or caches is shared by tests with the same overrides (pass a setting that tells
them apart, e.g. their own users_file, when that matters). Then use tests/browser/helpers.py:
wait with `wait_for_charts`, read figures with `figure_data`/`bars`/`empty_note`, poll with
`wait_for`; end with `assert dash_duo.get_logs() == []`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable

import pytest
from selenium.webdriver.chrome.options import Options

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
from tests.fixture_data import NOW


def pytest_setup_options():
    """Return Chromium options that run headless as root with no network of its own."""
    options = Options()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1366,900",
        "--lang=es-AR",
        f"--user-data-dir={tempfile.mkdtemp(prefix='mmdash-chrome-')}",
    ):
        options.add_argument(argument)
    return options


@pytest.fixture
def start_dashboard(app_server) -> Callable[..., str]:
    """Return start(dash_duo, navigate=True, **overrides) -> base URL of a server with the
    pages built with the overrides (tiny fixture, no cache by default); navigate=True opens it."""

    def start(dash_duo, navigate: bool = True, **overrides) -> str:
        overrides.setdefault("cache_ttl", 0)
        url = app_server(**overrides)
        if navigate:
            dash_duo.server_url = url  # dash.testing's setter opens the page and waits for it
        return url

    return start


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    """A SQLite file with 3.000 demo order lines ending on the fixture's 'now'."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    seed_database(engine, lines=3000, seed=7, today=NOW.date(), progress=False)
    engine.dispose()
    return url


@pytest.fixture
def today():
    """The tiny fixture's "today"."""
    return NOW.date()
