"""Excel exports (/api/export/*.xlsx): the CSV twin's rows as typed cells, same key, same
parameters, same errors; read back with openpyxl."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime

import openpyxl
import pytest

from minimarket_dash import create_app
from minimarket_dash.config import load_settings
from minimarket_dash.csvexport import FORMULA_PREFIXES
from minimarket_dash.db import detalle_pedidos, pedidos, proveedores
from tests import invoices_fixture
from tests.api.helpers import DOCUMENT, assert_error
from tests.constants import API_KEY, AUTH

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = [
    "summary",
    "providers",
    "top-products",
    "order-status",
    "reorder",
    "invoices",
    "price-changes",
    "low-stock",
    "spending",
]
# (export, query): the tiny fixture's exports with and without filters.
TINY_CASES = [
    ("summary", ""),
    ("providers", ""),
    ("top-products", ""),
    ("top-products", "?start_date=2026-03-01&end_date=2026-03-14&proveedor=L%C3%A1cteos"),
    ("top-products", "?limit=1"),
    ("order-status", "?proveedor=sur"),
    ("order-status", ""),
    ("reorder", "?dias=90"),
    ("low-stock", ""),
    ("spending", ""),
    ("spending", "?start_date=2026-02-01&end_date=2026-03-31&proveedor=norte"),
]
INVOICE_CASES = [
    ("invoices", ""),
    ("invoices", "?tolerancia=3"),
    ("invoices", "?start_date=2026-01-01&proveedor=almacen"),
    ("price-changes", ""),
    ("price-changes", "?meses=12"),
]
BAD_PARAMS = [
    ("top-products", "?limit=diez", "limit"),
    ("top-products", "?start_date=2026-02-30", "start_date"),
    ("order-status", "?end_date=2026-13-01", "end_date"),
    ("reorder", "?solo_hoy=quizas", "solo_hoy"),
    ("reorder", "?dias=x", "dias"),
    ("invoices", "?tolerancia=mucho", "tolerancia"),
    ("price-changes", "?meses=x", "meses"),
    ("spending", "?start_date=ayer", "start_date"),
]


def get_export(client, name: str, query: str, extension: str):
    """GET one export with the key; return the response after checking it is a download."""
    response = client.get(f"/api/export/{name}.{extension}{query}", headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    assert response.headers["Cache-Control"] == "no-store"
    return response


def file_name(response) -> str:
    return response.headers["Content-Disposition"].split('filename="')[1][:-1]


def sheet_rows(content: bytes) -> list[tuple]:
    """Return the only sheet's rows (header first) as openpyxl reads them."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Datos"]
    return list(workbook.active.iter_rows(values_only=True))


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def unneutralised(text: str) -> str:
    """Undo the CSV's `'` in front of formula-looking text (the Excel cell holds the text)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_same_cell(column: str, text: str, value: object) -> None:
    """One CSV cell and its Excel cell hold the same thing, the Excel one typed."""
    where = f"{column}: {text!r} vs {value!r}"
    if text == "":
        assert value is None, where
    elif text in ("True", "False"):
        assert value is (text == "True"), where
    elif is_number_text(text) and not text.startswith("'"):
        assert isinstance(value, int | float) and not isinstance(value, bool), where
        assert value == pytest.approx(float(text)), where
    elif isinstance(value, datetime):
        assert column.startswith("fecha") or "fecha" in column, where
        assert value == datetime.fromisoformat(text), where
    else:
        assert isinstance(value, str), where
        assert value == unneutralised(text), where


def assert_twins(client, name: str, query: str) -> list[tuple]:
    """The .xlsx has the CSV's header and rows, cell by cell; return the sheet's rows."""
    csv_response = get_export(client, name, query, "csv")
    xlsx_response = get_export(client, name, query, "xlsx")
    assert xlsx_response.mimetype == XLSX
    assert file_name(xlsx_response) == file_name(csv_response).removesuffix(".csv") + ".xlsx"
    expected = csv_rows(csv_response.get_data(as_text=True))
    got = sheet_rows(xlsx_response.get_data())
    assert len(got) == len(expected)
    assert list(got[0]) == expected[0]
    for text_row, value_row in zip(expected[1:], got[1:], strict=True):
        for column, text, value in zip(expected[0], text_row, value_row, strict=True):
            assert_same_cell(column, text, value)
    return got


def test_every_csv_export_has_an_xlsx_twin(sqlite_client):
    routes = {
        rule.rule
        for rule in sqlite_client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/export/")
    }
    csv_exports = {rule.removesuffix(".csv") for rule in routes if rule.endswith(".csv")}
    xlsx_exports = {rule.removesuffix(".xlsx") for rule in routes if rule.endswith(".xlsx")}
    assert csv_exports == xlsx_exports == {f"/api/export/{name}" for name in EXPORTS}
    for name in EXPORTS:
        csv_operation = DOCUMENT["paths"][f"/api/export/{name}.csv"]["get"]
        operation = DOCUMENT["paths"][f"/api/export/{name}.xlsx"]["get"]
        assert operation["parameters"] == csv_operation["parameters"]
        assert list(operation["responses"]["200"]["content"]) == [XLSX]


@pytest.mark.parametrize("name", EXPORTS)
def test_key_required(sqlite_client, name):
    assert_error(sqlite_client.get(f"/api/export/{name}.xlsx"), 401, "unauthorized")
    wrong = sqlite_client.get(f"/api/export/{name}.xlsx", headers={"X-API-Key": "otra"})
    assert_error(wrong, 401, "unauthorized")


@pytest.mark.parametrize(("name", "query"), TINY_CASES)
def test_same_rows_as_the_csv(client, name, query):
    assert_twins(client, name, query)


@pytest.mark.parametrize(("name", "query", "param"), BAD_PARAMS)
def test_bad_parameter_is_the_csvs_json_400(sqlite_client, name, query, param):
    from_csv = sqlite_client.get(f"/api/export/{name}.csv{query}", headers=AUTH)
    from_xlsx = sqlite_client.get(f"/api/export/{name}.xlsx{query}", headers=AUTH)
    body = assert_error(from_xlsx, 400, "bad_request", param=param)
    assert body == from_csv.get_json()


def test_head_is_a_download(sqlite_client):
    response = sqlite_client.head("/api/export/providers.xlsx", headers=AUTH)
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="providers_2026-03-15.xlsx"'
    )


def test_typed_cells_and_formats_hand_checked(sqlite_client):
    # Figures of tests/fixture_data.py (see tests/api/test_csv.py for the same rows as text).
    response = get_export(sqlite_client, "providers", "", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert [cell.value for cell in sheet[2]] == ["P01", "Lácteos del Sur", 4, 27, 2, 2]
    assert sheet["C2"].number_format == "#,##0" and sheet["C2"].data_type == "n"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    spending = get_export(sqlite_client, "spending", "", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(spending.get_data())).active
    assert [cell.value for cell in sheet[2]] == ["mes", "2026-01", None, None, 700, 1]
    assert sheet["E2"].number_format == '"$ "#,##0.00'
    assert sheet["C5"].value == 1 and sheet["C5"].number_format == "0"  # proveedor_id
    assert sheet["B2"].data_type == "s"  # a month stays text


def test_filtered_file_name(sqlite_client):
    query = "?start_date=2026-03-01&end_date=2026-03-14&proveedor=L%C3%A1cteos"
    response = get_export(sqlite_client, "top-products", query, "xlsx")
    assert file_name(response) == "top-products_2026-03-01_2026-03-14_lacteos_2026-03-15.xlsx"


@pytest.fixture(scope="module")
def invoices_client(tmp_path_factory):
    """A client over the «Facturas y precios» fixture (invoices with dates, money, flags)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('xlsx-invoices') / 'invoices.db'}"
    invoices_fixture.fill_database(url)
    overrides = {
        "database_url": url,
        "api_keys": (API_KEY,),
        "fixed_now": invoices_fixture.NOW,
        "ratelimit_enabled": False,
        "cache_ttl": 0,
        "auth": "none",
        "log_dir": tempfile.mkdtemp(prefix="mmdash-xlsx-logs-"),
    }
    return create_app(load_settings(overrides, environ={}), pages=False).test_client()


@pytest.mark.parametrize(("name", "query"), INVOICE_CASES)
def test_invoice_exports_same_rows_as_the_csv(invoices_client, name, query):
    rows = assert_twins(invoices_client, name, query)
    assert len(rows) > 1


def test_invoice_cells_are_dates_money_and_points(invoices_client):
    response = get_export(invoices_client, "invoices", "?tolerancia=3", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    header = [cell.value for cell in sheet[1]]
    column = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(header)}
    dated = sheet[f"{column['fecha_factura']}2"]
    assert dated.is_date and dated.number_format == "dd/mm/yyyy"
    money = [sheet[f"{column['cobrado_de_mas']}{row}"] for row in range(2, sheet.max_row + 1)]
    assert all(cell.data_type == "n" and cell.number_format == '"$ "#,##0.00' for cell in money)
    prices = get_export(invoices_client, "price-changes", "", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(prices.get_data())).active
    # Almacén Central SRL: +13.3 % against a market median of 10.7 (tests/invoices/test_api.py).
    assert [sheet["B2"].value, sheet["C2"].value, sheet["J2"].value] == [
        "Almacén Central SRL",
        13.3,
        10.7,
    ]
    assert sheet["C2"].number_format == "#,##0.0" and sheet["E2"].number_format == "#,##0"


FORMULA_PROVIDER = '=HYPERLINK("http://evil","x")'
FORMULA_PRODUCTS = [("=1+2", 8), ("+54 9 11 5555-0000", 7), ("-5", 6), ("@SUM(A1:A2)", 5)]


def _fill_formulas(conn) -> None:
    conn.execute(
        proveedores.insert(),
        [
            {"id": 1, "codigo": "-T01", "nombre": FORMULA_PROVIDER, "activo": 1},
        ],
    )
    conn.execute(
        pedidos.insert(),
        [
            {"id": k + 1, "proveedor_id": 1, "fecha_pedido": datetime(2026, 3, 1 + k)}
            for k in range(len(FORMULA_PRODUCTS))
        ],
    )
    conn.execute(
        detalle_pedidos.insert(),
        [
            {"id": k + 1, "pedido_id": k + 1, "producto_nombre": name, "cantidad": qty}
            for k, (name, qty) in enumerate(FORMULA_PRODUCTS)
        ],
    )


def test_formula_looking_text_is_a_string_cell(make_app, sqlite_builder):
    client = make_app(
        database_url=sqlite_builder(_fill_formulas), api_keys=(API_KEY,)
    ).test_client()
    rows = assert_twins(client, "top-products", "")
    assert [row[0] for row in rows[1:]] == [name for name, _ in FORMULA_PRODUCTS]
    assert [row[1] for row in rows[1:]] == [qty for _, qty in FORMULA_PRODUCTS]
    assert {row[3] for row in rows[1:]} == {FORMULA_PROVIDER}
    response = get_export(client, "top-products", "", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    cells = [sheet[f"{letter}{row}"] for row in range(2, 6) for letter in "AD"]
    assert all(cell.data_type == "s" for cell in cells)
    providers = sheet_rows(get_export(client, "providers", "", "xlsx").get_data())
    assert providers[1][:2] == ("-T01", FORMULA_PROVIDER)
