"""Helpers shared by the browser tests: wait for charts, read what the browser drew, poll."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

CHART_SELECTOR = ".js-plotly-plot"

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


def query(dash_duo) -> dict[str, list[str]]:
    """Return the current URL's query string."""
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def wait_for(condition, timeout: float = 10) -> None:
    """Poll until condition() is truthy. An element React replaced while the condition read it
    (StaleElementReferenceException) only means "not yet": the page is still changing."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except StaleElementReferenceException:
            pass
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


TEXTS_JS = "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText);"


def texts(dash_duo, selector: str) -> list[str]:
    """Return the rendered text of every element matching selector, read in one script.

    Finding the elements and then asking each for its text is two steps: a list that React
    re-renders in between (search suggestions while one types, a page that finishes loading)
    raises StaleElementReferenceException. One script reads one consistent DOM.
    """
    return dash_duo.driver.execute_script(TEXTS_JS, selector)


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


def scroll_to(driver, element) -> None:
    """Bring element to the middle of the window at once (Bootstrap scrolls smoothly, and a
    click during the scroll lands on whatever passes under the pointer)."""
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )


def type_text(target, text: str, pause: float = 0.05) -> None:
    """Type text one key at a time, as a person does, into `target` (an element, or the
    driver for whatever has the focus).

    dcc.Input with debounce puts the caret back a moment after each change (a setTimeout in
    Dash 4's Input); keys sent all at once under load land before that, at the old caret
    ("lacteos" became "lateosc"). A person's pause between keys is far longer than this one.
    """
    from selenium.webdriver.common.action_chains import ActionChains

    for key in text:
        if hasattr(target, "send_keys"):
            target.send_keys(key)
        else:
            ActionChains(target).send_keys(key).perform()
        time.sleep(pause)
