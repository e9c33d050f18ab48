"""Browser tests: headless Chromium (Debian's package) driven by dash[testing]'s dash_duo."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable

import pytest
from selenium.webdriver.chrome.options import Options

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
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
def dash_app(make_app, tiny_sqlite_url) -> Callable:
    """Build the Dash app of a server over the tiny fixture (overrides allowed)."""

    def build(**overrides):
        overrides.setdefault("database_url", tiny_sqlite_url)
        overrides.setdefault("cache_ttl", 0)
        return make_app(**overrides).extensions["dash_app"]

    return build


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    """A SQLite file with 3.000 demo order lines ending on the fixture's 'now'."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    seed_database(engine, lines=3000, seed=7, today=NOW.date(), progress=False)
    engine.dispose()
    return url


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


def text_without_help(dash_duo, selector: str) -> str:
    """Return the element's visible text without its «?» help tips (what a reader sees)."""
    return dash_duo.driver.execute_script(
        """
        const el = document.querySelector(arguments[0]);
        const copy = el.cloneNode(true);
        copy.querySelectorAll('.help-tip').forEach(tip => tip.remove());
        document.body.appendChild(copy);
        const text = copy.innerText;
        copy.remove();
        return text;
        """,
        selector,
    )
