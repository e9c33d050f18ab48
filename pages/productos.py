"""Productos: find any product by name or barcode and see its stock, prices, orders and moves.

`/productos?q=texto` lists the matches (the search of /api/products: accent- and case-blind,
by name or barcode); `/productos?id=N` shows one product. The layout builds every panel
itself, so the page needs no callback.
"""

from __future__ import annotations

from collections.abc import Callable

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import has_request_context

from minimarket_dash import charts, components, data
from minimarket_dash.filters import clean_proveedor
from minimarket_dash.formatting import fmt_date, fmt_int, fmt_money, fmt_number
from minimarket_dash.queries import product
from minimarket_dash.queries.catalog import search_products

dash.register_page(__name__, path="/productos", title="Productos · Mini Market", order=5)

PAGE = "productos"
RESULTS_SHOWN = 50
ORDER_COLUMNS = (
    ("fecha", "Fecha"),
    ("pedido", "Pedido"),
    ("proveedor", "Proveedor"),
    ("estado", "Estado"),
    ("cantidad", "Unidades"),
    ("precio", "Precio unit."),
)


def layout(q=None, id=None, **_other):  # noqa: A002 (the URL's parameter is «id»)
    """Return the search results for `q`, or the view of product `id`."""
    failures: list[str] = []
    text = clean_proveedor(q if isinstance(q, str) else None)
    if not has_request_context():
        body = []
    elif id is not None:
        body = product_view(id, failures)
    else:
        body = results(text, failures)
    return html.Div(
        [
            components.page_header(
                "Productos",
                "Buscá cualquier producto por nombre o código de "
                "barras (sin importar tildes ni mayúsculas).",
            ),
            components.db_banner(PAGE, is_open=bool(failures)),
            search_form(text or ""),
            html.Div(body, id="productos-body"),
        ]
    )


def search_form(text: str) -> html.Form:
    """Return the page's own search box: a plain GET form, so Enter opens ?q=…"""
    return html.Form(
        dbc.InputGroup(
            [
                html.Label("Buscar producto", htmlFor="productos-q", className="visually-hidden"),
                dcc.Input(
                    id="productos-q",
                    type="search",
                    name="q",
                    value=text,
                    placeholder="Nombre o código de barras",
                    autoComplete="off",
                    className="form-control",
                ),
                html.Button("Buscar", type="submit", className="btn btn-primary"),
            ]
        ),
        action="/productos",
        method="GET",
        role="search",
        className="mb-3",
    )


def _run(name: str, query: Callable, failures: list[str]):
    """Run query(conn, now) on the database; None (and the banner) when it does not answer."""
    try:
        return data.run_query(name, query)
    except data.DatabaseUnavailable:
        failures.append(name)
        return None


def results(text: str | None, failures: list[str]) -> list:
    """Return the list of products matching text, each linking to its view."""
    if not text:
        return [components.empty_state("Escribí parte del nombre o el código de barras.")]
    found = _run("products", lambda conn, now: search_products(conn, text, RESULTS_SHOWN), failures)
    if found is None:
        return [components.empty_state("Sin datos: la base no respondió.")]
    if found.empty:
        return [components.empty_state(f"Ningún producto coincide con «{text}».")]
    shown = f"{fmt_int(len(found))} producto{'s' if len(found) != 1 else ''}"
    if len(found) == RESULTS_SHOWN:
        shown = f"Los primeros {RESULTS_SHOWN} productos: afiná la búsqueda para ver otros"
    items = [_result_item(row) for row in found.itertuples()]
    return [
        html.Div(shown, id="productos-count", className="small text-muted mb-1"),
        # Links, not list items: a <ul> may only hold <li> (ListGroup's default).
        dbc.ListGroup(items, id="productos-results", className="mb-3", tag="div"),
    ]


def _result_item(row) -> dbc.ListGroupItem:
    code = f" · código {row.codigo_barras}" if row.codigo_barras else ""
    return dbc.ListGroupItem(
        [
            html.Div(html.Strong(row.nombre)),
            html.Div(
                f"{row.proveedor or 'Sin proveedor'}{code} · stock "
                f"{fmt_int(row.stock_actual)} de mínimo {fmt_int(row.stock_minimo)}",
                className="small text-muted",
            ),
        ],
        href=f"/productos?id={row.producto_id}",
        action=True,
        className="px-2 py-2",
    )


def _product_id(raw) -> int | None:
    text = str(raw).strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def product_view(raw_id, failures: list[str]) -> list:
    """Return one product's cards, charts and last orders (or a Spanish empty state)."""
    product_id = _product_id(raw_id)
    if product_id is None:
        return [components.empty_state("El enlace no indica un producto válido.")]
    detail = _run(
        "product", lambda conn, now: product.product_detail(conn, product_id, now), failures
    )
    if detail is None:
        return [components.empty_state("Sin datos: la base no respondió.")]
    if detail.empty:
        return [components.empty_state(f"No existe el producto número {product_id}.")]
    row = detail.iloc[0]
    return [
        html.H2(row["nombre"], className="h4 mb-1", id="producto-nombre"),
        html.Div(_subtitle(row), className="text-muted small mb-2"),
        dbc.Row(product_cards(row), className="g-2", id="producto-kpis"),
        dbc.Row(
            [
                dbc.Col(
                    _chart_card(
                        "Precio de compra por mes",
                        "producto-precios",
                        "Precio unitario ponderado de sus pedidos no cancelados, últimos 12 meses",
                        product_id,
                        failures,
                    ),
                    lg=6,
                    className="mb-3",
                ),
                dbc.Col(
                    _chart_card(
                        "Movimientos de stock por mes",
                        "producto-movimientos",
                        "Unidades por tipo, últimos 12 meses",
                        product_id,
                        failures,
                    ),
                    lg=6,
                    className="mb-3",
                ),
            ]
        ),
        components.card(
            "Últimos pedidos",
            last_orders(product_id, failures),
            PAGE,
            caption=f"Los {product.ORDERS_SHOWN} más recientes con este producto "
            "(cualquier estado)",
        ),
    ]


def _subtitle(row) -> str:
    parts = [
        f"Proveedor: {row['proveedor'] or 'sin proveedor'}",
        f"código de barras {row['codigo_barras']}"
        if row["codigo_barras"]
        else "sin código de barras",
        row["categoria"] or "sin categoría",
    ]
    if not row["activo"]:
        parts.append("inactivo")
    return " · ".join(parts)


def _price(value) -> str:
    return "—" if value != value else fmt_money(float(value))


def product_cards(row) -> list:
    """Return the product's figures as KPI cards."""
    below = row["stock_actual"] < row["stock_minimo"]
    note = f"faltan {fmt_int(row['stock_minimo'] - row['stock_actual'])}" if below else None
    return [
        components.kpi_card("Stock actual", fmt_int(row["stock_actual"]), note),
        components.kpi_card("Stock mínimo", fmt_int(row["stock_minimo"])),
        components.kpi_card(
            "Consumo diario",
            fmt_number(float(row["consumo_diario"])),
            f"salidas de los últimos {product.CONSUMPTION_DAYS} días completos ÷ días",
        ),
        components.kpi_card("Precio de compra", _price(row["precio_compra"])),
        components.kpi_card("Precio de venta", _price(row["precio_venta"])),
    ]


CHARTS = {
    "producto-precios": (product.product_prices, charts.product_prices),
    "producto-movimientos": (product.product_movements, charts.product_movements),
}


def _chart_card(title: str, graph_id: str, caption: str, product_id: int, failures):
    query, builder = CHARTS[graph_id]
    frame = _run(graph_id, lambda conn, now: query(conn, product_id, now), failures)
    figure = charts.empty_figure("Sin datos.") if frame is None else builder(frame)
    content = components.chart(graph_id, figure, "Mes")
    return components.card(
        title, components.graph(graph_id, title, content=content), PAGE, caption=caption
    )


def last_orders(product_id: int, failures: list[str]):
    """Return the product's last orders as a table that stacks its rows on phones."""
    found = _run(
        "product_orders", lambda conn, now: product.product_orders(conn, product_id), failures
    )
    if found is None or found.empty:
        text = "Sin datos." if found is None else "Ningún pedido incluye este producto."
        return components.empty_state(text)
    rows = [
        {
            "fecha": fmt_date(r.fecha_pedido),
            "pedido": r.numero_pedido or "—",
            "proveedor": r.proveedor or "—",
            "estado": r.estado or "—",
            "cantidad": fmt_int(r.cantidad),
            "precio": _price(r.precio),
        }
        for r in found.itertuples()
    ]
    return components.stacked_table(
        "producto-pedidos", ORDER_COLUMNS, rows, numeric=("cantidad", "precio")
    )
