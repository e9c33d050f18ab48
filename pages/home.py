"""Inicio: today's operations first, then the last days with their change, then all-time totals.

Today's cards read the metrics of /api/today ("undelivered", "today_counts") and the low-stock
list reads /api/low-stock's ("low_stock_all"): the page shows the same numbers as the API.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import MATCH, Input, Output, callback, dcc, html
from flask import has_request_context

from minimarket_dash import charts, clock, components, queries
from minimarket_dash.csvexport import file_name
from minimarket_dash.definitions import HELP
from minimarket_dash.filters import Filters
from minimarket_dash.formatting import (
    days_until,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_time,
    iso_weeks,
    pct_change,
)
from minimarket_dash.invoice_page import UNPROCESSED_VIEW
from minimarket_dash.periods import last_30_days, periods

dash.register_page(__name__, path="/", title="Inicio · Mini Market", order=0)

PAGE = "home"
WEEKS = 12
DAYS = 30
REFRESH_MS = 5 * 60 * 1000
DELIVERIES_SHOWN = 100  # in the page; the CSV has every one
# The panels the layout fills and the auto-refresh rebuilds, in the refresh callback's order.
PANELS = (
    "today",
    "deliveries",
    "alerts",
    "recent",
    "kpis",
    "updated",
    "weekly",
    "movements",
    "providers",
)
# name -> (metric, filters, file stem) of each CSV download of this page.
DOWNLOADS = {
    "resumen": (queries.SUMMARY, Filters(), "resumen"),
    "alertas": (queries.LOW_STOCK_ALL, Filters(), "stock-bajo"),
    "entregas": (queries.UNDELIVERED, Filters(), "entregas-hoy-y-atrasadas"),
    "semanas": (queries.WEEKLY_SALES, Filters(weeks=WEEKS), "pedidos-por-semana_12-semanas"),
    "movimientos": (queries.STOCK_TIMELINE, Filters(days=DAYS), "movimientos-por-dia_30-dias"),
    "proveedores": (
        queries.ORDERS_BY_PROVIDER,
        Filters(days=DAYS, limit=10),
        "proveedores-top_30-dias",
    ),
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
            dbc.Switch(
                id="home-auto",
                label="Actualizar cada 5 min",
                value=False,
                className="d-inline-block small mb-0",
            ),
        ],
        className="d-flex align-items-center flex-wrap",
    )
    return html.Div(
        [
            dcc.Interval(id="home-refresh", interval=REFRESH_MS, disabled=True),
            components.page_header(
                "Inicio", "Lo de hoy primero; después los últimos días y los totales", refresh
            ),
            components.db_banner(PAGE, is_open=bool(failures)),
            *_today_section(panels),
            *_recent_section(panels),
            *_totals_section(panels),
        ]
    )


def _section(title: str, extra=None) -> html.Div:
    return html.Div(
        [html.H2(title, className="section-title mb-0"), extra or []],
        className="d-flex justify-content-between align-items-end mt-2 mb-2",
    )


def _today_section(panels) -> list:
    deliveries = components.card(
        "Entregas de hoy y atrasadas",
        dcc.Loading(html.Div(panels["deliveries"], id="home-deliveries"), delay_show=150),
        PAGE,
        "entregas",
        help_text=HELP["entregas_lista"],
    )
    low_stock = components.card(
        "Stock bajo el mínimo",
        dcc.Loading(html.Div(panels["alerts"], id="home-alerts"), delay_show=150),
        PAGE,
        "alertas",
        help_text=HELP["stock_bajo"],
    )
    return [
        _section("Hoy"),
        dbc.Row(panels["today"], id="home-today", className="g-2"),
        dbc.Row(
            [
                dbc.Col(deliveries, lg=6, className="mb-3"),
                dbc.Col(low_stock, lg=6, className="mb-3"),
            ]
        ),
    ]


def _recent_section(panels) -> list:
    card = components.graph_card
    return [
        _section("Últimos días"),
        dbc.Row(panels["recent"], id="home-recent", className="g-2"),
        dbc.Row(
            [
                dbc.Col(
                    card(
                        PAGE,
                        "semanas",
                        "Pedidos por semana",
                        "home-weekly",
                        f"Últimas {WEEKS} semanas (lunes a domingo)",
                        panels["weekly"],
                        HELP["pedidos_semana"],
                    ),
                    lg=7,
                    className="mb-3",
                ),
                dbc.Col(
                    card(
                        PAGE,
                        "proveedores",
                        "Proveedores con más pedidos",
                        "home-providers",
                        "Últimos 30 días móviles",
                        panels["providers"],
                        HELP["proveedores_top_30d"],
                    ),
                    lg=5,
                    className="mb-3",
                ),
            ]
        ),
        dbc.Row(
            [
                dbc.Col(
                    card(
                        PAGE,
                        "movimientos",
                        "Movimientos de stock por día",
                        "home-movements",
                        f"Últimos {DAYS} días de calendario, por tipo",
                        panels["movements"],
                        HELP["movimientos_dia"],
                    ),
                    className="mb-3",
                ),
            ]
        ),
    ]


def _totals_section(panels) -> list:
    button = components.download_button(PAGE, "resumen", "CSV del resumen")
    return [
        _section("Totales históricos", button),
        dcc.Loading(dbc.Row(panels["kpis"], id="home-kpis", className="g-2"), delay_show=150),
    ]


def build_panels(fetch) -> dict:
    """Return the content of every panel (see PANELS), reading metrics with `fetch`."""
    low_stock = fetch(queries.LOW_STOCK_ALL)
    undelivered = fetch(queries.UNDELIVERED)  # read once for today's cards and the list
    today = clock.today()
    return {
        "today": today_cards(fetch, low_stock, undelivered),
        "deliveries": deliveries(undelivered),
        "alerts": alerts(low_stock),
        "recent": recent_cards(fetch, today),
        "kpis": kpis(fetch),
        "updated": f"Actualizado {fmt_time(clock.now())}" + _history_note(fetch),
        "weekly": weekly_chart(fetch),
        "movements": movements_chart(fetch),
        "providers": providers_chart(fetch),
    }


@callback(
    Output("home-refresh", "disabled"), Input("home-auto", "value"), prevent_initial_call=True
)
def toggle_refresh(enabled):
    """Turn the 5-minute auto-refresh on or off."""
    return not enabled


@callback(
    Output("home-today", "children"),
    Output("home-deliveries", "children"),
    Output("home-alerts", "children"),
    Output("home-recent", "children"),
    Output("home-kpis", "children"),
    Output("home-updated", "children"),
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


# ---- Today: deliveries due, late orders, out of stock, invoices, pending orders, what to order.


def _late_and_due(orders):
    if orders is None:
        return None, None
    late = orders["dias_atraso"] > 0
    return orders[~late], orders[late]


def today_cards(fetch, low_stock, undelivered) -> list:
    """Return today's cards from the metrics of /api/today and /api/low-stock (`undelivered`:
    the frame of queries.UNDELIVERED, None when the database failed)."""
    due, late = _late_and_due(undelivered)
    counts = fetch(queries.TODAY_COUNTS)
    if due is None or counts is None or low_stock is None:
        return [components.empty_state("Sin datos: la base no respondió.")]
    counts = counts.iloc[0]
    out = int((low_stock["stock_actual"] <= 0).sum())
    worst = f"el más atrasado: {fmt_int(late['dias_atraso'].max())} días" if len(late) else None
    return [
        _today_card("Entregas para hoy", fmt_int(len(due)), "entregas_hoy", "home-today-due"),
        _today_card(
            "Pedidos atrasados",
            fmt_int(len(late)),
            "atrasados",
            "home-today-late",
            worst,
            alert=len(late) > 0,
        ),
        _today_card(
            "Productos sin stock", fmt_int(out), "sin_stock", "home-today-out", alert=out > 0
        ),
        _today_card(
            "Facturas por procesar",
            html.A(
                fmt_int(counts["facturas_sin_procesar"]),
                # The same invoices listed: every unprocessed one, whatever its date.
                href=UNPROCESSED_VIEW,
                id="home-today-invoices-link",
                **{
                    "aria-label": f"{fmt_int(counts['facturas_sin_procesar'])} "
                    "facturas por procesar: ver en «Facturas»"
                },
            ),
            "facturas_sin_procesar",
            "home-today-invoices",
            "ver en «Facturas»",
        ),
        _today_card(
            "Pedidos pendientes",
            fmt_int(counts["pendientes"]),
            "pendientes",
            "home-today-pending",
            "ni entregados ni cancelados",
        ),
        _today_card(
            "Qué pedir hoy",
            html.A("Ver →", href="/compras"),
            "que_pedir",
            "home-today-order",
            f"{fmt_int(len(low_stock))} productos bajo el mínimo",
        ),
    ]


def _today_card(title, value, help_key, card_id, note=None, alert=False) -> dbc.Col:
    card = components.kpi_card(title, value, note, help_text=HELP[help_key], card_id=card_id)
    card.children.className += " today-card" + (" today-alert" if alert else "")
    card.xl = True  # six equal cards in one row on a desktop
    return card


def deliveries(orders):
    """List the orders due today, then the late ones (most days late first), with totals
    (`orders`: the frame of queries.UNDELIVERED, None when the database failed)."""
    if orders is None or orders.empty:
        text = "Sin datos." if orders is None else "Nada para recibir hoy ni atrasado."
        return components.empty_state(text)
    # Today's first, then the late ones (most days late first); a long tail stays in the CSV,
    # since thousands of rows would make the page slow on a phone.
    ordered = pd.concat([orders[orders["dias_atraso"] == 0], orders[orders["dias_atraso"] > 0]])
    items = [_delivery_item(row) for row in ordered.head(DELIVERIES_SHOWN).itertuples()]
    listing = components.item_list(items, "alerts low-stock-list")
    if len(ordered) <= DELIVERIES_SHOWN:
        return listing
    note = (
        f"Se muestran {fmt_int(DELIVERIES_SHOWN)} de {fmt_int(len(ordered))}: "
        "el CSV de este panel tiene todos."
    )
    return [listing, html.Div(note, className="small text-muted mt-1", id="home-deliveries-more")]


def _delivery_item(row) -> dict:
    late = row.dias_atraso > 0
    expected = fmt_date(date.fromisoformat(row.fecha_entrega_esperada))
    return {
        "cls": "delivery-item",
        "title": row.numero_pedido,
        "after": f" · {row.proveedor or 'Sin proveedor'}",
        "badge": f"{fmt_int(row.dias_atraso)} días de atraso" if late else "hoy",
        "tone": "danger" if late else "primary",
        "detail": f"esperado el {expected} · {fmt_money(row.total)}",
    }


def alerts(frame):
    """List every product below its minimum stock, worst first, each with a link to order it."""
    if frame is None or frame.empty:
        text = "Sin datos." if frame is None else "Ningún producto está bajo su stock mínimo."
        return components.empty_state(text)
    out = int((frame["stock_actual"] <= 0).sum())
    count = html.Div(
        [
            html.Span(
                f"{fmt_int(len(frame))} productos",
                className="low-stock-count",
                id="home-low-stock-count",
            ),
            f" bajo el mínimo · {fmt_int(out)} sin stock",
        ],
        className="small mb-1",
    )
    items = [_alert_item(row) for row in frame.itertuples()]
    return [count, components.item_list(items, "alerts low-stock-list")]


def order_href(proveedor: str | None) -> str:
    """Return «Qué pedir» filtered by the product's provider (all providers without one)."""
    return "/compras?" + urlencode({"proveedor": proveedor}) if proveedor else "/compras"


def _alert_item(row) -> dict:
    return {
        "cls": "low-stock-item",
        "title": row.producto,
        "badge": f"faltan {fmt_int(row.faltan)}",
        "tone": "danger" if row.stock_actual <= 0 else "warning",
        "detail": f"{row.proveedor or 'Sin proveedor'} · stock {fmt_int(row.stock_actual)}"
        f" de mínimo {fmt_int(row.stock_minimo)} · ",
        "link": "Qué pedir →",
        "href": order_href(row.proveedor),
    }


# ---- The last days: money and orders with their change, then the all-time totals.


def recent_cards(fetch, today) -> list:
    """Return money, orders, movements and the top provider of the last days, with changes."""
    summary = fetch(queries.SUMMARY)
    current, previous = last_30_days(today)
    spent, spent_before = fetch(queries.SPENDING, current), fetch(queries.SPENDING, previous)
    if summary is None or spent is None:
        return [components.empty_state("Sin datos: la base no respondió.")]
    row = summary.iloc[0]
    money = float(spent["importe"].sum())
    before = None if spent_before is None else float(spent_before["importe"].sum())
    top = row["proveedor_top_nombre"]
    top_note = f"{fmt_int(row['proveedor_top_pedidos'])} pedidos en 30 días"
    return [
        components.kpi_card(
            "Compras · últimos 30 días",
            fmt_money(money, short=True),
            f"{fmt_money(money)} · vs. 30 días anteriores",
            components.delta_badge(_change(money, before)),
            HELP["compras_30d"],
            "home-money",
        ),
        components.kpi_card(
            "Pedidos · últimos 30 días",
            fmt_int(row["pedidos_mes"]),
            "vs. 30 días anteriores",
            components.delta_badge(_change(row["pedidos_mes"], _previous(fetch, 30, "pedidos"))),
            HELP["pedidos_30d"],
        ),
        components.kpi_card(
            "Movimientos · últimos 7 días",
            fmt_int(row["movimientos_semana"]),
            "vs. 7 días anteriores",
            components.delta_badge(
                _change(row["movimientos_semana"], _previous(fetch, 7, "movimientos"))
            ),
            HELP["movimientos_7d"],
        ),
        components.kpi_card(
            "Proveedor con más pedidos",
            top,
            top_note if top != "N/A" else None,
            help_text=HELP["proveedor_top"],
        ),
    ]


def kpis(fetch) -> list:
    """Return the all-time totals of /api/summary."""
    summary = fetch(queries.SUMMARY)
    if summary is None:
        return [components.empty_state("Sin datos: la base no respondió.")]
    return kpi_cards(summary.iloc[0])


def _history_note(fetch) -> str:
    """Say when the store's summaries were last refreshed, when there are usable ones."""
    state = fetch(queries.SUMMARY_FRESHNESS)
    if state is None or state.empty:
        return ""
    built = state.iloc[0]["actualizado"]
    return f" · históricos al {built:%d/%m} {fmt_time(built)}"


def _previous(fetch, days: int, column: str) -> int | None:
    """Return `column` of the `days` days before the last `days` (rolling windows): the last
    2 × days minus the last days."""
    both = fetch(queries.ACTIVITY, Filters(days=2 * days))
    last = fetch(queries.ACTIVITY, Filters(days=days))
    if both is None or last is None:
        return None
    return int(both.iloc[0][column]) - int(last.iloc[0][column])


TOTALS = (
    ("Proveedores activos", "total_proveedores", "proveedores_activos"),
    ("Pedidos (total)", "total_pedidos", "pedidos_total"),
    ("Unidades pedidas (total)", "total_productos_pedidos", "unidades_total"),
    ("Movimientos de stock (total)", "total_movimientos", "movimientos_total"),
    ("Facturas procesadas (total)", "facturas_procesadas", "facturas_procesadas"),
)


def kpi_cards(row) -> list:
    """Return the all-time cards of the summary, each with its definition."""
    cards = [
        components.kpi_card(title, fmt_int(row[column]), help_text=HELP[key])
        for title, column, key in TOTALS
    ]
    for card in cards:
        card.xl = True  # five equal cards in one row on a desktop
    return cards


def _change(current, previous):
    return None if previous is None else pct_change(float(current), float(previous))


def weekly_chart(fetch):
    """Draw orders per ISO week for the last 12 weeks."""
    frame = fetch(queries.WEEKLY_SALES, Filters(weeks=WEEKS))
    if frame is None:
        return components.chart("home-weekly", charts.empty_figure())
    today = clock.today()
    weeks = iso_weeks(today - timedelta(weeks=WEEKS - 1), today)
    marked = periods(weeks, None, today, today)  # the running week is partial
    return components.chart("home-weekly", charts.orders_per_week(frame, weeks, marked), "Semana")


def movements_chart(fetch):
    """Draw stock movements per day and kind for the last 30 days."""
    frame = fetch(queries.STOCK_TIMELINE, Filters(days=DAYS))
    if frame is None:
        return components.chart("home-movements", charts.empty_figure())
    days = days_until(clock.today(), DAYS + 1)
    return components.chart("home-movements", charts.movements_per_day(frame, days), "Día")


def providers_chart(fetch):
    """Draw the providers with most orders in the last 30 days."""
    frame = fetch(queries.ORDERS_BY_PROVIDER, Filters(days=DAYS, limit=10))
    figure = charts.empty_figure() if frame is None else charts.top_providers(frame)
    return components.chart("home-providers", figure, "Proveedor")


@callback(
    Output({"type": "dl", "page": PAGE, "name": MATCH}, "data"),
    Input({"type": "dl-btn", "page": PAGE, "name": MATCH}, "n_clicks"),
    Input({"type": components.XLSX_BUTTON, "page": PAGE, "name": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
def download(_clicks, _excel_clicks):
    """Send the data of the clicked panel as CSV or Excel, named after it and today's date."""
    name = dash.ctx.triggered_id["name"]
    metric, filters, stem = DOWNLOADS[name]
    frame = components.fetch_or_none(PAGE, metric, filters)
    if frame is None:
        return dash.no_update
    today = clock.today()
    return components.table_download(frame, file_name(stem, today), dash.ctx.triggered_id)
