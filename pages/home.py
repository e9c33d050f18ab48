"""Inicio: KPIs with their change, low-stock alerts and the activity of the last weeks."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, callback, dcc, html
from flask import has_request_context

from minimarket_dash import charts, clock, components
from minimarket_dash.csvexport import file_name
from minimarket_dash.filters import Filters
from minimarket_dash.formatting import (
    days_until,
    fmt_int,
    fmt_time,
    iso_weeks,
    pct_change,
)

dash.register_page(__name__, path="/", title="Inicio · Mini Market", order=0)

PAGE = "home"
WEEKS = 12
DAYS = 30
ALERTS_SHOWN = 8
REFRESH_MS = 5 * 60 * 1000
# The panels the layout fills and the auto-refresh rebuilds, in the refresh callback's order.
PANELS = ("kpis", "updated", "alerts", "weekly", "movements", "providers")
# name -> (metric, filters, file stem) of each CSV download of this page.
DOWNLOADS = {
    "resumen": ("summary", Filters(), "resumen"),
    "alertas": ("low_stock", Filters(limit=100), "stock-bajo"),
    "semanas": ("weekly_sales", Filters(weeks=WEEKS), "pedidos-por-semana_12-semanas"),
    "movimientos": ("stock_timeline", Filters(days=DAYS), "movimientos-por-dia_30-dias"),
    "proveedores": ("orders_by_provider_30d", Filters(limit=10), "proveedores-top_30-dias"),
}


def layout(**_query):
    """Return the home page with every panel already filled (one round trip, no callback chain).

    Dash also calls this once outside any request to build its validation layout: the panels
    stay empty then, since there is no app to ask for data.
    """
    failures: list[str] = []
    if has_request_context():
        panels = build_panels(partial(components.fetch_or_none, PAGE, failures=failures))
    else:
        panels = dict.fromkeys(PANELS)
    refresh = html.Div(
        [
            html.Span(panels["updated"], id="home-updated", className="text-muted small me-3"),
            dbc.Switch(id="home-auto", label="Actualizar cada 5 min", value=False,
                       className="d-inline-block small mb-0"),
        ],
        className="d-flex align-items-center flex-wrap",
    )
    return html.Div(
        [
            dcc.Interval(id="home-refresh", interval=REFRESH_MS, disabled=True),
            components.page_header("Inicio", "Resumen de pedidos, proveedores y stock", refresh),
            components.db_banner(PAGE, is_open=bool(failures)),
            html.Div(components.download_button(PAGE, "resumen", "CSV del resumen"),
                     className="text-end mb-1"),
            dcc.Loading(dbc.Row(panels["kpis"], id="home-kpis", className="g-2"),
                        delay_show=150),
            dbc.Row([
                dbc.Col(_alerts_card(panels["alerts"]), lg=5, className="mb-3"),
                dbc.Col(components.graph_card(
                    PAGE, "semanas", "Pedidos por semana", "home-weekly",
                    f"Últimas {WEEKS} semanas (lunes a domingo)", panels["weekly"]),
                    lg=7, className="mb-3"),
            ]),
            dbc.Row([
                dbc.Col(components.graph_card(
                    PAGE, "movimientos", "Movimientos de stock por día", "home-movements",
                    f"Últimos {DAYS} días, por tipo", panels["movements"]),
                    lg=7, className="mb-3"),
                dbc.Col(components.graph_card(
                    PAGE, "proveedores", "Proveedores con más pedidos", "home-providers",
                    "Últimos 30 días", panels["providers"]), lg=5, className="mb-3"),
            ]),
        ]
    )


def _alerts_card(content=None):
    body = dcc.Loading(html.Div(content, id="home-alerts"), delay_show=150)
    return components.card("Stock bajo el mínimo", body, PAGE, "alertas",
                           "Productos con stock actual menor al mínimo, los más críticos primero")


def build_panels(fetch) -> dict:
    """Return the content of every panel (see PANELS), reading metrics with `fetch`."""
    return {
        "kpis": kpis(fetch),
        "updated": f"Actualizado {fmt_time(clock.now())}" + _history_note(fetch),
        "alerts": alerts(fetch),
        "weekly": weekly_chart(fetch),
        "movements": movements_chart(fetch),
        "providers": providers_chart(fetch),
    }


@callback(Output("home-refresh", "disabled"), Input("home-auto", "value"),
          prevent_initial_call=True)
def toggle_refresh(enabled):
    """Turn the 5-minute auto-refresh on or off."""
    return not enabled


@callback(
    Output("home-kpis", "children"),
    Output("home-updated", "children"),
    Output("home-alerts", "children"),
    components.chart_output("home-weekly"),
    components.chart_output("home-movements"),
    components.chart_output("home-providers"),
    Input("home-refresh", "n_intervals"),
    prevent_initial_call=True,
)
def refresh(_n):
    """Rebuild every panel on the auto-refresh tick (the layout brings the first ones)."""
    panels = build_panels(partial(components.fetch_or_none, PAGE))
    return tuple(panels[name] for name in PANELS)


def kpis(fetch) -> list:
    """Return the KPI cards from /api/summary's figures and their previous periods."""
    summary = fetch("summary")
    if summary is None:
        return [components.empty_state("Sin datos: la base no respondió.")]
    month = fetch("activity_prev_30d")
    week = fetch("activity_prev_7d")
    return kpi_cards(summary.iloc[0], month, week)


def _history_note(fetch) -> str:
    """Say when the history summaries were built (`optimize`), when they exist."""
    state = fetch("summary_state")
    if state is None or state.empty:
        return ""
    built = state.iloc[0]["actualizado"]
    return f" · históricos al {built:%d/%m} {fmt_time(built)}"


def _previous(frame, column: str):
    return None if frame is None else int(frame.iloc[0][column])


def kpi_cards(row, month, week) -> list:
    """Return the eight cards of the summary; the time-bound ones with their change."""
    month_change = _change(row["pedidos_mes"], _previous(month, "pedidos"))
    week_change = _change(row["movimientos_semana"], _previous(week, "movimientos"))
    top = row["proveedor_top_nombre"]
    top_note = f"{fmt_int(row['proveedor_top_pedidos'])} pedidos en 30 días"
    return [
        components.kpi_card("Pedidos · últimos 30 días", fmt_int(row["pedidos_mes"]),
                            "vs. 30 días anteriores", components.delta_badge(month_change)),
        components.kpi_card("Movimientos · últimos 7 días", fmt_int(row["movimientos_semana"]),
                            "vs. 7 días anteriores", components.delta_badge(week_change)),
        components.kpi_card("Proveedor con más pedidos", top, top_note if top != "N/A" else None),
        components.kpi_card("Proveedores activos", fmt_int(row["total_proveedores"])),
        components.kpi_card("Pedidos (total)", fmt_int(row["total_pedidos"])),
        components.kpi_card("Unidades pedidas (total)", fmt_int(row["total_productos_pedidos"])),
        components.kpi_card("Movimientos de stock (total)", fmt_int(row["total_movimientos"])),
        components.kpi_card("Facturas procesadas", fmt_int(row["facturas_procesadas"])),
    ]


def _change(current, previous):
    return None if previous is None else pct_change(float(current), float(previous))


def alerts(fetch):
    """List the products below their minimum stock, worst first."""
    frame = fetch("low_stock", Filters(limit=100))
    if frame is None or frame.empty:
        text = "Sin datos." if frame is None else "Ningún producto está bajo su stock mínimo."
        return components.empty_state(text)
    items = [_alert_item(row) for row in frame.head(ALERTS_SHOWN).itertuples()]
    more = len(frame) - ALERTS_SHOWN
    footer = [html.Div(f"y {fmt_int(more)} más (ver CSV)", className="small text-muted mt-1")]
    return [dbc.ListGroup(items, flush=True, className="alerts"), *(footer if more > 0 else [])]


def _alert_item(row) -> dbc.ListGroupItem:
    badge_color = "danger" if row.stock_actual == 0 else "warning"
    return dbc.ListGroupItem(
        [
            html.Div([
                html.Strong(row.producto),
                dbc.Badge(f"faltan {fmt_int(row.faltante)}", color=badge_color,
                          text_color="dark" if badge_color == "warning" else None,
                          className="ms-2"),
            ]),
            html.Div(f"{row.proveedor or 'Sin proveedor'} · stock {fmt_int(row.stock_actual)}"
                     f" de mínimo {fmt_int(row.stock_minimo)}", className="small text-muted"),
        ],
        className="px-1 py-2",
    )


def weekly_chart(fetch):
    """Draw orders per ISO week for the last 12 weeks."""
    frame = fetch("weekly_sales", Filters(weeks=WEEKS))
    if frame is None:
        return components.chart("home-weekly", charts.empty_figure())
    today = clock.today()
    weeks = iso_weeks(today - timedelta(weeks=WEEKS - 1), today)
    return components.chart("home-weekly", charts.orders_per_week(frame, weeks))


def movements_chart(fetch):
    """Draw stock movements per day and kind for the last 30 days."""
    frame = fetch("stock_timeline", Filters(days=DAYS))
    if frame is None:
        return components.chart("home-movements", charts.empty_figure())
    days = days_until(clock.today(), DAYS + 1)
    return components.chart("home-movements", charts.movements_per_day(frame, days))


def providers_chart(fetch):
    """Draw the providers with most orders in the last 30 days."""
    frame = fetch("orders_by_provider_30d", Filters(limit=10))
    figure = charts.empty_figure() if frame is None else charts.top_providers(frame)
    return components.chart("home-providers", figure)


@callback(
    Output({"type": "dl", "page": PAGE, "name": MATCH}, "data"),
    Input({"type": "dl-btn", "page": PAGE, "name": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
def download(_clicks):
    """Send the data of the clicked panel as CSV, named after it and today's date."""
    name = dash.ctx.triggered_id["name"]
    metric, filters, stem = DOWNLOADS[name]
    frame = components.fetch_or_none(PAGE, metric, filters)
    if frame is None:
        return dash.no_update
    today = clock.today()
    return components.csv_download(frame, file_name(stem, today))
