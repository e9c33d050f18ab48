"""Stored names in charts are text: every figure that shows a provider, product or state name
carries it escaped wherever plotly draws text (axis ticks, hovers, legends), and keeps it as
stored only in customdata and the category values, which a tap reads and plotly never draws."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from minimarket_dash import charts, invoice_charts
from minimarket_dash.queries.prices import PriceReport, ProviderChange

LINK = '<a href="https://ejemplo.invalid/x">Lácteos</a>'
BOLD = "<b>Leche</b><br>1 L & más"
STATE = "<i>raro</i>"
SHOWN_LINK = '&lt;a href="https://ejemplo.invalid/x"&gt;Lácteos&lt;/a&gt;'
# Where plotly draws text from a figure (the template's own <br> and <extra> are ours).
DRAWN = ("ticktext", "hovertext", "text", "name", "hovertemplate", "texttemplate")


def drawn_texts(node, key: str | None = None):
    """Yield every string of the figure plotly may draw as text."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name != "customdata":
                yield from drawn_texts(value, name)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from drawn_texts(value, key)
    elif isinstance(node, str) and key in DRAWN:
        yield node


def markup_of(figure: dict) -> list[str]:
    """Return the drawn strings that still hold a tag of ours (<br>, <extra>) removed."""
    found = []
    for text in drawn_texts(figure):
        rest = text.replace("<br>", "").replace("<extra></extra>", "")
        if "<" in rest or ">" in rest:
            found.append(text)
    return found


def report() -> PriceReport:
    changes = [
        ProviderChange(1, LINK, 12.5, 3, "ranked", [], 4.0),
        ProviderChange(2, "Bebidas %{y} Norte", 3.0, 3, "ranked", [], -5.5),
    ]
    index = [
        {"proveedor_id": pid, "mes": mes, "indice": value}
        for pid in (1, 2)
        for mes, value in (("2026-01", 100.0), ("2026-02", 104.0))
    ]
    return PriceReport("2025-11", "2026-02", 8.5, changes, index)


FIGURES = {
    "top_providers": lambda: charts.top_providers(
        pd.DataFrame({"nombre": [LINK, "Sur"], "pedidos": [5, 3]})
    ),
    "provider_orders": lambda: charts.provider_orders(
        pd.DataFrame({"nombre": [LINK], "total_pedidos": [5], "pedidos_mes": [2]})
    ),
    "top_products": lambda: charts.top_products(
        pd.DataFrame(
            {"producto": [BOLD], "cantidad_total": [40], "pedidos": [4], "proveedor": [LINK]}
        )
    ),
    "stock_by_provider": lambda: charts.stock_by_provider(
        pd.DataFrame({"nombre": [LINK, "Sur"], "stock_total": [10, -3]})
    ),
    "money_per_provider": lambda: charts.money_per_provider(
        pd.DataFrame({"proveedor": [LINK], "importe": [1234.5], "pedidos": [2]})
    ),
    "order_states": lambda: charts.order_states(
        pd.DataFrame({"estado": ["entregado", STATE], "pedidos": [4, 1]})
    ),
    "change_bars": lambda: invoice_charts.change_bars(report()),
    "index_lines": lambda: invoice_charts.index_lines(report(), [1, 2]),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_stored_names_are_drawn_as_text(name):
    figure = FIGURES[name]()
    go.Figure(figure)  # still a valid plotly figure
    assert markup_of(figure) == [], name
    texts = " ".join(drawn_texts(figure))
    assert "&lt;" in texts  # the name is there, escaped
    assert "ejemplo.invalid" in texts or "&lt;i&gt;raro" in texts or "&lt;b&gt;Leche" in texts


def test_the_hover_shows_the_whole_name_and_a_tap_reads_it_as_stored():
    bar = charts.top_providers(pd.DataFrame({"nombre": [LINK], "pedidos": [5]}))["data"][0]
    assert bar["hovertext"] == [SHOWN_LINK]
    assert bar["customdata"] == [[LINK]]  # what «Filtrar por …» writes in the URL
    assert bar["hovertemplate"].startswith("%{hovertext}<br>")
    products = charts.top_products(
        pd.DataFrame(
            {"producto": [BOLD], "cantidad_total": [40], "pedidos": [4], "proveedor": [LINK]}
        )
    )
    trace = products["data"][0]
    assert trace["customdata"] == [[4, LINK, BOLD]]
    assert trace["hovertext"] == ["&lt;b&gt;Leche&lt;/b&gt;&lt;br&gt;1 L &amp; más"]
    assert trace["text"] == [SHOWN_LINK] and trace["textposition"] == "none"


def test_a_name_never_becomes_part_of_a_hover_template():
    lines = invoice_charts.index_lines(report(), [2])["data"][0]
    assert "Bebidas" not in lines["hovertemplate"]
    assert lines["hovertext"][0] == "Bebidas %{y} Norte"  # data, never read as a template


def test_long_names_are_cut_before_escaping():
    name = "<b>" + "x" * 40 + "</b>"
    [tick] = charts.axis_labels([name])
    assert "<b>" not in tick.replace("<br>", "") and tick.startswith("&lt;b&gt;")
