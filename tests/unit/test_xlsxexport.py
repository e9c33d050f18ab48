"""The one Excel writer (minimarket_dash/xlsxexport.py) of pages and API, read by openpyxl."""

from __future__ import annotations

import base64
import io
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from minimarket_dash import components, xlsxexport
from minimarket_dash.metric import DAY, INT, MONEY, NULLABLE_NUMBER, TEXT, Field

FORMULA_TEXTS = [
    "=1+2",
    '=HYPERLINK("http://evil","x")',
    "+54 9 11 5555-0000",
    "-5",
    "@SUMA(A1)",
    "\tTabulado",
]


def read(content: bytes):
    """Open .xlsx bytes with openpyxl; return its only sheet."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Datos"]
    return workbook.active


def widths(sheet) -> dict[str, float]:
    """Return column letter -> width (openpyxl groups neighbouring equal widths)."""
    found = {}
    for dimension in sheet.column_dimensions.values():
        for index in range(dimension.min, dimension.max + 1):
            found[openpyxl.utils.get_column_letter(index)] = dimension.width
    return found


def test_api_rows_keep_their_types_and_formats():
    fields = (
        "producto_id",
        "producto",
        "cantidad",
        "precio_compra",
        "cambio_pct",
        "consumo_diario",
        "fecha",
        "pide_hoy",
    )
    rows = [
        {
            "producto_id": 12345,
            "producto": "Leche entera 1 L",
            "cantidad": 1234,
            "precio_compra": 1234.5,
            "cambio_pct": 12.5,
            "consumo_diario": 0.75,
            "fecha": "2026-03-01",
            "pide_hoy": True,
        },
        {
            "producto_id": 7,
            "producto": None,
            "cantidad": -2,
            "precio_compra": None,
            "cambio_pct": -3.0,
            "consumo_diario": 2,
            "fecha": "2026-03-15",
            "pide_hoy": False,
        },
    ]
    sheet = read(xlsxexport.to_xlsx(fields, rows))
    header = [cell.value for cell in sheet[1]]
    assert header == list(fields)
    assert all(cell.font.b for cell in sheet[1])
    first, second = sheet[2], sheet[3]
    assert [cell.value for cell in first] == [
        12345,
        "Leche entera 1 L",
        1234,
        1234.5,
        12.5,
        0.75,
        datetime(2026, 3, 1),
        True,
    ]
    assert [cell.data_type for cell in first] == ["n", "s", "n", "n", "n", "n", "d", "b"]
    assert [cell.number_format for cell in first] == [
        "0",
        "General",
        "#,##0",
        '"$ "#,##0.00',
        "#,##0.0",
        "#,##0.00",
        "dd/mm/yyyy",
        "General",
    ]
    # None is an empty cell; an int in a decimal column keeps the column's format.
    assert second[1].value is None and second[3].value is None
    assert second[2].value == -2 and second[5].value == 2
    assert second[5].number_format == "#,##0.00"
    assert second[6].value == datetime(2026, 3, 15) and second[7].value is False


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_formula_looking_text_stays_the_same_text(text):
    sheet = read(xlsxexport.to_xlsx(("producto", "cantidad"), [{"producto": text, "cantidad": 1}]))
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == text  # no `'` in front: a text cell is never run
    assert sheet["B2"].value == 1 and sheet["B2"].data_type == "n"


def test_numeric_looking_and_link_text_is_not_converted():
    rows = [{"codigo": "00123", "nota": "1.234,50", "web": "http://ejemplo.com.ar"}]
    sheet = read(xlsxexport.to_xlsx(("codigo", "nota", "web"), rows))
    assert [cell.value for cell in sheet[2]] == ["00123", "1.234,50", "http://ejemplo.com.ar"]
    assert [cell.data_type for cell in sheet[2]] == ["s", "s", "s"]
    assert sheet["C2"].hyperlink is None


def test_header_frozen_autofilter_and_widths():
    long_name = "Proveedor con un nombre larguísimo que no entra en ninguna columna razonable"
    rows = [{"nombre": long_name, "n": 1}, {"nombre": "Sur", "n": 2}]
    sheet = read(xlsxexport.to_xlsx(("nombre", "n"), rows))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    got = widths(sheet)
    # The long name is capped at 50 characters; a short column gets at least 10.
    assert got["A"] == pytest.approx(50, abs=1)
    assert got["B"] == pytest.approx(10, abs=1)


def test_width_follows_the_longest_value():
    rows = [{"producto": "x" * 20}, {"producto": "y"}]
    assert widths(read(xlsxexport.to_xlsx(("producto",), rows)))["A"] == pytest.approx(22, abs=1)


def test_declared_kinds_win_over_guessing():
    fields = (
        Field("fecha", DAY, ""),
        Field("importe", MONEY, ""),
        Field("nombre", TEXT, ""),
        Field("total_pedidos", INT, ""),
        Field("cobertura_dias", NULLABLE_NUMBER, ""),
    )
    kinds = xlsxexport.field_kinds(fields)
    assert kinds == {
        "fecha": xlsxexport.Kind.DATE,
        "importe": xlsxexport.Kind.MONEY,
        "nombre": xlsxexport.Kind.TEXT,
        "total_pedidos": xlsxexport.Kind.COUNT,
        "cobertura_dias": xlsxexport.Kind.DECIMAL,
    }
    # A text field holding an ISO date stays text; a declared date column reads it as a date.
    rows = [
        {
            "nombre": "2026-03-01",
            "fecha": "2026-03-02",
            "importe": 10,
            "total_pedidos": 3,
            "cobertura_dias": None,
        }
    ]
    sheet = read(xlsxexport.to_xlsx([f.name for f in fields], rows, kinds))
    assert sheet["A2"].value == datetime(2026, 3, 2)
    assert sheet["B2"].value == 10 and sheet["B2"].number_format == '"$ "#,##0.00'
    assert sheet["C2"].value == "2026-03-01" and sheet["C2"].data_type == "s"
    assert sheet["D2"].number_format == "#,##0"


def test_empty_table_is_a_header_only_sheet():
    sheet = read(xlsxexport.to_xlsx(("estado", "pedidos"), []))
    assert [cell.value for cell in sheet[1]] == ["estado", "pedidos"]
    assert sheet.max_row == 1
    assert sheet.freeze_panes == "A2"


def test_frame_uses_dtypes_and_names():
    frame = pd.DataFrame(
        {
            "dia": pd.to_datetime(["2026-03-01", None]),
            "hora": pd.to_datetime(["2026-03-01 10:30", "2026-03-02 00:00"]),
            "importe_estimado": [1234.5, np.nan],
            "unidades": [1000, 20],
            "nombre": ["=SUMA(A1)", None],
            "activo": [True, False],
            "proveedor_id": pd.array([7, None], dtype="Int64"),
            "mes": ["2026-03", "2026-02"],
            "fecha_entrega": [date(2026, 3, 20), None],
        }
    )
    sheet = read(xlsxexport.frame_to_xlsx(frame))
    assert [cell.value for cell in sheet[2]] == [
        datetime(2026, 3, 1),
        datetime(2026, 3, 1, 10, 30),
        1234.5,
        1000,
        "=SUMA(A1)",
        True,
        7,
        "2026-03",
        datetime(2026, 3, 20),
    ]
    assert [cell.number_format for cell in sheet[2]] == [
        "dd/mm/yyyy",
        "dd/mm/yyyy hh:mm",
        '"$ "#,##0.00',
        "#,##0",
        "General",
        "General",
        "0",
        "General",
        "dd/mm/yyyy",
    ]
    assert sheet["E2"].data_type == "s"
    assert [cell.value for cell in sheet[3]] == [
        None,
        datetime(2026, 3, 2),
        None,
        20,
        None,
        False,
        None,
        "2026-02",
        None,
    ]


def test_guessing_reads_iso_dates_only_in_date_columns():
    rows = [{"fecha_factura": "2026-03-01", "numero": "2026-03-01", "mes": "2026-03"}]
    sheet = read(xlsxexport.to_xlsx(("fecha_factura", "numero", "mes"), rows))
    assert sheet["A2"].value == datetime(2026, 3, 1) and sheet["A2"].is_date
    assert sheet["B2"].value == "2026-03-01" and sheet["C2"].value == "2026-03"


def test_xlsx_name_swaps_the_extension():
    assert xlsxexport.xlsx_name("stock-bajo_2026-03-15.csv") == "stock-bajo_2026-03-15.xlsx"
    assert xlsxexport.xlsx_name("resumen") == "resumen.xlsx"


def test_page_buttons_send_csv_or_xlsx_by_the_clicked_type():
    frame = pd.DataFrame({"producto": ["=1+2"], "cantidad": [3]})
    name = "productos-top_2026-03-15.csv"
    as_csv = components.table_download(frame, name, {"type": "dl-btn", "name": "productos"})
    assert as_csv["filename"] == name and as_csv["content"].startswith("\ufeffproducto")
    as_xlsx = components.table_download(frame, name, {"type": "dl-xlsx", "name": "productos"})
    assert as_xlsx["filename"] == "productos-top_2026-03-15.xlsx"
    assert as_xlsx["base64"] is True and as_xlsx["type"] == xlsxexport.MIMETYPE
    sheet = read(base64.b64decode(as_xlsx["content"]))
    assert [cell.value for cell in sheet[2]] == ["=1+2", 3]
    assert sheet["A2"].data_type == "s"


def test_the_excel_button_says_what_its_csv_neighbour_says():
    """«CSV de todo» sits beside «Excel de todo»; a plain «CSV» beside a plain «Excel»."""
    from minimarket_dash import components

    def labels(button_row):
        return [button.children[1] for button in button_row.children[:2]]

    assert labels(components.download_button("p", "todo", "CSV de todo")) == [
        "CSV de todo",
        "Excel de todo",
    ]
    assert labels(components.download_button("p", "x")) == ["CSV", "Excel"]
