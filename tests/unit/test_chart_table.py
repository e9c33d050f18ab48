"""The text alternative of a chart (minimarket_dash/chart_table.py) from real figures."""

from __future__ import annotations

import json

import pandas as pd

from minimarket_dash import chart_table, charts


def test_horizontal_bars_list_each_name_and_its_count():
    frame = pd.DataFrame(
        {
            "producto": ["Leche entera 1 L", "Agua mineral 2 L"],
            "cantidad_total": [1234, 18],
            "pedidos": [3, 2],
            "proveedor": ["Lácteos del Sur", None],
        }
    )
    headers, rows = chart_table.table_rows(charts.top_products(frame), "Producto")
    assert headers[0] == "Producto" and len(headers) == 2
    assert rows == [["Leche entera 1 L", "1.234"], ["Agua mineral 2 L", "18"]]


def test_money_axis_writes_pesos_and_traces_are_columns():
    figure = {
        "data": [
            {"type": "bar", "x": ["ene 2026", "feb 2026"], "y": [1500.5, 0.0], "name": "Compras"},
            {"type": "scatter", "x": ["feb 2026"], "y": [7], "name": "Pedidos", "yaxis": "y2"},
        ],
        "layout": {"yaxis": {"tickprefix": "$ "}, "yaxis2": {}},
    }
    headers, rows = chart_table.table_rows(figure, "Mes")
    assert headers == ["Mes", "Compras", "Pedidos"]
    assert rows == [["ene 2026", "$ 1.500,50", "–"], ["feb 2026", "$ 0,00", "7"]]
    assert chart_table.summary(figure) == (
        "Gráfico de barras y líneas (Compras, Pedidos): sus datos están en «Ver como tabla»."
    )


def test_percent_axis_and_axis_title_as_first_header():
    figure = {
        "data": [{"type": "bar", "orientation": "h", "x": [2.55, -1.0], "y": ["Norte", "Sur"]}],
        "layout": {"xaxis": {"ticksuffix": " %"}, "yaxis": {"title": {"text": "Zona"}}},
    }
    assert chart_table.table_rows(figure) == (
        ["Zona", "Valor"],
        [["Norte", "2,55 %"], ["Sur", "-1 %"]],
    )


def test_empty_chart_has_its_note_and_no_table():
    figure = charts.empty_figure("Sin datos para el período elegido")
    assert chart_table.table_rows(figure) == ([], [])
    assert chart_table.details("x", figure) is None
    assert chart_table.summary(figure) == "Sin datos para el período elegido"


def test_long_charts_show_the_first_rows_and_say_so():
    days = [f"d{n}" for n in range(chart_table.ROWS_SHOWN + 5)]
    figure = {
        "data": [{"type": "scatter", "x": days, "y": [1] * len(days), "name": "Salidas"}],
        "layout": {},
    }
    details = chart_table.details("linea", figure, "Día")
    table = json.loads(getattr(details.children[1], "data-table"))
    assert table["headers"] == ["Día", "Salidas"]
    assert len(table["rows"]) == chart_table.ROWS_SHOWN and table["rows"][-1] == ["d399", "1"]
    assert table["note"] == "Se muestran las primeras 400 filas de 405; la descarga tiene todas."
    assert details.id == "linea-datos" and details.children[0].children == "Ver como tabla"
