"""Proveedores: every active provider with its order KPIs and money.

A click on a provider's name in the table opens its analysis; a tap on its bar names it and
offers «Analizar …».

Numbers filter as numbers (`>1000`, `<10`, and `1.000` typed the Argentine way) and the CSV
holds the rows the table shows, filtered and sorted.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import MATCH, Input, Output, State, callback, dcc, html

from minimarket_dash import charts, clock, components, queries
from minimarket_dash.csvexport import file_name
from minimarket_dash.definitions import HELP
from minimarket_dash.formatting import fmt_int, numeric_filter_query
from minimarket_dash.periods import last_30_days
from minimarket_dash.queries.spending import by_provider

dash.register_page(__name__, path="/providers", title="Proveedores · Mini Market", order=1)

PAGE = "providers"
COLUMNS = (
    ("codigo", "Código", False),
    ("nombre", "Proveedor", False),
    ("total_pedidos", "Pedidos", True),
    ("total_productos", "Unidades", True),
    ("pedidos_semana", "Pedidos 7 días", True),
    ("pedidos_mes", "Pedidos 30 días", True),
    ("compras_30d", "Compras 30 días", "money"),
)
NUMERIC = {column for column, _, numeric in COLUMNS if numeric}
PHONE_FIXED = ("nombre", "total_pedidos")  # below 576 px, with the one picked


def layout(**_query):
    """Return the providers page; its callbacks fill the table and the chart."""
    table = components.data_table("providers-table", COLUMNS, page_size=10)
    table.style_data_conditional = [
        {
            "if": {"column_id": "nombre"},
            "color": "var(--mm-link)",
            "textDecoration": "underline",
            "cursor": "pointer",
        },
    ]
    table_body = html.Div(
        [
            components.phone_columns("providers-table", COLUMNS, PHONE_FIXED, "compras_30d"),
            dcc.Loading(table, delay_show=150),
            html.Div(id="providers-empty"),
        ]
    )
    return html.Div(
        [
            dcc.Location(id="providers-nav", refresh="callback-nav"),
            dcc.Store(id="providers-load", data=0),
            components.page_header(
                "Proveedores",
                "Proveedores activos con sus pedidos. Tocá un nombre para analizarlo.",
            ),
            components.db_banner(PAGE),
            dbc.Row(
                [
                    dbc.Col(
                        components.card(
                            "Proveedores activos",
                            table_body,
                            PAGE,
                            "proveedores",
                            "Ordená con los encabezados; filtrá con la fila «Filtrar…» (números: "
                            ">1.000, <10, 1.000). El CSV baja lo que muestra la tabla.",
                            HELP["tabla_proveedores"],
                        ),
                        lg=7,
                        className="mb-3",
                    ),
                    dbc.Col(
                        components.graph_card(
                            PAGE,
                            "grafico",
                            "Pedidos por proveedor",
                            "providers-chart",
                            "Los 15 con más pedidos (histórico) · tocá una barra para ver su "
                            "nombre y analizarlo",
                            help_text=HELP["pedidos_por_proveedor"],
                            tap=True,
                        ),
                        lg=5,
                        className="mb-3",
                    ),
                ]
            ),
        ]
    )


def _providers():
    """The providers metric (as /api/providers) with the money of the last 30 calendar days.

    compras_30d is /api/spending's importe per provider over the same window as Inicio's
    «Compras · últimos 30 días» (0 for a provider without orders in it).
    """
    frame = components.fetch_or_none(PAGE, queries.PROVIDERS)
    if frame is None:
        return None
    window, _ = last_30_days(clock.today())
    cells = components.fetch_or_none(PAGE, queries.SPENDING, window)
    totals = by_provider(cells) if cells is not None else None
    money = {} if totals is None else dict(zip(totals["proveedor"], totals["importe"], strict=True))
    return frame.assign(compras_30d=[float(money.get(name, 0.0)) for name in frame["nombre"]])


components.phone_columns_callback("providers-table")


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
    drawn = components.chart("providers-chart", charts.provider_orders(frame), "Proveedor")
    return rows, drawn, None


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


def _tapped_provider(point: dict) -> tuple:
    """Name the tapped provider with its orders and offer to open its analysis."""
    provider, last_30 = point["customdata"]
    figures = [f"{fmt_int(point['x'])} pedidos", f"{fmt_int(last_30)} en los últimos 30 días"]
    return components.tapped(provider, figures, f"Analizar {provider}")


components.name_on_tap("providers-chart", _tapped_provider)


@callback(
    Output("providers-nav", "href", allow_duplicate=True),
    Input("providers-chart-tap-action", "n_clicks"),
    State("providers-chart", "clickData"),
    prevent_initial_call=True,
)
def open_from_chart(pressed, click):
    """Open /analytics filtered by the tapped provider, on «Analizar …»."""
    point = components.tapped_point(click)
    if not pressed or point is None:
        return dash.no_update
    return analytics_href(point["customdata"][0])


@callback(
    Output("providers-table", "filter_query"),
    Input("providers-table", "filter_query"),
    prevent_initial_call=True,
)
def read_argentine_numbers(query):
    """Let numeric filters take es-AR numbers: `1.000` filters one thousand, not one."""
    fixed = numeric_filter_query(query, NUMERIC)
    return dash.no_update if fixed == query else fixed


@callback(
    Output({"type": "dl", "page": PAGE, "name": MATCH}, "data"),
    Input({"type": "dl-btn", "page": PAGE, "name": MATCH}, "n_clicks"),
    Input({"type": components.XLSX_BUTTON, "page": PAGE, "name": MATCH}, "n_clicks"),
    State("providers-table", "derived_virtual_data"),
    State("providers-table", "filter_query"),
    prevent_initial_call=True,
)
def download(_clicks, _excel_clicks, shown, filter_query):
    """Send the providers' KPIs as CSV or Excel: the table's rows as filtered and sorted on screen.

    The chart's CSV is every provider (the chart is not filtered).
    """
    frame = _providers()
    if frame is None:
        return dash.no_update
    today = clock.today()
    if dash.ctx.triggered_id["name"] == "grafico":
        return components.table_download(
            frame, file_name("pedidos-por-proveedor", today), dash.ctx.triggered_id
        )
    if shown is not None:
        frame = pd.DataFrame(shown, columns=frame.columns)
    stem = "proveedores-filtrado" if filter_query else "proveedores"
    return components.table_download(frame, file_name(stem, today), dash.ctx.triggered_id)
