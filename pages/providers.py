"""Proveedores: every active provider with its order KPIs; a click opens its analysis."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import MATCH, Input, Output, State, callback, dcc, html

from minimarket_dash import charts, clock, components
from minimarket_dash.csvexport import file_name

dash.register_page(__name__, path="/providers", title="Proveedores · Mini Market", order=1)

PAGE = "providers"
COLUMNS = (
    ("codigo", "Código", False),
    ("nombre", "Proveedor", False),
    ("total_pedidos", "Pedidos", True),
    ("total_productos", "Unidades", True),
    ("pedidos_semana", "Pedidos 7 días", True),
    ("pedidos_mes", "Pedidos 30 días", True),
)


def layout(**_query):
    """Return the providers page; its callbacks fill the table and the chart."""
    table = components.data_table("providers-table", COLUMNS, page_size=10)
    table.style_data_conditional = [
        {"if": {"column_id": "nombre"}, "color": "#0057a3", "textDecoration": "underline",
         "cursor": "pointer"},
    ]
    table_body = html.Div([
        dcc.Loading(table, delay_show=150),
        html.Div(id="providers-empty"),
    ])
    return html.Div(
        [
            dcc.Location(id="providers-nav", refresh="callback-nav"),
            dcc.Store(id="providers-load", data=0),
            components.page_header(
                "Proveedores", "Proveedores activos con sus pedidos. Tocá uno para analizarlo."
            ),
            components.db_banner(PAGE),
            dbc.Row([
                dbc.Col(components.card(
                    "Proveedores activos", table_body, PAGE, "proveedores",
                    "Ordená con los encabezados y filtrá con la fila «Filtrar…»",
                ), lg=7, className="mb-3"),
                dbc.Col(components.graph_card(
                    PAGE, "grafico", "Pedidos por proveedor", "providers-chart",
                    "Los 15 con más pedidos (histórico)",
                ), lg=5, className="mb-3"),
            ]),
        ]
    )


def _providers():
    return components.fetch_or_none(PAGE, "providers")


@callback(
    Output("providers-table", "data"),
    components.chart_output("providers-chart"),
    Output("providers-empty", "children"),
    Input("providers-load", "data"),
)
def fill(_load):
    """Fill the table and the chart from the providers metric (same as /api/providers)."""
    frame = _providers()
    if frame is None or frame.empty:
        message = "Sin datos." if frame is None else "No hay proveedores activos."
        chart = components.chart("providers-chart", charts.empty_figure(message))
        return [], chart, components.empty_state(message)
    rows = frame.assign(id=frame["nombre"]).to_dict("records")
    return rows, components.chart("providers-chart", charts.provider_orders(frame)), None


def analytics_href(nombre: str) -> str:
    """Return the analysis URL filtered by one provider."""
    return "/analytics?" + urlencode({"proveedor": nombre})


@callback(
    Output("providers-nav", "href"),
    Input("providers-table", "active_cell"),
    prevent_initial_call=True,
)
def open_from_table(cell):
    """Open /analytics filtered by the provider whose name was clicked in the table."""
    if cell and cell.get("column_id") == "nombre" and cell.get("row_id"):
        return analytics_href(cell["row_id"])
    return dash.no_update


@callback(
    Output("providers-nav", "href", allow_duplicate=True),
    Input("providers-chart", "clickData"),
    prevent_initial_call=True,
)
def open_from_chart(click):
    """Open /analytics filtered by the provider clicked in the chart."""
    if not click:
        return dash.no_update
    return analytics_href(click["points"][0]["customdata"][0])


@callback(
    Output({"type": "dl", "page": PAGE, "name": MATCH}, "data"),
    Input({"type": "dl-btn", "page": PAGE, "name": MATCH}, "n_clicks"),
    State("providers-table", "derived_virtual_data"),
    State("providers-table", "filter_query"),
    prevent_initial_call=True,
)
def download(_clicks, shown, filter_query):
    """Send the providers' KPIs as CSV: the table's rows as filtered and sorted on screen."""
    frame = _providers()
    if frame is None:
        return dash.no_update
    stem = "proveedores"
    if dash.ctx.triggered_id["name"] == "grafico":
        stem = "pedidos-por-proveedor"
    elif filter_query and shown is not None:
        frame, stem = pd.DataFrame(shown, columns=frame.columns), "proveedores-filtrado"
    return components.csv_download(frame, file_name(stem, clock.today()))
