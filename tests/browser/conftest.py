"""Browser tests: headless Chromium (Debian's package) driven by dash[testing]'s dash_duo.

How to write one: take `dash_duo` and `start_dashboard`, call `start_dashboard(dash_duo)` (the
tiny fixture, no cache, the fixture's "now") or `start_dashboard(dash_duo, **overrides)` with
create_app setting overrides (`database_url=…`, `auth="users"`, `fixed_now=…`), then use
`dash_duo` as usual: it has opened the home page and `dash_duo.server_url` is the server's base
URL (with `navigate=False` nothing is opened; use the URL start_dashboard returns). The app runs
in a subprocess (tests/app_process.py), because Dash serves one app with pages per process; one
server per distinct set of overrides is started and kept for the session, so state such as
sign-in lockouts or caches is shared by tests with the same overrides (pass a setting that tells
them apart, e.g. their own users_file, when that matters). Wait with `wait_for_charts`, read
figures with `figure_data`/`bars`/`empty_note`, and end with `assert dash_duo.get_logs() == []`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable

import pytest
from selenium.webdriver.chrome.options import Options

from tests.fixture_data import NOW

CHART_SELECTOR = ".js-plotly-plot"


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


READY_JS = """
const charts = document.querySelectorAll('#_pages_content .js-plotly-plot');
for (const c of charts) {
  if (!c.querySelector('.main-svg')) return -1;
  const notes = (c.layout && c.layout.annotations) || [];
  if (!(c.data && c.data.length) && !notes.length) return -1;
}
if (document.querySelector('[data-dash-is-loading="true"], .dash-spinner, ._dash-loading')) {
  return -1;
}
return charts.length;
"""


def charts_drawn(driver) -> int:
    """Return how many charts are drawn with their data, or -1 while any is still loading."""
    return driver.execute_script(READY_JS)


def wait_for_charts(dash_duo, count: int, timeout: float = 15) -> None:
    """Wait until `count` charts are drawn and idle."""
    deadline = time.monotonic() + timeout
    drawn = -1
    while time.monotonic() < deadline:
        drawn = charts_drawn(dash_duo.driver)
        if drawn >= count:
            time.sleep(0.2)  # let a callback chained on the URL start, then check again
            if charts_drawn(dash_duo.driver) >= count:
                return
        time.sleep(0.05)
    raise AssertionError(f"charts not drawn in {timeout} s ({drawn} of {count})")


def figure_data(dash_duo, graph_id: str) -> list[dict]:
    """Return the traces (name, x, y) the browser drew in a dcc.Graph, decoded."""
    return dash_duo.driver.execute_script(
        """
        const el = document.getElementById(arguments[0]);
        const plot = el.classList.contains('js-plotly-plot') ? el
            : el.querySelector('.js-plotly-plot');
        return (plot._fullData || []).map(t => ({name: t.name || null,
            x: Array.from(t.x || []), y: Array.from(t.y || [])}));
        """,
        graph_id,
    )


def bars(dash_duo, graph_id: str) -> dict:
    """Return {label: value} of a horizontal bar chart as drawn."""
    trace = figure_data(dash_duo, graph_id)[0]
    return dict(zip(trace["y"], trace["x"], strict=True))


def empty_note(dash_duo, graph_id: str) -> str | None:
    """Return the empty-state note of a chart, or None when it draws data."""
    return dash_duo.driver.execute_script(
        """
        const el = document.getElementById(arguments[0]);
        const plot = el.classList.contains('js-plotly-plot') ? el
            : el.querySelector('.js-plotly-plot');
        const notes = (plot.layout && plot.layout.annotations) || [];
        return notes.length ? notes[0].text : null;
        """,
        graph_id,
    )


@pytest.fixture
def today():
    """The tiny fixture's "today"."""
    return NOW.date()
