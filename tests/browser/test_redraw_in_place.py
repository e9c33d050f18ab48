"""Análisis redraws its charts in place when the filter changes (components.charts_following_url):
the same plotly charts get new figures, in one callback for all of them, their text alternatives
follow, and a filter changed while the first drawing is on its way is the one drawn.

Expected figures come from the tiny fixture (tests/fixture.py), checked by hand in test_pages.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import bars, figure_data, query, wait_for, wait_for_charts

pytestmark = pytest.mark.browser

MARCH = "/analytics?start_date=2026-03-01&end_date=2026-03-14"
GRAPH_IDS = (
    "analytics-top",
    "analytics-trends",
    "analytics-movements",
    "analytics-money",
    "analytics-money-providers",
    "analytics-states",
    "analytics-stock",
    "analytics-weekly",
    "analytics-timeline",
)

# Marks each chart's plotly element, so a chart mounted anew (an unmarked element) shows.
MARK_CHARTS_JS = """
for (const id of arguments[0]) {
  document.getElementById(id).querySelector('.js-plotly-plot').__mmMark = true;
}
"""
UNMARKED_CHARTS_JS = """
return arguments[0].filter(id => {
  const plot = document.getElementById(id).querySelector('.js-plotly-plot');
  return !(plot && plot.__mmMark);
});
"""
# Names the outputs of every Dash callback request from now on.
COUNT_CALLBACKS_JS = """
window.__mmOutputs = [];
const original = window.fetch;
window.fetch = function (resource, init) {
  if (String(resource).includes('_dash-update-component')) {
    window.__mmOutputs.push(JSON.parse(init.body).output);
  }
  return original.apply(this, arguments);
};
"""
# Before the page's own scripts: answers of the callbacks that draw a whole chart arrive 2 s
# late, so a filter can change while the first drawing is on its way.
SLOW_FIRST_DRAWING_JS = """
const original = window.fetch;
window.fetch = function (resource, init) {
  const body = (init && typeof init.body === 'string') ? init.body : '';
  const answer = original.apply(this, arguments);
  if (!body.includes('-box.children')) return answer;
  return answer.then(r => new Promise(done => setTimeout(() => done(r), 2000)));
};
"""


def charts_on_page(dash_duo) -> int:
    """Return how many plotly charts the page holds, now (find_elements waits for one)."""
    return dash_duo.driver.execute_script(
        "return document.querySelectorAll('#_pages_content .js-plotly-plot').length"
    )


def top_bars(dash_duo) -> dict:
    """Return the top products chart's bars, {} while it draws none."""
    traces = figure_data(dash_duo, "analytics-top")
    return bars(dash_duo, "analytics-top") if traces else {}


def data_table_rows(dash_duo, graph_id: str) -> list[list[str]]:
    """Return the rows of the chart's «Ver como tabla» (its data-table attribute)."""
    return dash_duo.driver.execute_script(
        "const body = document.querySelector('#' + arguments[0] + '-datos .chart-data-body');"
        "return JSON.parse(body.getAttribute('data-table')).rows;",
        graph_id,
    )


def test_a_filter_change_redraws_every_chart_in_place(dash_duo, start_dashboard):
    url = start_dashboard(dash_duo, navigate=False)
    dash_duo.driver.get(url + MARCH)
    wait_for_charts(dash_duo, len(GRAPH_IDS))
    assert bars(dash_duo, "analytics-top") == {"Agua mineral 2 L": 14, "Leche entera 1 L": 7}
    dash_duo.driver.execute_script(MARK_CHARTS_JS, GRAPH_IDS)
    dash_duo.driver.execute_script(COUNT_CALLBACKS_JS)

    dash_duo.find_element("#analytics-proveedor").send_keys("lacteos", Keys.ENTER)
    wait_for(lambda: bars(dash_duo, "analytics-top") == {"Leche entera 1 L": 4})
    wait_for_charts(dash_duo, len(GRAPH_IDS))

    assert dash_duo.driver.execute_script(UNMARKED_CHARTS_JS, GRAPH_IDS) == []
    outputs = dash_duo.driver.execute_script("return window.__mmOutputs")
    redraws = [o for o in outputs if "analytics-top.figure" in o]
    # The URL, the summary line and one answer for all nine charts.
    assert len(outputs) == 3 and len(redraws) == 1
    assert all(f"{graph_id}.figure" in redraws[0] for graph_id in GRAPH_IDS)
    # The text alternatives follow the new figures.
    assert data_table_rows(dash_duo, "analytics-top") == [["Leche entera 1 L", "4"]]
    label = dash_duo.find_element("#analytics-top-img").get_attribute("aria-label")
    assert label.startswith("Gráfico de barras")
    cells = dash_duo.find_elements("#analytics-top-table tbody td")
    assert [c.text for c in cells] == ["Leche entera 1 L", "4", "1", "Lácteos del Sur"]
    assert dash_duo.get_logs() == []


def test_an_empty_result_then_data_again_keep_the_same_charts(dash_duo, start_dashboard):
    url = start_dashboard(dash_duo, navigate=False)
    dash_duo.driver.get(url + MARCH)
    wait_for_charts(dash_duo, len(GRAPH_IDS))
    dash_duo.driver.execute_script(MARK_CHARTS_JS, GRAPH_IDS)
    box = dash_duo.find_element("#analytics-proveedor")
    box.send_keys("nadie", Keys.ENTER)
    wait_for(lambda: query(dash_duo).get("proveedor") == ["nadie"])
    top_note = (
        "return (document.querySelector('#analytics-top .js-plotly-plot')"
        ".layout.annotations || []).map(a => a.text)"
    )
    wait_for(lambda: dash_duo.driver.execute_script(top_note) != [])
    wait_for_charts(dash_duo, len(GRAPH_IDS))
    # An empty chart says so, and has no table to open.
    assert not dash_duo.driver.execute_script(
        "return document.querySelector('#analytics-top-datos')"
    )
    assert dash_duo.find_element("#analytics-top-empty").text
    dash_duo.driver.back()
    wait_for(lambda: top_bars(dash_duo) == {"Agua mineral 2 L": 14, "Leche entera 1 L": 7})
    wait_for_charts(dash_duo, len(GRAPH_IDS))
    assert dash_duo.driver.execute_script(UNMARKED_CHARTS_JS, GRAPH_IDS) == []
    assert data_table_rows(dash_duo, "analytics-top") == [
        ["Agua mineral 2 L", "14"],
        ["Leche entera 1 L", "7"],
    ]
    assert dash_duo.get_logs() == []


def test_a_filter_changed_during_the_first_drawing_is_the_one_drawn(dash_duo, start_dashboard):
    url = start_dashboard(dash_duo, navigate=False)
    dash_duo.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": SLOW_FIRST_DRAWING_JS}
    )
    dash_duo.driver.get(url + MARCH)
    box = dash_duo.wait_for_element("#analytics-proveedor")
    box.send_keys("lacteos", Keys.ENTER)  # the first charts are still on their way
    wait_for(lambda: query(dash_duo).get("proveedor") == ["lacteos"])
    assert charts_on_page(dash_duo) == 0
    wait_for(lambda: charts_on_page(dash_duo) == len(GRAPH_IDS), timeout=15)
    wait_for_charts(dash_duo, len(GRAPH_IDS))
    assert bars(dash_duo, "analytics-top") == {"Leche entera 1 L": 4}
    trend = figure_data(dash_duo, "analytics-trends")[0]
    assert trend["y"] == [0, 0, 1]  # lacteos' orders per ISO week of the range
    summary = dash_duo.find_element("#analytics-summary").text
    assert summary == "Del 01/03/2026 al 14/03/2026 · proveedor «lacteos»"
