"""Productos (search and product view) and the phone/locale polish, in Chromium at 1366 and 390 px.

Expected numbers come from direct SQL on the demo file (sqlite3), not from the app's queries.
"""

from __future__ import annotations

import sqlite3
import tempfile
import unicodedata
from urllib.parse import parse_qs, urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import pytest_setup_options
from tests.browser.helpers import texts, type_text, wait_for, wait_for_charts

pytestmark = pytest.mark.browser

NOW_TEXT = "2026-03-15 12:00:00"  # tests/fixture_data.NOW, the demo's last day
HISTORY_START = "2025-04-01"  # the 12 calendar months up to March 2026


def sql(url: str, statement: str, *params) -> list[tuple]:
    """Run a read-only query on the demo SQLite file."""
    with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True) as conn:
        return conn.execute(statement, params).fetchall()


def plain(text: str) -> str:
    """Lower case without accents, written independently of the app's fold_text."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def es_int(value: int) -> str:
    return f"{value:,d}".replace(",", ".")


def es_money(value: float) -> str:
    return "$ " + f"{value:,.2f}".replace(",", "@").replace(".", ",").replace("@", ".")


@pytest.fixture(params=[1366, 390], ids=["1366px", "390px"])
def width(request) -> int:
    return request.param


def open_at(dash_duo, url: str, width: int, path: str) -> None:
    """Size the window and open path on the server at url (started by start_dashboard)."""
    dash_duo.driver.set_window_size(width, 900)
    dash_duo.driver.get(url + path)


def test_search_finds_by_accentless_name_and_by_barcode(dash_duo, start_dashboard, demo_url, width):
    rows = sql(demo_url, "SELECT id, nombre, codigo_barras FROM productos ORDER BY id")
    accented = next(r for r in rows if plain(r[1]) != r[1].casefold())
    needle = plain(accented[1])
    assert needle != accented[1].casefold()  # typed without its accents
    url = start_dashboard(dash_duo, navigate=False, database_url=demo_url)
    open_at(dash_duo, url, width, "/")
    type_text(dash_duo.find_element("#nav-search"), needle)
    wait_for(lambda: accented[1] in texts(dash_duo, "#nav-search-results .nav-search-item span"))
    dash_duo.find_element("#nav-search").send_keys(Keys.ENTER)  # the form opens ?q=
    wait_for(lambda: urlparse(dash_duo.driver.current_url).path == "/productos")
    assert parse_qs(urlparse(dash_duo.driver.current_url).query)["q"] == [needle]
    expected = sorted(name for _, name, _ in rows if needle in plain(name))

    def shown() -> list[str]:
        return [t.split("\n")[0] for t in texts(dash_duo, "#productos-results > *")]

    wait_for(lambda: sorted(shown()) == expected)
    barcode_id, barcode_name, barcode = next(r for r in rows if r[2])
    box = dash_duo.find_element("#productos-q")
    box.send_keys(Keys.CONTROL, "a")  # replace the text React keeps in the box
    type_text(box, barcode)
    box.send_keys(Keys.ENTER)
    wait_for(lambda: parse_qs(urlparse(dash_duo.driver.current_url).query).get("q") == [barcode])
    matches = [name for _, name, code in rows if code and barcode in str(code)]
    wait_for(lambda: shown() == matches)  # the new page's list, not the one being unloaded
    dash_duo.find_element("#productos-results > a").click()
    wait_for(
        lambda: parse_qs(urlparse(dash_duo.driver.current_url).query).get("id") == [str(barcode_id)]
    )
    dash_duo.wait_for_text_to_equal("#producto-nombre", barcode_name)
    assert dash_duo.get_logs() == []


def busiest_product(url: str) -> tuple[int, str]:
    return sql(
        url,
        "SELECT p.id, p.nombre FROM productos p JOIN detalle_pedidos d"
        " ON d.producto_nombre = p.nombre GROUP BY p.id ORDER BY COUNT(*) DESC,"
        " p.id LIMIT 1",
    )[0]


def test_product_view_equals_direct_sql(dash_duo, start_dashboard, demo_url, width):
    product_id, name = busiest_product(demo_url)
    stock, minimum, buy, sell = sql(
        demo_url,
        "SELECT stock_actual, stock_minimo, precio_compra, precio_venta FROM productos"
        " WHERE id = ?",
        product_id,
    )[0]
    url = start_dashboard(dash_duo, navigate=False, database_url=demo_url)
    open_at(dash_duo, url, width, f"/productos?id={product_id}")
    wait_for_charts(dash_duo, 2)
    assert dash_duo.find_element("#producto-nombre").text == name
    cards = texts(dash_duo, "#producto-kpis .kpi-card")
    assert cards[0].startswith(f"Stock actual\n{es_int(stock)}")
    assert cards[1] == f"Stock mínimo\n{es_int(minimum)}"
    assert f"Precio de compra\n{es_money(buy)}" in cards
    assert f"Precio de venta\n{es_money(sell)}" in cards
    prices = sql(
        demo_url,
        "SELECT substr(o.fecha_pedido, 1, 7), SUM(d.cantidad * d.precio_unitario)"
        " * 1.0 / SUM(d.cantidad) FROM detalle_pedidos d JOIN pedidos o"
        " ON o.id = d.pedido_id WHERE d.producto_nombre = ? AND (o.estado IS NULL OR"
        " o.estado <> 'cancelado') AND d.precio_unitario IS NOT NULL"
        " AND o.fecha_pedido >= ? AND o.fecha_pedido <= ? GROUP BY 1"
        " HAVING SUM(d.cantidad) > 0 ORDER BY 1",
        name,
        HISTORY_START,
        NOW_TEXT,
    )
    drawn = dash_duo.driver.execute_script(
        "return Array.from(document.querySelector('#producto-precios .js-plotly-plot')"
        "._fullData[0].y)"
    )
    assert drawn == pytest.approx([round(price, 2) for _, price in prices], abs=0.005)
    orders = sql(
        demo_url,
        "SELECT o.numero_pedido, SUM(d.cantidad) FROM pedidos o JOIN detalle_pedidos d"
        " ON d.pedido_id = o.id WHERE d.producto_nombre = ? GROUP BY o.id"
        " ORDER BY o.fecha_pedido DESC, o.id DESC LIMIT 10",
        name,
    )
    # One script reads the table (the phone's column script may touch it meanwhile).
    rows = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#producto-pedidos tbody tr'), tr =>"
        " Object.fromEntries(Array.from(tr.querySelectorAll('td'), td =>"
        " [td.getAttribute('data-label'), td.textContent])))"
    )
    assert len(rows) == len(orders)
    first = rows[0]
    assert (first["Pedido"], first["Unidades"]) == (orders[0][0], es_int(orders[0][1]))
    assert dash_duo.get_logs() == []


def test_unknown_product_and_database_down_speak_spanish(dash_duo, start_dashboard, demo_url):
    start_dashboard(dash_duo, database_url=demo_url)
    dash_duo.driver.get(dash_duo.server_url + "/productos?id=987654")
    dash_duo.wait_for_text_to_equal("#productos-body", "No existe el producto número 987654.")
    dash_duo.driver.get(dash_duo.server_url + "/productos?q=zzzxxy")
    dash_duo.wait_for_text_to_equal("#productos-body", "Ningún producto coincide con «zzzxxy».")
    assert dash_duo.get_logs() == []


def test_database_down_opens_the_banner(dash_duo, start_dashboard):
    start_dashboard(dash_duo, database_url="sqlite:////nonexistent/x.db")
    dash_duo.driver.get(dash_duo.server_url + "/productos?id=1")
    dash_duo.wait_for_element("#productos-db-banner")
    assert (
        "No se pudo consultar la base de datos"
        in dash_duo.find_element("#productos-db-banner").text
    )
    assert "Traceback" not in dash_duo.driver.page_source
    assert dash_duo.get_logs() == []


def test_menu_closes_after_choosing_a_page_on_a_phone(dash_duo, start_dashboard):
    open_at(dash_duo, start_dashboard(dash_duo, navigate=False), 390, "/")
    wait_for_charts(dash_duo, 3)
    dash_duo.find_element("#nav-toggler").click()
    link = dash_duo.find_element("a.nav-link[href='/productos']")
    wait_for(link.is_displayed)
    link.click()
    wait_for(lambda: urlparse(dash_duo.driver.current_url).path == "/productos")
    wait_for(lambda: not dash_duo.find_element("#nav-collapse").is_displayed())
    assert dash_duo.find_element("#productos-q").is_displayed()
    assert dash_duo.get_logs() == []


FRAMES_JS = """
const box = e => e.getBoundingClientRect();
const inner = f => { const b = box(f), s = getComputedStyle(f);
  return [b.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft),
          b.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight)]; };
const out = {};
for (const id of ['nav-search', 'analytics-proveedor']) {
  const input = document.getElementById(id), frame = input.closest('.form-control');
  out[id] = [box(input).width, box(frame).width - 2 * parseFloat(getComputedStyle(frame)
    .borderLeftWidth)];
}
const day = document.getElementById('analytics-start');
const frame = day.closest('.dash-datepicker-input-wrapper');
const caret = frame.querySelector('.dash-datepicker-caret-icon');
out.date = {input: [box(day).left, box(day).right], frame: inner(frame),
            caret: [box(caret).left, box(caret).right], fits: day.scrollWidth <= day.clientWidth};
return out;
"""


def test_inputs_fill_their_frames(dash_duo, start_dashboard, width):
    url = start_dashboard(dash_duo, navigate=False)
    open_at(dash_duo, url, width, "/analytics?start_date=2026-03-01&end_date=2026-03-14")
    wait_for_charts(dash_duo, 6)
    found = dash_duo.driver.execute_script(FRAMES_JS)
    for box_id in ("nav-search", "analytics-proveedor"):
        input_width, frame_width = found[box_id]
        assert input_width == pytest.approx(frame_width, abs=0.5), (box_id, found)
    date = found["date"]
    assert date["input"][0] == pytest.approx(date["frame"][0], abs=0.5)  # starts at the frame
    assert date["caret"][1] == pytest.approx(date["frame"][1], abs=0.5)  # icon at the end
    assert date["input"][1] <= date["caret"][0] and date["fits"], date  # the day is not cut
    assert dash_duo.get_logs() == []


def english_browser() -> webdriver.Chrome:
    """Chromium as on an English phone: the options of conftest with --lang=en-US."""
    options = pytest_setup_options()
    options.arguments[:] = [
        a for a in options.arguments if not a.startswith(("--lang=", "--user-data-dir="))
    ]
    options.add_argument("--lang=en-US")
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='mmdash-chrome-en-')}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    return webdriver.Chrome(options=options)


def test_dates_show_dd_mm_yyyy_and_spanish_months_in_an_english_browser(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    browser = english_browser()
    try:
        browser.set_window_size(390, 844)
        browser.get(dash_duo.server_url + "/analytics?start_date=2026-03-01&end_date=2026-03-14")
        assert browser.execute_script("return navigator.language") == "en-US"
        # The page renders after Dash loads its layout: wait for the field before reading it.
        wait_for(lambda: browser.find_elements("css selector", "#analytics-start"))
        day = browser.find_element("css selector", "#analytics-start")
        wait_for(lambda: day.get_attribute("value") == "01/03/2026")
        assert (
            browser.find_element("css selector", "#analytics-end").get_attribute("value")
            == "14/03/2026"
        )
        day.click()
        calendar = browser.find_element("css selector", ".dash-datepicker-content")
        wait_for(lambda: "marzo" in calendar.text)
        heads = calendar.text.split()
        assert heads.index("lu") < heads.index("do")  # weeks start on Monday
        assert "March" not in calendar.text and "Mo" not in heads
    finally:
        browser.quit()


def test_no_two_bars_share_a_label_in_top_products(dash_duo, start_dashboard, demo_url, width):
    url = start_dashboard(dash_duo, navigate=False, database_url=demo_url)
    open_at(dash_duo, url, width, "/analytics?start_date=2025-01-01")
    wait_for_charts(dash_duo, 6)
    layout = dash_duo.driver.execute_script(
        "const p = document.querySelector('#analytics-top .js-plotly-plot');"
        "return {ticks: Array.from(p._fullLayout.yaxis.ticktext), names: Array.from("
        "p._fullData[0].y)}"
    )
    assert len(layout["ticks"]) == len(layout["names"]) == 10
    assert len(set(layout["ticks"])) == len(layout["ticks"])
    drawn = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#analytics-top .ytick text'))"
        ".map(t => t.textContent)"
    )
    assert len(set(drawn)) == len(drawn) == 10
    assert not any(
        text.endswith("…") and "<br>" not in tick
        for text, tick in zip(drawn, layout["ticks"], strict=True)
    )
    assert dash_duo.get_logs() == []
