"""Análisis: charts driven by a date range and a provider kept in the URL (shareable views)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, dcc, html

from minimarket_dash import charts, clock, components
from minimarket_dash.csvexport import file_name, filter_parts
from minimarket_dash.dashboard import query_from_search, search_from_filters, url_state
from minimarket_dash.filters import Filters, clean_proveedor
from minimarket_dash.formatting import fmt_date, iso_weeks, week_monday

dash.register_page(__name__, path="/analytics", title="Análisis · Mini Market", order=2)

PAGE = "analytics"
PRESETS = (
    ("hoy", "Hoy"), ("7d", "7 días"), ("30d", "30 días"),
    ("mes", "Este mes"), ("mes-anterior", "Mes anterior"), ("12m", "12 meses"),
)
TOP_LIMIT = 20
DEFAULT_WEEKS = 12
DEFAULT_DAYS = 30
PRODUCT_COLUMNS = (
    ("producto", "Producto", False),
    ("cantidad_total", "Unidades", True),
    ("pedidos", "Pedidos", True),
    ("proveedor", "Proveedor principal", False),
)


def layout(start_date=None, end_date=None, proveedor=None, **_other):
    """Return the analysis page with its controls set from the URL's query string."""
    state = url_state({"start_date": start_date, "end_date": end_date, "proveedor": proveedor})
    return html.Div(
        [
            # The URL's filters as the initial `search`: the charts start loading as soon as the
            # page renders, instead of after the location reports itself.
            dcc.Location(id="analytics-url", refresh=False,
                         search=search_from_filters(state.filters)),
            components.page_header("Análisis", "Filtrá por fechas y proveedor; el enlace "
                                   "guarda la vista para compartirla."),
            components.db_banner(PAGE),
            html.Div(components.notice(state.notices), id="analytics-notice"),
            filter_bar(state.filters),
            html.Div(id="analytics-summary", className="small text-muted mb-2",
                     **{"aria-live": "polite"}),
            _charts(),
        ]
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def filter_bar(filters: Filters) -> dbc.Card:
    """Return the date range, provider and preset controls, each with a label."""
    presets = html.Div(
        [dbc.Button(label, id={"type": "preset", "key": key}, outline=True, color="primary",
                    size="sm") for key, label in PRESETS],
        className="presets d-flex flex-wrap", role="group", id="analytics-filter-presets",
        **{"aria-label": "Períodos rápidos"},
    )
    fields = [
        _field("Desde", dcc.Input(id="analytics-start", type="date", value=_iso(
            filters.start_date), className="form-control", debounce=True)),
        _field("Hasta", dcc.Input(id="analytics-end", type="date", value=_iso(
            filters.end_date), className="form-control", debounce=True)),
        _field("Proveedor", dcc.Input(
            id="analytics-proveedor", type="search", list="analytics-proveedores",
            value=filters.proveedor or "", placeholder="Todos (elegí o escribí)",
            debounce=True, className="form-control", autoComplete="off",
        ), md=4),
    ]
    clear = dbc.Col(dbc.Button("Limpiar", id="analytics-clear", color="secondary",
                               outline=True, className="w-100"), xs=12, md=2,
                    className="d-flex align-items-end mb-2")
    return dbc.Card(dbc.CardBody([
        dbc.Row([*fields, clear], className="g-2"),
        html.Datalist(id="analytics-proveedores"),
        presets,
    ]), className="mb-3 filter-bar")


def _field(label: str, control, md: int = 3) -> dbc.Col:
    html_for = control.id
    return dbc.Col([html.Label(label, htmlFor=html_for, className="form-label small mb-1"),
                    control], xs=6 if md == 3 else 12, md=md, className="mb-2")


def _charts() -> html.Div:
    card = components.graph_card
    return html.Div([
        dbc.Row([
            dbc.Col(card(PAGE, "productos", "Productos más pedidos", "analytics-top",
                         "Unidades en el período · clic en una barra: filtra por su proveedor"),
                    lg=6, className="mb-3"),
            dbc.Col(components.card(
                "Productos más pedidos (tabla)",
                html.Div([components.data_table("analytics-top-table", PRODUCT_COLUMNS, 5),
                          html.Div(id="analytics-top-empty")]),
                PAGE, "productos-tabla", f"Los {TOP_LIMIT} primeros, de a 5 por página"),
                lg=6, className="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(card(PAGE, "tendencia", "Pedidos y proveedores activos por mes",
                         "analytics-trends", "Período elegido (sin fechas: últimos 12 meses)"),
                    lg=6,
                    className="mb-3"),
            dbc.Col(card(PAGE, "movimientos", "Movimientos de stock por mes y tipo",
                         "analytics-movements",
                         "Período elegido (sin fechas: últimos 12 meses)"), lg=6,
                    className="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(card(PAGE, "semanas", "Pedidos por semana ISO", "analytics-weekly",
                         "Semanas de lunes a domingo del período (sin fechas: últimas 12)"),
                    lg=6, className="mb-3"),
            dbc.Col(card(PAGE, "stock-proveedor", "Stock neto por proveedor", "analytics-stock",
                         "Entradas − salidas + ajustes, histórico · clic: filtra por él"),
                    lg=6, className="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(card(PAGE, "linea-stock", "Línea de tiempo de movimientos de stock",
                         "analytics-timeline",
                         "Unidades por día del período (sin fechas: últimos 30 días)"),
                    className="mb-3"),
        ]),
    ])


# ---- URL state: the controls write the URL; the URL (also on back/forward) sets the controls.


@callback(
    Output("analytics-url", "search"),
    Output("analytics-start", "value"),
    Output("analytics-end", "value"),
    Output("analytics-proveedor", "value"),
    Output("analytics-notice", "children"),
    Input("analytics-url", "search"),
    Input("analytics-start", "value"),
    Input("analytics-end", "value"),
    Input("analytics-proveedor", "value"),
    Input({"type": "preset", "key": ALL}, "n_clicks"),
    Input("analytics-clear", "n_clicks"),
    prevent_initial_call=True,
)
def sync(search, start, end, proveedor, _presets, _clear):
    """Keep the URL and the controls in step, whichever of them changed."""
    trigger = dash.ctx.triggered_id
    if trigger == "analytics-url":
        state = url_state(query_from_search(search))
        filters = state.filters
        return (dash.no_update, _iso(filters.start_date), _iso(filters.end_date),
                filters.proveedor or "", components.notice(state.notices))
    controls = Filters(start_date=_day(start), end_date=_day(end),
                       proveedor=clean_proveedor(proveedor))
    filters = _apply(trigger, _ordered(controls))
    new_search = search_from_filters(filters)
    return (new_search if new_search != (search or "") else dash.no_update,
            _iso(filters.start_date), _iso(filters.end_date), filters.proveedor or "", None)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _ordered(filters: Filters) -> Filters:
    """Swap the dates when the range was entered backwards."""
    if filters.start_date and filters.end_date and filters.start_date > filters.end_date:
        return replace(filters, start_date=filters.end_date, end_date=filters.start_date)
    return filters


def _apply(trigger, filters: Filters) -> Filters:
    """Return the filters after the control that fired: a preset, clear, or a date/provider."""
    if trigger == "analytics-clear":
        return Filters()
    if isinstance(trigger, dict) and trigger.get("type") == "preset":
        start, end = preset_range(trigger["key"], clock.today())
        return replace(filters, start_date=start, end_date=end)
    return filters


@callback(
    Output("analytics-url", "search", allow_duplicate=True),
    Input("analytics-top", "clickData"),
    State("analytics-url", "search"),
    prevent_initial_call=True,
)
def filter_by_product_bar(click, search):
    """Cross-filter: a product bar filters everything by that product's main provider."""
    if not click:
        return dash.no_update
    return _with_provider(search, click["points"][0]["customdata"][1])


@callback(
    Output("analytics-url", "search", allow_duplicate=True),
    Input("analytics-stock", "clickData"),
    State("analytics-url", "search"),
    prevent_initial_call=True,
)
def filter_by_provider_bar(click, search):
    """Cross-filter: a provider bar filters everything by that provider."""
    if not click:
        return dash.no_update
    return _with_provider(search, click["points"][0]["customdata"][0])


def _with_provider(search: str | None, nombre: str) -> str:
    filters = replace(_filters(search), proveedor=clean_proveedor(nombre))
    return search_from_filters(filters)


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def preset_range(key: str, today: date) -> tuple[date, date]:
    """Return the inclusive days of a preset: Hoy, 7 días, 30 días, Este mes, Mes anterior..."""
    if key == "mes-anterior":
        return _month_start(today, 1), _month_start(today, 0) - timedelta(days=1)
    starts = {
        "hoy": today,
        "7d": today - timedelta(days=6),
        "30d": today - timedelta(days=29),
        "mes": _month_start(today, 0),
        "12m": _month_start(today, 11),
    }
    return starts[key], today


@callback(Output("analytics-summary", "children"), Input("analytics-url", "search"))
def describe(search):
    """Say in words which filter the charts show."""
    filters = url_state(query_from_search(search)).filters
    start, end = filters.start_date, filters.end_date
    if start or end:
        period = f"Del {fmt_date(start) if start else 'inicio'} al " \
                 f"{fmt_date(end) if end else 'hoy'}"
    else:
        period = "Todas las fechas (tendencias: últimos 12 meses)"
    provider = f" · proveedor «{filters.proveedor}»" if filters.proveedor else " · todos los " \
        "proveedores"
    return period + provider


@callback(Output("analytics-proveedores", "children"), Input("analytics-url", "pathname"))
def provider_options(_path):
    """Offer the active providers' names in the provider box."""
    frame = components.fetch_or_none(PAGE, "provider_names")
    if frame is None:
        return []
    return [html.Option(value=name) for name in frame["nombre"]]


# ---- Data of each chart: the same frame feeds the chart and its CSV.


def _filters(search: str | None) -> Filters:
    return url_state(query_from_search(search)).filters


def top_frame(filters: Filters):
    """Top products for the filter (same query as /api/top-products)."""
    return components.fetch_or_none(PAGE, "top_products", replace(filters, limit=TOP_LIMIT))


def trends_frame(filters: Filters):
    """Orders and ordering providers per month (as /api/trends with months=12)."""
    return components.fetch_or_none(PAGE, "monthly_orders", replace(filters, months=12))


def movements_frame(filters: Filters):
    """Movements per month and kind (as /api/trends with months=12)."""
    return components.fetch_or_none(PAGE, "monthly_movements", replace(filters, months=12))


def stock_frame(_filters: Filters):
    """Net stock of the 15 providers with most stock (as /api/stock-by-provider?limit=15)."""
    return components.fetch_or_none(PAGE, "stock_by_provider", Filters(limit=15))


def weekly_frame(filters: Filters):
    """ISO weeks of the chosen dates and provider (the last 12 weeks without dates)."""
    return components.fetch_or_none(PAGE, "weekly_sales", replace(filters, weeks=DEFAULT_WEEKS))


def timeline_frame(filters: Filters):
    """Movements per day of the chosen dates and provider (the last 30 days without dates)."""
    frame = components.fetch_or_none(PAGE, "stock_timeline", replace(filters, days=DEFAULT_DAYS))
    if frame is None:
        return None
    return frame.sort_values(["fecha", "tipo"]).reset_index(drop=True)


# ---- Charts.


@callback(
    components.chart_output("analytics-top"),
    Output("analytics-top-table", "data"),
    Output("analytics-top-empty", "children"),
    Input("analytics-url", "search"),
)
def update_top(search):
    """Draw the top products and fill their table."""
    frame = top_frame(_filters(search))
    if frame is None or frame.empty:
        empty = components.chart("analytics-top", charts.empty_figure())
        return empty, [], components.empty_state()
    chart = components.chart("analytics-top", charts.top_products(frame))
    return chart, frame.to_dict("records"), None


def _figure(graph_id: str, builder, frame, *args):
    figure = charts.empty_figure() if frame is None else builder(frame, *args)
    return components.chart(graph_id, figure)


@callback(components.chart_output("analytics-trends"), Input("analytics-url", "search"))
def update_trends(search):
    """Draw orders and active providers per month."""
    return _figure("analytics-trends", charts.monthly_orders, trends_frame(_filters(search)))


@callback(components.chart_output("analytics-movements"), Input("analytics-url", "search"))
def update_movements(search):
    """Draw movements per month and kind."""
    frame = movements_frame(_filters(search))
    return _figure("analytics-movements", charts.monthly_movements, frame)


@callback(components.chart_output("analytics-stock"), Input("analytics-url", "search"))
def update_stock(search):
    """Draw net stock per provider, outlining the selected one."""
    filters = _filters(search)
    frame = stock_frame(filters)
    return _figure("analytics-stock", charts.stock_by_provider, frame, filters.proveedor)


@callback(components.chart_output("analytics-weekly"), Input("analytics-url", "search"))
def update_weekly(search):
    """Draw orders per ISO week, every week of the range shown (0 when none)."""
    frame = weekly_frame(_filters(search))
    if frame is None or frame.empty:
        return components.chart("analytics-weekly", charts.empty_figure())
    first, last = week_monday(frame["semana"].iloc[0]), week_monday(frame["semana"].iloc[-1])
    figure = charts.orders_per_week(frame, iso_weeks(first, last))
    return components.chart("analytics-weekly", figure)


@callback(components.chart_output("analytics-timeline"), Input("analytics-url", "search"))
def update_timeline(search):
    """Draw the daily stock movement timeline."""
    return _figure("analytics-timeline", charts.stock_timeline, timeline_frame(_filters(search)))


# ---- Downloads: the chart's own frame, named after the filter.

FRAMES = {
    "productos": (top_frame, "productos-top"),
    "productos-tabla": (top_frame, "productos-top"),
    "tendencia": (trends_frame, "pedidos-por-mes"),
    "movimientos": (movements_frame, "movimientos-por-mes"),
    "semanas": (weekly_frame, "pedidos-por-semana"),
    "stock-proveedor": (stock_frame, "stock-por-proveedor"),
    "linea-stock": (timeline_frame, "movimientos-por-dia"),
}


@callback(
    Output({"type": "dl", "page": PAGE, "name": MATCH}, "data"),
    Input({"type": "dl-btn", "page": PAGE, "name": MATCH}, "n_clicks"),
    State("analytics-url", "search"),
    prevent_initial_call=True,
)
def download(_clicks, search):
    """Send the clicked chart's data as CSV, with the filter in the file name."""
    builder, stem = FRAMES[dash.ctx.triggered_id["name"]]
    filters = _filters(search)
    frame = builder(filters)
    if frame is None:
        return dash.no_update
    return components.csv_download(frame, file_name(stem, *filter_parts(filters)))
