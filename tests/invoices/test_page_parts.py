"""Pieces of the Facturas page: URL state, flag filter, figures, KPIs, the detail table."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from minimarket_dash import invoice_charts
from minimarket_dash import invoice_page as ui
from minimarket_dash.queries.prices import PriceReport, ProviderChange


def report() -> PriceReport:
    changes = [
        ProviderChange(3, "Almacén", 13.3, 3, "ranked", [], 2.6),
        ProviderChange(2, "Bebidas", 10.7, 3, "ranked", [], 0.0),
        ProviderChange(5, "Pan", None, 2, "insuficiente", []),
    ]
    index = [{"proveedor_id": 3, "mes": f"2025-{m:02d}", "indice": 100.0 + m} for m in (1, 2)]
    return PriceReport("2025-11", "2026-02", 10.7, changes, index)


def test_url_state_round_trip_and_lenient_values():
    state = ui.page_state(
        {
            "start_date": "2026-01-01",
            "proveedor": "Lácteos",
            "tolerancia": "2,5",
            "meses": "99",
            "marca": "precio_mayor",
        }
    )
    assert (
        state.filters.start_date,
        state.filters.tolerancia,
        state.filters.meses,
        state.marca,
    ) == (date(2026, 1, 1), 2.5, 12, "precio_mayor")
    assert ui.state_from_search(ui.search_from_state(state)) == state
    bad = ui.page_state({"tolerancia": "x", "meses": "tres", "marca": "nada"})
    assert (bad.filters.tolerancia, bad.filters.meses, bad.marca) == (2.0, 3, "todas")
    assert len(bad.notices) == 2
    assert ui.search_from_state(ui.PageState()) == ""


def test_flag_filter():
    frame = pd.DataFrame({"flags": [["ok"], ["precio_mayor", "pendiente"], ["pendiente"]]})
    assert len(ui.shown_invoices(frame, "todas")) == 3
    assert len(ui.shown_invoices(frame, "problemas")) == 2
    assert len(ui.shown_invoices(frame, "pendiente")) == 2
    assert len(ui.shown_invoices(frame, "ok")) == 1
    assert len(ui.shown_invoices(frame, "duplicada")) == 0


def test_badges_are_spanish_html():
    text = ui.badge_html(["precio_mayor", "ok"])
    assert ">Precio mayor</span>" in text and ">OK</span>" in text and "bg-danger" in text


def test_figures_are_valid_plotly():
    bars = invoice_charts.change_bars(report(), "Bebidas")
    go.Figure(bars)
    assert bars["data"][0]["y"] == ["Almacén", "Bebidas"]  # ranked only, highest on top
    assert bars["data"][0]["marker"]["line"]["width"] == [0, 3]
    assert bars["layout"]["shapes"][0]["x0"] == 10.7
    lines = invoice_charts.index_lines(report(), [3, 2])
    go.Figure(lines)
    assert [t["y"] for t in lines["data"]] == [[101.0, 102.0]]
    empty = invoice_charts.change_bars(PriceReport("2025-11", "2026-02", None), None)
    assert empty["layout"]["annotations"][0]["text"] == invoice_charts.NO_RANKED


@pytest.mark.parametrize(
    ("flags", "problems", "pending"),
    [([["ok"], ["pendiente"], ["sin_pedido", "sin_proveedor"]], "2 / 3", "2")],
)
def test_kpis(flags, problems, pending):
    frame = pd.DataFrame({"flags": flags, "cobrado_de_mas": [0.0, 1234.5, 0.0]})
    text = str(ui.kpis(frame, report(), 2.0))
    assert "$ 1.234,50" in text and problems in text and f"'{pending}'" in text
    assert "Almacén" in text and "+2,6 pp" in text


def test_detail_highlights_differences():
    row = {
        "factura_id": 1,
        "numero_factura": "A-1",
        "pedido": "PED-1",
        "items": [
            {
                "descripcion": "Leche",
                "cantidad": 12,
                "precio_unitario": 103.5,
                "cantidad_pedida": 10,
                "precio_pedido": 100.0,
            },
            {
                "descripcion": "Manteca",
                "cantidad": 1,
                "precio_unitario": 300,
                "cantidad_pedida": None,
                "precio_pedido": None,
            },
        ],
    }
    text = str(ui.detail(row, 2.0))
    assert "+3,5 %" in text and "$ 103,50" in text and "text-danger fw-bold" in text
    assert "Producto no pedido" in text and text.count("table-danger") == 2
