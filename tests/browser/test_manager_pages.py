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
from sqlalchemy import update

from minimarket_dash.db import detalle_pedidos, facturas_ocr, pedidos, productos
from minimarket_dash.formatting import fmt_int, fmt_money
from tests import fixture_data
from tests.browser.conftest import figure_data, text_without_help, wait_for_charts
from tests.conftest import _fill_tiny

pytestmark = pytest.mark.browser

SIZES = [pytest.param((1366, 900), id="1366"), pytest.param((390, 844), id="390")]
EXTRA_LOW = 25  # products added under their minimum, so the list is longer than a screen


def manager_rows(conn) -> None:
    """Insert the tiny fixture, then the rows that today's cards, money and filters need."""
    fixture_data.insert_all(conn)
    conn.execute(update(pedidos).where(pedidos.c.id == 2).values(estado="cancelado"))
    conn.execute(update(pedidos).where(pedidos.c.id == 3).values(
        estado="entregado", fecha_entrega_real=date(2026, 3, 10)))
    conn.execute(pedidos.insert(), [
        {"id": 9, "proveedor_id": 3, "numero_pedido": "PED-9", "estado": "pendiente",
         "fecha_pedido": fixture_data.ts("2026-03-12 10:00:00"), "total": 1500.0,
         "fecha_entrega_esperada": date(2026, 3, 15)},  # due today
        {"id": 10, "proveedor_id": 2, "numero_pedido": "PED-10", "estado": "enviado",
         "fecha_pedido": fixture_data.ts("2026-03-05 10:00:00"), "total": 3703.68,
         "fecha_entrega_esperada": date(2026, 3, 11)},  # 4 days late
    ])
    conn.execute(detalle_pedidos.insert(), [
        {"id": 100, "pedido_id": 9, "producto_nombre": "Agua mineral 2 L", "cantidad": 1000,
         "precio_unitario": 1.5, "subtotal": 1500.0},
        {"id": 101, "pedido_id": 10, "producto_nombre": "Gaseosa cola", "cantidad": 3,
         "precio_unitario": 1234.56, "subtotal": 3703.68},
    ])
    conn.execute(productos.insert(), [
        {"id": 100 + n, "nombre": f"Producto extra {n:02d}", "categoria_id": 1,
         "proveedor_id": 3, "stock_actual": n % 3, "stock_minimo": 3 + n, "activo": 1}
        for n in range(EXTRA_LOW)
    ])
    conn.execute(facturas_ocr.insert(), [
        {"id": 10 + n, "numero_factura": f"F-X{n}", "procesado": 0, "total": 1.0}
        for n in range(2)
    ])


@pytest.fixture(scope="module")
def manager_file(tmp_path_factory) -> Path:
    """The SQLite file of the tiny fixture plus manager_rows."""
    path = tmp_path_factory.mktemp("manager") / "manager.db"
    _fill_tiny(f"sqlite:///{path}", manager_rows)
    return path


@pytest.fixture
def manager_app(dash_app, manager_file):
    """The Dash app over manager_file."""
    return dash_app(database_url=f"sqlite:///{manager_file}")


def sql(path: Path, statement: str, *params):
    """Return the first column of the first row of a direct query on the file."""
    with sqlite3.connect(path) as conn:
        return conn.execute(statement, params).fetchone()[0]


def wait_for(condition, timeout: float = 10) -> None:
    """Poll until condition() is truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def start(dash_duo, app, size, path: str = "/", charts: int = 0) -> None:
    """Start the app, size the window and open path, waiting for its charts."""
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(*size)
    dash_duo.driver.get(dash_duo.server_url + path)
    wait_for_charts(dash_duo, charts)


def table_column(dash_duo, table: str, column: str) -> list[str]:
    """Return the shown cells of one column of a DataTable."""
    cells = dash_duo.find_elements(f"#{table} tbody td[data-dash-column='{column}']")
    return [cell.text for cell in cells]


@pytest.mark.parametrize("size", SIZES)
def test_providers_numeric_filter_explore(dash_duo, manager_app, size):
    start(dash_duo, manager_app, size, "/providers", 1)
    box = dash_duo.find_element("#providers-table th[data-dash-column='total_productos'] input")
    box.send_keys("1.000\n")
    time.sleep(1.5)
    print("QUERY", dash_duo.driver.execute_script(
        "return document.querySelector('#providers-table th[data-dash-column=\"total_productos\"] input').value"))
    print("ROWS", table_column(dash_duo, "providers-table", "nombre"),
          table_column(dash_duo, "providers-table", "total_productos"),
          table_column(dash_duo, "providers-table", "compras_30d"))
    assert False
