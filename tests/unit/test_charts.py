"""Figure builders: pure DataFrame -> figure dict, validated by plotly, on the fixture's numbers."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from minimarket_dash import charts
from minimarket_dash.formatting import days_until, iso_weeks

TIMELINE = pd.DataFrame(
    [
        ("2026-03-15", "entrada", 1, 20),
        ("2026-03-15", "salida", 1, 5),
        ("2026-03-14", "ajuste", 1, -2),
        ("2026-03-09", "entrada", 1, 30),
        ("2026-03-08", "salida", 1, 10),
    ],
    columns=["fecha", "tipo", "movimientos", "productos"],
)
TOP = pd.DataFrame(
    [
        ("Agua mineral 2 L", 20, 3, "Bebidas Norte"),
        ("Leche entera 1 L", 18, 4, "Lácteos del Sur"),
        ("Yogur frutilla", 12, 2, "Lácteos del Sur"),
    ],
    columns=["producto", "cantidad_total", "pedidos", "proveedor"],
)
MONTHLY = pd.DataFrame(
    [("2026-01", 1, 1), ("2026-02", 1, 1), ("2026-03", 5, 3)],
    columns=["mes", "pedidos", "proveedores_activos"],
)
MOVES = pd.DataFrame(
    [
        ("2026-01", "ajuste", 1, 3),
        ("2026-02", "entrada", 1, 7),
        ("2026-03", "ajuste", 1, -2),
        ("2026-03", "entrada", 2, 50),
        ("2026-03", "salida", 2, 15),
    ],
    columns=["mes", "tipo", "movimientos", "productos"],
)
STOCK = pd.DataFrame(
    [("P02", "Bebidas Norte", 23), ("P01", "Lácteos del Sur", 13), ("P05", "Otro", -4)],
    columns=["codigo", "nombre", "stock_total"],
)
WEEKLY = pd.DataFrame(
    [("2026-W05", 1, 7), ("2026-W11", 3, 19)], columns=["semana", "pedidos", "productos"]
)
PROVIDERS = pd.DataFrame(
    [
        ("P01", "Lácteos del Sur", 4, 27, 2, 2),
        ("P02", "Bebidas Norte", 3, 21, 1, 3),
        ("P03", "Almacén Central", 0, 0, 0, 0),
    ],
    columns=[
        "codigo",
        "nombre",
        "total_pedidos",
        "total_productos",
        "pedidos_semana",
        "pedidos_mes",
    ],
)


def values(trace) -> list:
    return [int(v) for v in trace.y] if trace.orientation != "h" else [int(v) for v in trace.x]


def build(builder, *args, **kwargs) -> go.Figure:
    """Call a builder and validate its dict with plotly (raises on any unknown property)."""
    raw = builder(*args, **kwargs)
    json.dumps(raw)  # plain JSON: no numpy values left
    return go.Figure(raw)


def check_style(fig: go.Figure) -> None:
    assert fig.layout.separators == ",."
    assert list(fig.layout.colorway) == list(charts.PALETTE)
    for trace in fig.data:
        assert "<extra></extra>" in trace.hovertemplate
        assert trace.type in ("bar", "scatter")  # SVG only: no WebGL under a strict CSP


def test_top_products_bars_first_on_top():
    fig = build(charts.top_products, TOP)
    check_style(fig)
    (bar,) = fig.data
    assert list(bar.y) == ["Agua mineral 2 L", "Leche entera 1 L", "Yogur frutilla"]
    assert values(bar) == [20, 18, 12]
    assert fig.layout.yaxis.autorange == "reversed"
    assert list(bar.customdata[1]) == [4, "Lácteos del Sur", "Leche entera 1 L"]
    assert "Unidades: %{x:,d}" in bar.hovertemplate


def test_movements_per_day_fills_missing_days_with_zero():
    days = days_until(date(2026, 3, 15), 10)
    fig = build(charts.movements_per_day, TIMELINE, days)
    check_style(fig)
    assert [t.name for t in fig.data] == ["Entradas", "Salidas", "Ajustes"]
    assert list(fig.data[0].x)[0] == "06/03" and len(fig.data[0].x) == 10
    assert values(fig.data[0]) == [0, 0, 0, 1, 0, 0, 0, 0, 0, 1]  # 09/03 and 15/03
    assert sum(values(fig.data[1])) == 2 and sum(values(fig.data[2])) == 1
    assert fig.layout.barmode == "stack"


def test_orders_per_week_labels_iso_weeks_and_fills_gaps():
    fig = build(charts.orders_per_week, WEEKLY, iso_weeks(date(2026, 1, 26), date(2026, 3, 15)))
    check_style(fig)
    (bar,) = fig.data
    assert list(bar.x)[0] == "26/01" and list(bar.x)[-1] == "09/03"  # the weeks' Mondays
    assert bar.customdata[-1][0] == "Semana 11 (desde el lunes 09/03)"
    assert values(bar) == [1, 0, 0, 0, 0, 0, 3]
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"


def test_monthly_orders_two_lines_with_spanish_months():
    fig = build(charts.monthly_orders, MONTHLY)
    check_style(fig)
    orders, providers = fig.data
    assert list(orders.x) == ["ene 2026", "feb 2026", "mar 2026"]
    assert values(orders) == [1, 1, 5] and values(providers) == [1, 1, 3]
    assert providers.yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"


def test_monthly_movements_grouped_by_kind():
    fig = build(charts.monthly_movements, MOVES)
    check_style(fig)
    by_name = {t.name: values(t) for t in fig.data}
    assert by_name == {"Entradas": [0, 1, 2], "Salidas": [0, 0, 2], "Ajustes": [1, 0, 1]}


def test_stock_by_provider_marks_negatives_and_the_selection():
    fig = build(charts.stock_by_provider, STOCK, selected="Lácteos del Sur")
    check_style(fig)
    (bar,) = fig.data
    assert values(bar) == [23, 13, -4]
    assert list(bar.marker.color) == [charts.PALETTE[2], charts.PALETTE[2], charts.PALETTE[3]]
    assert list(bar.marker.line.width) == [0, 3, 0]


def test_stock_timeline_oldest_day_first():
    fig = build(charts.stock_timeline, TIMELINE)
    check_style(fig)
    assert list(fig.data[0].x) == ["08/03", "09/03", "14/03", "15/03"]
    assert {t.name: values(t) for t in fig.data} == {
        "Entradas": [0, 30, 0, 20],
        "Salidas": [10, 0, 0, 5],
        "Ajustes": [0, 0, -2, 0],
    }


def test_provider_orders_skips_providers_without_orders():
    fig = build(charts.provider_orders, PROVIDERS)
    assert list(fig.data[0].y) == ["Lácteos del Sur", "Bebidas Norte"]
    assert values(fig.data[0]) == [4, 3]


def test_top_providers():
    frame = pd.DataFrame(
        [("Bebidas Norte", "P02", 3), ("Lácteos del Sur", "P01", 2)],
        columns=["nombre", "codigo", "pedidos"],
    )
    fig = build(charts.top_providers, frame)
    assert dict(zip(fig.data[0].y, values(fig.data[0]), strict=True)) == {
        "Bebidas Norte": 3,
        "Lácteos del Sur": 2,
    }


@pytest.mark.parametrize(
    ("builder", "frame"),
    [
        (charts.top_products, TOP),
        (charts.movements_per_day, TIMELINE),
        (charts.orders_per_week, WEEKLY),
        (charts.monthly_orders, MONTHLY),
        (charts.monthly_movements, MOVES),
        (charts.stock_by_provider, STOCK),
        (charts.stock_timeline, TIMELINE),
        (charts.provider_orders, PROVIDERS),
        (charts.top_providers, pd.DataFrame(columns=["nombre", "codigo", "pedidos"])),
    ],
)
def test_empty_frames_give_the_empty_state(builder, frame):
    fig = build(builder, frame.iloc[0:0])
    assert fig.data == ()
    assert fig.layout.annotations[0].text == "Sin datos para el período elegido"
    assert fig.layout.xaxis.visible is False


def test_long_names_wrap_on_the_axis_only():
    frame = pd.DataFrame(
        [("Almacén Mayorista Río de la Plata S.R.L.", "P03", 5)],
        columns=["nombre", "codigo", "pedidos"],
    )
    fig = build(charts.top_providers, frame)
    assert list(fig.layout.yaxis.ticktext) == ["Almacén Mayorista Río<br>de la Plata S.R.L."]
    assert fig.data[0].customdata[0][0] == "Almacén Mayorista Río de la Plata S.R.L."


def test_long_bar_names_wrap_and_never_share_an_axis_label():
    names = [
        "Hamburguesas clásicas de carne Paty 4 u.",
        "Hamburguesas clásicas de carne Swift 4 u.",
        "Hamburguesas clásicas de carne Paty 4 u.x",
        "Agua 2 L",
    ]
    texts = charts.axis_labels(names)
    assert len(set(texts)) == len(names)
    assert texts[3] == "Agua 2 L"
    for text in texts[:3]:
        assert all(len(line) <= charts.LABEL_MAX for line in text.split("<br>"))
    assert texts[0].startswith("Hamburguesas clásicas<br>")
    assert "Swift" in texts[1]  # the end that tells them apart stays visible


def test_identical_wrapped_labels_are_numbered():
    long = "Galletitas dulces surtidas familiares {} de la casa Bagley 400 g"
    texts = charts.axis_labels([long.format("AAAA"), long.format("BBBB")])
    assert texts[0] != texts[1] and texts[1].endswith("(2)")
