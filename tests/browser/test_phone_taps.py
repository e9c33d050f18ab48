"""Issue 17 item 7 on phones: a tap names a bar without filtering, an explicit button filters,
tables keep three columns below 576 px, month ticks are never cut; at 390 (and 1366) px.

Expected figures come from direct SQL on the demo file or the tiny fixture (sqlite3).
"""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from tests.browser.helpers import bars, figure_data, query, wait_for_charts
from tests.browser.test_pages import wait_for

pytestmark = pytest.mark.browser

ANALYTICS_CHARTS = 9
SINCE = "2025-01-01"
TOP_PATH = f"/analytics?start_date={SINCE}"
MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


def sql(url: str, statement: str, *params) -> list[tuple]:
    """Run a read-only query on a SQLite file."""
    with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True) as conn:
        return conn.execute(statement, params).fetchall()


def es_int(value: int) -> str:
    return f"{value:,d}".replace(",", ".")


def open_at(dash_duo, url: str, width: int, path: str, charts: int) -> None:
    """Size the window, open path on the server at url (from start_dashboard), wait for charts."""
    dash_duo.driver.set_window_size(width, 900)
    dash_duo.driver.get(url + path)
    wait_for_charts(dash_duo, charts)


def center(dash_duo, element) -> None:
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )


def tap(dash_duo, element, width: int) -> None:
    """A finger's tap (Chromium touch events) on a phone, a mouse click on a desktop."""
    center(dash_duo, element)
    if width >= 576:
        ActionChains(dash_duo.driver).move_to_element(element).click().perform()
        return
    x, y = dash_duo.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.x + r.width / 2, r.y + r.height / 2]",
        element,
    )
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1}
    )
    driver.execute_cdp_cmd(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
    )
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def press(dash_duo, selector: str) -> None:
    element = dash_duo.find_element(selector)
    center(dash_duo, element)
    element.click()


def cut_bar(dash_duo) -> tuple[int, str]:
    """Return the index and full name of the first product bar whose axis text is not its name."""
    layout = dash_duo.driver.execute_script(
        "const p = document.querySelector('#analytics-top .js-plotly-plot');"
        "return {ticks: Array.from(p._fullLayout.yaxis.ticktext), names: Array.from("
        "p._fullData[0].y)}"
    )
    pairs = list(zip(layout["ticks"], layout["names"], strict=True))
    index = next(i for i, (tick, name) in enumerate(pairs) if tick != name)
    return index, pairs[index][1]


def product_figures(url: str, product: str) -> tuple[int, int, str]:
    """Units, orders and the provider of most units of a product since SINCE (direct SQL)."""
    window = (
        "FROM detalle_pedidos d JOIN pedidos o ON o.id = d.pedido_id "
        "WHERE d.producto_nombre = ? AND o.fecha_pedido >= ?"
    )
    ((units, orders),) = sql(
        url, f"SELECT SUM(d.cantidad), COUNT(DISTINCT o.id) {window}", product, SINCE
    )
    per_provider = sql(
        url,
        "SELECT p.nombre, SUM(d.cantidad) AS u "
        + window.replace("WHERE", "JOIN proveedores p ON p.id = o.proveedor_id WHERE")
        + " GROUP BY p.nombre ORDER BY u DESC, p.nombre",
        product,
        SINCE,
    )
    return units, orders, per_provider[0][0]


@pytest.mark.parametrize("width", [390, 1366])
def test_a_tap_names_the_product_and_does_not_filter(dash_duo, start_dashboard, demo_url, width):
    url = start_dashboard(dash_duo, navigate=False, database_url=demo_url)
    open_at(dash_duo, url, width, TOP_PATH, ANALYTICS_CHARTS)
    before = bars(dash_duo, "analytics-top")
    index, name = cut_bar(dash_duo)
    units, orders, provider = product_figures(demo_url, name)
    tap(dash_duo, dash_duo.find_elements("#analytics-top .point path")[index], width)
    panel = dash_duo.find_element("#analytics-top-tap-text")
    expected = (
        f"{name} · {es_int(units)} unidades · {es_int(orders)} pedidos · "
        f"proveedor principal: {provider}"
    )
    wait_for(lambda: panel.text == expected)
    hover = dash_duo.find_element("#analytics-top .hoverlayer .hovertext").text
    assert name in hover.replace("\n", " ")  # plotly's label shows on the tap as well
    assert dash_duo.find_element("#analytics-top-tap-action").text == f"Filtrar por {provider}"
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)  # nothing reloads…
    assert query(dash_duo) == {"start_date": [SINCE]}  # …and the URL keeps its filter
    assert bars(dash_duo, "analytics-top") == before
    assert dash_duo.get_logs() == []


def test_the_filter_button_filters_by_the_tapped_products_provider(
    dash_duo, start_dashboard, demo_url
):
    url = start_dashboard(dash_duo, navigate=False, database_url=demo_url)
    open_at(dash_duo, url, 390, TOP_PATH, ANALYTICS_CHARTS)
    index, name = cut_bar(dash_duo)
    provider = product_figures(demo_url, name)[2]
    tap(dash_duo, dash_duo.find_elements("#analytics-top .point path")[index], 390)
    wait_for(lambda: dash_duo.find_element("#analytics-top-tap-action").is_displayed())
    press(dash_duo, "#analytics-top-tap-action")
    wait_for(lambda: query(dash_duo).get("proveedor") == [provider])
    assert query(dash_duo)["start_date"] == [SINCE]
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    units = dict(
        sql(
            demo_url,
            "SELECT d.producto_nombre, SUM(d.cantidad) FROM detalle_pedidos d"
            " JOIN pedidos o ON o.id = d.pedido_id JOIN proveedores p ON"
            " p.id = o.proveedor_id WHERE p.nombre = ? AND o.fecha_pedido >= ?"
            " GROUP BY d.producto_nombre",
            provider,
            SINCE,
        )
    )
    drawn = bars(dash_duo, "analytics-top")
    assert drawn and all(units[product] == value for product, value in drawn.items())
    assert sorted(drawn.values(), reverse=True) == sorted(units.values(), reverse=True)[:10]
    assert not dash_duo.find_element("#analytics-top-tap-action").is_displayed()  # new chart
    assert dash_duo.get_logs() == []


def test_providers_chart_tap_names_then_analyses(dash_duo, start_dashboard, tiny_sqlite_url):
    url = start_dashboard(dash_duo, navigate=False)
    open_at(dash_duo, url, 390, "/providers", 1)
    counts = dict(
        sql(
            tiny_sqlite_url,
            "SELECT p.nombre, COUNT(o.id) FROM proveedores p"
            " JOIN pedidos o ON o.proveedor_id = p.id GROUP BY p.nombre",
        )
    )
    tap(dash_duo, dash_duo.find_elements("#providers-chart .point path")[1], 390)
    panel = dash_duo.find_element("#providers-chart-tap-text")
    wait_for(lambda: panel.text.startswith(f"Bebidas Norte · {counts['Bebidas Norte']} pedidos"))
    assert urlparse(dash_duo.driver.current_url).path == "/providers"
    press(dash_duo, "#providers-chart-tap-action")  # «Analizar Bebidas Norte»
    wait_for(lambda: urlparse(dash_duo.driver.current_url).path == "/analytics")
    assert query(dash_duo) == {"proveedor": ["Bebidas Norte"]}
    assert dash_duo.get_logs() == []


def shown_headers(dash_duo, table: str) -> list[str]:
    return [
        cell.get_attribute("data-dash-column")
        for cell in dash_duo.find_elements(f"#{table} th.dash-header")
        if cell.is_displayed()
    ]


def page_overflow(dash_duo) -> tuple[int, int]:
    return tuple(
        dash_duo.driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
    )


@pytest.mark.parametrize(
    ("path", "table", "charts", "fixed", "picked", "other", "columns"),
    [
        (
            "/providers",
            "providers-table",
            1,
            ["nombre", "total_pedidos"],
            "compras_30d",
            "total_productos",
            7,
        ),
        (
            TOP_PATH,
            "analytics-top-table",
            ANALYTICS_CHARTS,
            ["producto", "cantidad_total"],
            "proveedor",
            "pedidos",
            4,
        ),
    ],
)
@pytest.mark.parametrize("width", [390, 1366])
def test_tables_keep_three_columns_on_a_phone(
    dash_duo, start_dashboard, demo_url, width, path, table, charts, fixed, picked, other, columns
):
    url = start_dashboard(dash_duo, navigate=False, database_url=demo_url)
    open_at(dash_duo, url, width, path, charts)
    wait_for(lambda: len(dash_duo.find_elements(f"#{table} tbody tr")) > 1)
    wide, window = page_overflow(dash_duo)
    assert wide <= window, (wide, window)
    picker = dash_duo.find_element(f"#{table}-column")
    if width >= 576:
        assert not picker.is_displayed()
        assert len(shown_headers(dash_duo, table)) == columns
        return
    assert shown_headers(dash_duo, table) == [*fixed, picked]
    center(dash_duo, picker)
    Select(picker).select_by_value(other)
    wait_for(lambda: shown_headers(dash_duo, table) == [*fixed, other])
    assert page_overflow(dash_duo)[0] <= window
    assert dash_duo.get_logs() == []


TICKS_JS = """
const svg = document.querySelector('#' + arguments[0] + ' .main-svg');
const box = svg.getBoundingClientRect();
return Array.from(svg.querySelectorAll('.xtick text')).map(t => {
  const r = t.getBoundingClientRect();
  const spans = Array.from(t.querySelectorAll('tspan.line')).map(l => l.textContent.trim());
  return {lines: spans.length ? spans : [t.textContent.trim()],
          text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          inside: r.left >= box.left && r.right <= box.right && r.bottom <= box.bottom};
});
"""


@pytest.mark.parametrize("graph", ["analytics-trends", "analytics-movements", "analytics-money"])
def test_month_ticks_are_whole_on_a_phone(dash_duo, start_dashboard, demo_url, graph):
    url = start_dashboard(dash_duo, navigate=False, database_url=demo_url)
    open_at(dash_duo, url, 390, "/analytics", ANALYTICS_CHARTS)
    ticks = [t for t in dash_duo.driver.execute_script(TICKS_JS, graph) if t["text"].strip()]
    assert len(ticks) >= 5
    years = [t["lines"][1] for t in ticks if len(t["lines"]) > 1 and t["lines"][1].strip()]
    assert years and all(re.fullmatch(r"20\d\d", year) for year in years), years
    assert all(t["lines"][0] in MONTHS and t["inside"] for t in ticks), ticks
    for left, right in zip(ticks, ticks[1:], strict=False):  # side by side, never overlapping
        assert left["right"] <= right["left"], (left, right)
    # The demo ends on the fixture's today: its month is running, so partial.
    assert ticks[-1]["lines"][-1] == "parcial"
    first_year = sql(
        demo_url,
        "SELECT MIN(strftime('%Y', fecha_pedido)) FROM pedidos WHERE fecha_pedido >= '2025-04-01'",
    )[0][0]
    assert years[0] == first_year
    assert dash_duo.get_logs() == []


def test_a_new_filter_empties_the_panel_and_the_same_bar_can_be_tapped_again(
    dash_duo, start_dashboard, demo_url
):
    url = start_dashboard(dash_duo, navigate=False, database_url=demo_url)
    open_at(dash_duo, url, 1366, TOP_PATH, ANALYTICS_CHARTS)
    index, name = cut_bar(dash_duo)
    panel = dash_duo.find_element("#analytics-top-tap-text")

    def tap_named_bar():
        tap(dash_duo, dash_duo.find_elements("#analytics-top .point path")[index], 1366)
        wait_for(lambda: panel.text.startswith(f"{name} · "))

    tap_named_bar()
    before = bars(dash_duo, "analytics-top")
    box = dash_duo.find_element("#analytics-proveedor")
    box.send_keys("nadie", Keys.ENTER)  # a provider with no orders: the charts change
    wait_for(lambda: query(dash_duo).get("proveedor") == ["nadie"])
    wait_for(lambda: panel.text == "")
    assert not dash_duo.find_element("#analytics-top-tap-action").is_displayed()
    dash_duo.driver.back()
    wait_for(lambda: "proveedor" not in query(dash_duo))
    wait_for(
        lambda: figure_data(dash_duo, "analytics-top") and bars(dash_duo, "analytics-top") == before
    )
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    tap_named_bar()  # the same bar as before the filter: named again (clickData is new)
    assert dash_duo.get_logs() == []
