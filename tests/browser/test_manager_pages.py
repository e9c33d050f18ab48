"""Issue 17 on the pages, in headless Chromium at 1366 and 390 px, against direct SQL.

The app runs over the tiny hand fixture plus a few hand-made rows (`manager_rows`): orders due
today and late, a cancelled and a delivered order, a 1.000-unit order, more products under their
minimum and invoices to process. Every number a test reads on a page is compared with a SQL
query written here, on the same file.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.support.select import Select
from sqlalchemy import update

from minimarket_dash.db import detalle_pedidos, facturas_ocr, pedidos, productos
from minimarket_dash.formatting import fmt_int, fmt_money, fmt_pct
from tests import fixture_data
from tests.browser.helpers import figure_data, text_without_help, wait_for, wait_for_charts
from tests.databases import fill_database

pytestmark = pytest.mark.browser

SIZES = [pytest.param((1366, 900), id="1366"), pytest.param((390, 844), id="390")]
EXTRA_LOW = 25  # products added under their minimum, so the list is longer than a screen


def manager_rows(conn) -> None:
    """Insert the tiny fixture, then the rows that today's cards, money and filters need."""
    fixture_data.insert_all(conn)
    conn.execute(update(pedidos).where(pedidos.c.id == 2).values(estado="cancelado"))
    conn.execute(
        update(pedidos)
        .where(pedidos.c.id == 3)
        .values(estado="entregado", fecha_entrega_real=date(2026, 3, 10))
    )
    conn.execute(
        pedidos.insert(),
        [
            {
                "id": 9,
                "proveedor_id": 3,
                "numero_pedido": "PED-9",
                "estado": "pendiente",
                "fecha_pedido": fixture_data.ts("2026-03-12 10:00:00"),
                "total": 1500.0,
                "fecha_entrega_esperada": date(2026, 3, 15),
            },  # due today
            {
                "id": 10,
                "proveedor_id": 2,
                "numero_pedido": "PED-10",
                "estado": "enviado",
                "fecha_pedido": fixture_data.ts("2026-03-05 10:00:00"),
                "total": 3703.68,
                "fecha_entrega_esperada": date(2026, 3, 11),
            },  # 4 days late
        ],
    )
    conn.execute(
        detalle_pedidos.insert(),
        [
            {
                "id": 100,
                "pedido_id": 9,
                "producto_nombre": "Agua mineral 2 L",
                "cantidad": 1000,
                "precio_unitario": 1.5,
                "subtotal": 1500.0,
            },
            {
                "id": 101,
                "pedido_id": 10,
                "producto_nombre": "Gaseosa cola",
                "cantidad": 3,
                "precio_unitario": 1234.56,
                "subtotal": 3703.68,
            },
        ],
    )
    conn.execute(
        productos.insert(),
        [
            {
                "id": 100 + n,
                "nombre": f"Producto extra {n:02d}",
                "categoria_id": 1,
                "proveedor_id": 3,
                "stock_actual": n % 3,
                "stock_minimo": 3 + n,
                "activo": 1,
            }
            for n in range(EXTRA_LOW)
        ],
    )
    conn.execute(
        facturas_ocr.insert(),
        [
            {"id": 10 + n, "numero_factura": f"F-X{n}", "procesado": 0, "total": 1.0}
            for n in range(2)
        ],
    )


@pytest.fixture(scope="module")
def manager_file(tmp_path_factory) -> Path:
    """The SQLite file of the tiny fixture plus manager_rows."""
    path = tmp_path_factory.mktemp("manager") / "manager.db"
    fill_database(f"sqlite:///{path}", manager_rows)
    return path


@pytest.fixture
def manager_app(start_dashboard, manager_file):
    """Start a server with the pages over manager_file; return start(dash_duo) -> its URL."""
    return lambda dash_duo: start_dashboard(
        dash_duo, navigate=False, database_url=f"sqlite:///{manager_file}"
    )


def sql(path: Path, statement: str, *params):
    """Return the first column of the first row of a direct query on the file."""
    with sqlite3.connect(path) as conn:
        return conn.execute(statement, params).fetchone()[0]


def start(dash_duo, app, size, path: str = "/", charts: int = 0) -> None:
    """Start the app's server, size the window and open path, waiting for its charts."""
    url = app(dash_duo)
    dash_duo.driver.set_window_size(*size)
    dash_duo.driver.get(url + path)
    wait_for_charts(dash_duo, charts)


def table_column(dash_duo, table: str, column: str) -> list[str]:
    """Return the shown cells of one column of a DataTable."""
    cells = dash_duo.find_elements(f"#{table} tbody td[data-dash-column='{column}']")
    return [cell.text for cell in cells]


def click(dash_duo, selector: str) -> None:
    """Scroll an element to the middle of the window and click it (as a finger would)."""
    element = dash_duo.find_element(selector)
    # Instant: Bootstrap's smooth scrolling would move the element while it is clicked.
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.click()


def filter_table(dash_duo, column: str, text: str) -> None:
    """Type text into a column's filter box of the providers table and wait for the rows.

    On a phone the table shows three columns: the column is picked in «Ver también» first.
    """
    picker = dash_duo.find_element("#providers-table-column")
    if picker.is_displayed():
        Select(picker).select_by_value(column)
        wait_for(
            lambda: dash_duo.find_element(
                f"#providers-table th[data-dash-column='{column}'] input"
            ).is_displayed()
        )
    box = dash_duo.find_element(f"#providers-table th[data-dash-column='{column}'] input")
    box.clear()
    box.send_keys(text + "\n")
    time.sleep(0.4)  # the table filters in the browser; the es-AR rewrite is one round trip


def providers_by(path: Path, having: str) -> list[str]:
    """Names of active providers whose all-time ordered units match `having` (direct SQL)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT p.nombre FROM proveedores p LEFT JOIN pedidos o ON o.proveedor_id = p.id"
            " LEFT JOIN detalle_pedidos d ON d.pedido_id = o.id WHERE p.activo = 1"
            f" GROUP BY p.id HAVING COALESCE(SUM(d.cantidad), 0) {having}"
        ).fetchall()
    return sorted(name for (name,) in rows)


@pytest.mark.parametrize("size", SIZES)
def test_providers_numeric_filters_and_csv_of_shown_rows(dash_duo, manager_app, manager_file, size):
    start(dash_duo, manager_app, size, "/providers", 1)
    for typed, having in (
        (">1000", "> 1000"),
        ("<25", "< 25"),
        ("1.000", "= 1000"),
        (">=1.000", ">= 1000"),
    ):
        filter_table(dash_duo, "total_productos", typed)
        expected = providers_by(manager_file, having)
        wait_for(
            lambda e=expected: sorted(table_column(dash_duo, "providers-table", "nombre")) == e
        )
    assert table_column(dash_duo, "providers-table", "total_productos") == ["1.000"]
    click(dash_duo, '[id=\'{"name":"proveedores","page":"providers","type":"dl-btn"}\']')
    target = Path(dash_duo.download_path) / "proveedores-filtrado_2026-03-15.csv"
    wait_for(target.exists)
    lines = target.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("codigo,nombre,total_pedidos,total_productos")
    assert [line.split(",")[1] for line in lines[1:]] == ["Almacén Central"]
    assert dash_duo.get_logs() == []


def money_30_days(path: Path, provider: int | None = None) -> float:
    """Σ cantidad × precio_unitario of orders not cancelled on 2026-02-14 … 2026-03-15."""
    only = "" if provider is None else f" AND o.proveedor_id = {int(provider)}"
    return round(
        sql(
            path,
            "SELECT COALESCE(SUM(d.cantidad * d.precio_unitario), 0) FROM pedidos o"
            " JOIN detalle_pedidos d ON d.pedido_id = o.id WHERE o.fecha_pedido >= '2026-02-14'"
            " AND o.fecha_pedido < '2026-03-16' AND COALESCE(o.estado, '') <> 'cancelado'" + only,
        ),
        2,
    )


@pytest.mark.parametrize("size", SIZES)
def test_providers_spend_column_matches_sql(dash_duo, manager_app, manager_file, size):
    start(dash_duo, manager_app, size, "/providers", 1)
    names = table_column(dash_duo, "providers-table", "nombre")
    money = dict(zip(names, table_column(dash_duo, "providers-table", "compras_30d"), strict=True))
    for pid, _, name, _ in fixture_data.PROVIDERS[:3]:
        assert money[name] == fmt_money(money_30_days(manager_file, pid))
    assert money["Almacén Central"] == "$ 1.500,00"  # a sanity anchor: 1.000 × 1,50


@pytest.mark.parametrize("size", SIZES)
def test_home_today_cards_match_sql(dash_duo, manager_app, manager_file, size):
    start(dash_duo, manager_app, size, "/", 3)
    open_orders = "COALESCE(estado, '') <> 'cancelado' AND fecha_entrega_real IS NULL"
    expected = {
        "home-today-due": sql(
            manager_file,
            "SELECT COUNT(*) FROM pedidos WHERE "
            + open_orders
            + " AND fecha_entrega_esperada = '2026-03-15'",
        ),
        "home-today-late": sql(
            manager_file,
            "SELECT COUNT(*) FROM pedidos WHERE "
            + open_orders
            + " AND fecha_entrega_esperada < '2026-03-15'",
        ),
        "home-today-out": sql(
            manager_file,
            "SELECT COUNT(*) FROM productos WHERE activo = 1"
            " AND stock_actual <= 0 AND stock_actual < stock_minimo",
        ),
        "home-today-invoices": sql(
            manager_file, "SELECT COUNT(*) FROM facturas_ocr WHERE procesado = 0"
        ),
        "home-today-pending": sql(
            manager_file,
            "SELECT COUNT(*) FROM pedidos WHERE estado IS"
            " NULL OR estado NOT IN ('entregado', 'cancelado')",
        ),
    }
    for card_id, count in expected.items():
        value = dash_duo.find_element(f"#{card_id} .kpi-value").text
        assert value == fmt_int(count), (card_id, value, count)
    assert expected["home-today-due"] == 1 and expected["home-today-late"] == 1  # not vacuous
    deliveries = dash_duo.find_element("#home-deliveries").text
    assert "PED-10 · Bebidas Norte" in deliveries and "4 días de atraso" in deliveries
    assert "$ 3.703,68" in deliveries
    # Today leads: its cards come before the last days' and the all-time totals.
    order = dash_duo.driver.execute_script(
        "return ['home-today', 'home-recent', 'home-kpis'].map("
        "id => document.getElementById(id).getBoundingClientRect().top)"
    )
    assert order == sorted(order)
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("size", SIZES)
def test_home_low_stock_lists_every_product(dash_duo, manager_app, manager_file, size):
    start(dash_duo, manager_app, size, "/", 3)
    count = sql(
        manager_file,
        "SELECT COUNT(*) FROM productos WHERE activo = 1 AND stock_actual < stock_minimo",
    )
    assert count == 3 + EXTRA_LOW
    assert dash_duo.find_element("#home-low-stock-count").text == f"{fmt_int(count)} productos"
    items = dash_duo.find_elements("#home-alerts .low-stock-item")
    assert len(items) == count
    link = items[0].find_element("css selector", "a.order-link")
    assert link.get_attribute("href").endswith("/compras?proveedor=Almac%C3%A9n+Central")
    click(dash_duo, '[id=\'{"name":"alertas","page":"home","type":"dl-btn"}\']')
    target = Path(dash_duo.download_path) / "stock-bajo_2026-03-15.csv"
    wait_for(target.exists)
    assert len(target.read_bytes().decode("utf-8-sig").splitlines()) == count + 1
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("size", SIZES)
def test_home_money_card_is_es_ar_and_matches_sql(dash_duo, manager_app, manager_file, size):
    start(dash_duo, manager_app, size, "/", 3)
    card = text_without_help(dash_duo, "#home-money")
    current = money_30_days(manager_file)
    previous = round(
        sql(
            manager_file,
            "SELECT COALESCE(SUM(d.cantidad * d.precio_unitario), 0) FROM pedidos o"
            " JOIN detalle_pedidos d ON d.pedido_id = o.id WHERE o.fecha_pedido >= '2026-01-15'"
            " AND o.fecha_pedido < '2026-02-14' AND COALESCE(o.estado, '') <> 'cancelado'",
        ),
        2,
    )
    assert f"{fmt_money(current)} · vs. 30 días anteriores" in card
    assert current == 1500 + 3703.68 + 100 * (10 + 5 + 12 + 3 + 6 + 2 + 1)  # by hand
    change = (current - previous) / previous * 100
    assert f"▲ +{fmt_pct(change)}" in card
    click(dash_duo, "#home-money .help-tip summary")  # a tap opens the definition
    assert dash_duo.find_element("#home-money .help-tip-text").is_displayed()
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("size", SIZES)
def test_analytics_marks_partial_months_and_shows_money(dash_duo, manager_app, manager_file, size):
    start(dash_duo, manager_app, size, "/analytics?start_date=2026-01-10&end_date=2026-03-15", 9)
    money = figure_data(dash_duo, "analytics-money")[0]
    # Over two months: per month. January starts on the 10th and March is still running:
    # both partial; February whole.
    assert money["x"] == ["ene 2026 (parcial)", "feb 2026", "mar 2026 (parcial)"]
    opacity = dash_duo.driver.execute_script(
        "return document.getElementById('analytics-money').querySelector('.js-plotly-plot')"
        "._fullData[0].marker.opacity"
    )
    assert opacity[0] < 1 and opacity[1] == 1 and opacity[2] < 1
    for month, value in zip(("2026-01", "2026-02", "2026-03"), money["y"], strict=True):
        first = max(f"{month}-01", "2026-01-10")
        expected = sql(
            manager_file,
            "SELECT COALESCE(SUM(d.cantidad * d.precio_unitario), 0) FROM pedidos"
            " o JOIN detalle_pedidos d ON d.pedido_id = o.id WHERE o.fecha_pedido >= ?"
            " AND substr(o.fecha_pedido, 1, 7) = ? AND o.fecha_pedido < '2026-03-16'"
            " AND COALESCE(o.estado, '') <> 'cancelado'",
            first,
            month,
        )
        assert value == pytest.approx(expected)
    trend = figure_data(dash_duo, "analytics-trends")[0]
    assert trend["x"] == money["x"]
    states = dict(
        zip(*reversed(list(figure_data(dash_duo, "analytics-states")[0].values())[1:]), strict=True)
    )
    cancelled = sql(
        manager_file,
        "SELECT COUNT(*) FROM pedidos WHERE estado = 'cancelado'"
        " AND fecha_pedido >= '2026-01-10' AND fecha_pedido < '2026-03-16'",
    )
    assert states["cancelado"] == cancelled == 1
    assert dash_duo.get_logs() == []


def test_analytics_stock_panel_sits_outside_the_filter(dash_duo, manager_app):
    start(dash_duo, manager_app, (1366, 900), "/analytics?proveedor=lacteos", 9)
    outside = dash_duo.find_element("#analytics-outside-filter")
    assert outside.find_elements("css selector", "#analytics-stock")
    assert "No depende de las fechas ni del proveedor" in outside.text
    click(dash_duo, '[id=\'{"name":"stock-proveedor","page":"analytics","type":"dl-btn"}\']')
    target = Path(dash_duo.download_path) / "stock-por-proveedor_historico_sin-filtro.csv"
    wait_for(target.exists)
    assert dash_duo.get_logs() == []
