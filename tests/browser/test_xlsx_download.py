"""The «Excel» button beside a CSV button: the browser saves an .xlsx that openpyxl opens, with
the CSV's rows as typed cells and formula-looking names kept as text."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from minimarket_dash.csvexport import FORMULA_PREFIXES
from minimarket_dash.db import detalle_pedidos, pedidos, proveedores
from tests import fixture_data
from tests.browser.helpers import scroll_to, wait_for, wait_for_charts
from tests.databases import fill_database

pytestmark = pytest.mark.browser

ANALYTICS_CHARTS = 9
MARCH = "/analytics?start_date=2026-03-01&end_date=2026-03-14"
STEM = "productos-top_2026-03-01_2026-03-14"
FORMULA_PROVIDER = '=HYPERLINK("http://evil","x")'
FORMULA_PRODUCTS = [("=1+2", 30), ("+54 9 11 5555-0000", 25), ("-5", 22)]


def _insert_with_formulas(conn) -> None:
    """The tiny fixture plus a provider and products whose names look like formulas."""
    fixture_data.insert_all(conn)
    conn.execute(
        proveedores.insert(),
        [{"id": 90, "codigo": "-F90", "nombre": FORMULA_PROVIDER, "activo": 1}],
    )
    conn.execute(
        pedidos.insert(),
        [
            {"id": 900 + k, "proveedor_id": 90, "fecha_pedido": datetime(2026, 3, 2 + k, 10)}
            for k in range(len(FORMULA_PRODUCTS))
        ],
    )
    conn.execute(
        detalle_pedidos.insert(),
        [
            {"id": 900 + k, "pedido_id": 900 + k, "producto_nombre": name, "cantidad": quantity}
            for k, (name, quantity) in enumerate(FORMULA_PRODUCTS)
        ],
    )


@pytest.fixture(scope="module")
def formula_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('formulas') / 'formulas.db'}"
    fill_database(url, _insert_with_formulas)
    return url


def unneutralised(text: str) -> str:
    """Undo the CSV's `'` in front of formula-looking text (the Excel cell holds the text)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def click_button(dash_duo, kind: str) -> None:
    button = dash_duo.find_element(
        f'[id=\'{{"name":"productos","page":"analytics","type":"{kind}"}}\']'
    )
    scroll_to(dash_duo.driver, button)
    button.click()


def test_excel_button_saves_the_csvs_rows_as_typed_cells(dash_duo, start_dashboard, formula_url):
    start_dashboard(dash_duo, database_url=formula_url)
    dash_duo.driver.get(dash_duo.server_url + MARCH)
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    excel = dash_duo.find_element(
        '[id=\'{"name":"productos","page":"analytics","type":"dl-xlsx"}\']'
    )
    assert excel.get_attribute("aria-label").endswith("como Excel")
    assert excel.text.endswith("Excel")

    downloads = Path(dash_duo.download_path)
    click_button(dash_duo, "dl-btn")
    wait_for((downloads / f"{STEM}.csv").exists)
    click_button(dash_duo, "dl-xlsx")
    workbook_path = downloads / f"{STEM}.xlsx"
    # Chromium writes a .crdownload first and renames it when complete.
    wait_for(workbook_path.exists)

    text = (downloads / f"{STEM}.csv").read_bytes().decode("utf-8-sig")
    expected = list(csv.reader(io.StringIO(text, newline="")))
    sheet = openpyxl.load_workbook(workbook_path).active
    got = list(sheet.iter_rows(values_only=True))
    assert list(got[0]) == expected[0] == ["producto", "cantidad_total", "pedidos", "proveedor"]
    assert len(got) == len(expected)
    for text_row, row in zip(expected[1:], got[1:], strict=True):
        name, quantity, orders, provider = [unneutralised(cell) for cell in text_row]
        assert row == (name, int(quantity), int(orders), provider)

    # The planted names: strings, exactly as stored; quantities: numbers with a format.
    by_name = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for name, quantity in FORMULA_PRODUCTS:
        cells = by_name[name]
        assert cells[0].data_type == "s" and cells[3].value == FORMULA_PROVIDER
        assert cells[3].data_type == "s"
        assert cells[1].value == quantity and cells[1].data_type == "n"
        assert cells[1].number_format == "#,##0"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert dash_duo.get_logs() == []
