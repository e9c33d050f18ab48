"""Análisis: charts driven by a date range and a provider kept in the URL (shareable views).

Monthly charts mark the months only partly inside the range (or still running) as «parcial»,
and switch to ISO weeks for ranges shorter than about two months (periods.py). Money comes
from the "spending" metric of /api/spending; «Stock neto por proveedor» ignores the filter and
sits apart, below it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, dcc, html

from minimarket_dash import charts, clock, components, queries
from minimarket_dash.csvexport import file_name, filter_parts
from minimarket_dash.dashboard import query_from_search, search_from_filters
from minimarket_dash.definitions import HELP
from minimarket_dash.filters import Filters, clean_proveedor, read_filters
from minimarket_dash.formatting import fmt_date, fmt_int, iso_week, iso_weeks, week_monday
from minimarket_dash.metric import Metric
from minimarket_dash.periods import is_short, periods, week_filters
from minimarket_dash.queries.spending import by_month, by_provider

dash.register_page(__name__, path="/analytics", title="Análisis · Mini Market", order=2)

PAGE = "analytics"
PRESETS = (
    ("hoy", "Hoy"),
    ("7d", "7 días"),
    ("30d", "30 días"),
    ("mes", "Este mes"),
    ("mes-anterior", "Mes anterior"),
    ("12m", "12 meses"),
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
    state = read_filters({"start_date": start_date, "end_date": end_date, "proveedor": proveedor})
    return html.Div(
        [
            # The URL's filters as the initial `search`: the charts start loading as soon as the
            # page renders, instead of after the location reports itself.
            dcc.Location(
                id="analytics-url", refresh=False, search=search_from_filters(state.filters)
            ),
            components.page_header(
                "Análisis",
                "Filtrá por fechas y proveedor; el enlace guarda la vista para compartirla.",
            ),
            components.db_banner(PAGE),
            html.Div(components.notice(state.notices), id="analytics-notice"),
            filter_bar(state.filters),
            html.Div(
                id="analytics-summary", className="small text-muted mb-2", **{"aria-live": "polite"}
            ),
            _charts(),
            components.url_chart_stores("analytics-url", CHARTS),
        ]
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def filter_bar(filters: Filters) -> dbc.Card:
    """Return the date range, provider and preset controls, each with a label."""
    presets = html.Div(
        [
            dbc.Button(
                label, id={"type": "preset", "key": key}, outline=True, color="primary", size="sm"
            )
            for key, label in PRESETS
        ],
        className="presets d-flex flex-wrap",
        role="group",
        id="analytics-filter-presets",
        **{"aria-label": "Períodos rápidos"},
    )
    fields = [
        _field("Desde", components.date_picker("analytics-start", _iso(filters.start_date))),
        _field("Hasta", components.date_picker("analytics-end", _iso(filters.end_date))),
        _field(
            "Proveedor",
            dcc.Input(
                id="analytics-proveedor",
                type="search",
                list="analytics-proveedores",
                value=filters.proveedor or "",
                placeholder="Todos (elegí o escribí)",
                debounce=True,
                className="form-control",
                autoComplete="off",
            ),
            md=4,
        ),
    ]
    clear = dbc.Col(
        dbc.Button(
            "Limpiar", id="analytics-clear", color="secondary", outline=True, className="w-100"
        ),
        xs=12,
        md=2,
        className="d-flex align-items-end mb-2",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Row([*fields, clear], className="g-2"),
                html.Datalist(id="analytics-proveedores"),
                presets,
            ]
        ),
        className="mb-3 filter-bar",
    )


def _field(label: str, control, md: int = 3) -> dbc.Col:
    html_for = control.id
    return dbc.Col(
        [html.Label(label, htmlFor=html_for, className="form-label small mb-1"), control],
        xs=6 if md == 3 else 12,
        md=md,
        className="mb-2",
    )


PERIOD_CAPTION = (
    "Por mes (por semana si el rango tiene menos de 2 meses); sin fechas: últimos 12 meses"
)


# The filtered charts, two per row on a desktop: (CSV name, title, graph id, caption, help key).
CHART_ROWS = (
    (
        (
            "tendencia",
            "Pedidos y proveedores con pedidos",
            "analytics-trends",
            PERIOD_CAPTION,
            "tendencia",
        ),
        (
            "movimientos",
            "Movimientos de stock por tipo",
            "analytics-movements",
            PERIOD_CAPTION,
            "movimientos_mes",
        ),
    ),
    (
        (
            "compras-mes",
            "Compras en $",
            "analytics-money",
            PERIOD_CAPTION + " · sin pedidos cancelados",
            "compras_mes",
        ),
        (
            "compras-proveedor",
            "Compras en $ por proveedor",
            "analytics-money-providers",
            "Los 10 con más compras del período (sin fechas: últimos 12 meses)",
            "compras_proveedor",
        ),
    ),
    (
        (
            "semanas",
            "Pedidos por semana ISO",
            "analytics-weekly",
            "Semanas de lunes a domingo del período (sin fechas: últimas 12)",
            "semanas_iso",
        ),
        (
            "estados",
            "Pedidos por estado",
            "analytics-states",
            "Período elegido (sin fechas: todas) · cancelados aparte",
            "estados",
        ),
    ),
    (
        (
            "linea-stock",
            "Línea de tiempo de movimientos de stock",
            "analytics-timeline",
            "Unidades por día del período (sin fechas: últimos 30 días)",
            "linea_stock",
        ),
    ),
)


def _col(content, **width) -> dbc.Col:
    return dbc.Col(content, className="mb-3", **width)


def _chart_row(specs) -> dbc.Row:
    width = {"lg": 6} if len(specs) > 1 else {}
    return dbc.Row(
        [
            _col(
                components.graph_card(PAGE, name, title, graph_id, caption, help_text=HELP[key]),
                **width,
            )
            for name, title, graph_id, caption, key in specs
        ]
    )


def _top_products_row() -> dbc.Row:
    return dbc.Row(
        [
            _col(
                components.graph_card(
                    PAGE,
                    "productos",
                    "Productos más pedidos",
                    "analytics-top",
                    "Unidades en el período · tocá una barra para ver su nombre y filtrar por su "
                    "proveedor",
                    help_text=HELP["productos_top"],
                    tap=True,
                ),
                lg=6,
            ),
            _col(
                components.card(
                    "Productos más pedidos (tabla)",
                    html.Div(
                        [
                            components.phone_columns(
                                "analytics-top-table",
                                PRODUCT_COLUMNS,
                                ("producto", "cantidad_total"),
                                "proveedor",
                            ),
                            components.data_table("analytics-top-table", PRODUCT_COLUMNS, 5),
                            html.Div(id="analytics-top-empty"),
                        ]
                    ),
                    PAGE,
                    "productos-tabla",
                    f"Los {TOP_LIMIT} primeros, de a 5 por página",
                    HELP["productos_top"],
                ),
                lg=6,
            ),
        ]
    )


def _outside_filter() -> html.Div:
    return html.Div(
        [
            html.H2("Fuera del filtro", className="section-title"),
            html.P(
                "No depende de las fechas ni del proveedor elegidos.",
                className="small text-muted mb-2",
            ),
            dbc.Row(
                [
                    _col(
                        components.graph_card(
                            PAGE,
                            "stock-proveedor",
                            "Stock neto por proveedor",
                            "analytics-stock",
                            "Entradas − salidas + ajustes, histórico · tocá una barra para ver "
                            "su nombre y filtrar por él",
                            help_text=HELP["stock_proveedor"],
                            tap=True,
                        ),
                        lg=6,
                    )
                ]
            ),
        ],
        className="outside-filter",
        id="analytics-outside-filter",
    )


def _charts() -> html.Div:
    return html.Div([_top_products_row(), *map(_chart_row, CHART_ROWS), _outside_filter()])


components.phone_columns_callback("analytics-top-table")


# ---- URL state: the controls write the URL; the URL (also on back/forward) sets the controls.


@callback(
    Output("analytics-url", "search"),
    Output("analytics-start", "date"),
    Output("analytics-end", "date"),
    Output("analytics-proveedor", "value"),
    Output("analytics-notice", "children"),
    Input("analytics-url", "search"),
    Input("analytics-start", "date"),
    Input("analytics-end", "date"),
    Input("analytics-proveedor", "value"),
    Input({"type": "preset", "key": ALL}, "n_clicks"),
    Input("analytics-clear", "n_clicks"),
    prevent_initial_call=True,
)
def sync(search, start, end, proveedor, _presets, _clear):
    """Keep the URL and the controls in step, whichever of them changed."""
    trigger = dash.ctx.triggered_id
    if trigger == "analytics-url":
        state = read_filters(query_from_search(search))
        filters = state.filters
        return (
            dash.no_update,
            _iso(filters.start_date),
            _iso(filters.end_date),
            filters.proveedor or "",
            components.notice(state.notices),
        )
    controls = read_filters({"start_date": start, "end_date": end, "proveedor": proveedor})
    filters = _apply(trigger, controls.filters)
    new_search = search_from_filters(filters)
    changed = new_search != (search or "")
    # The date pickers report their value once when drawn: that changes nothing and must not
    # hide the notice about the link's ignored values.
    notice = components.notice(controls.notices) if controls.notices else None
    # A control is written back only when its value changes (a preset, «Limpiar», a value
    # dropped): rewriting every control wiped what the manager was typing in another one
    # while this answer was on its way.
    return (
        new_search if changed else dash.no_update,
        _changed(_iso(filters.start_date), start),
        _changed(_iso(filters.end_date), end),
        _changed(filters.proveedor or "", proveedor or ""),
        notice if changed or controls.notices else dash.no_update,
    )


def _changed(new, current):
    """Return `new` for a control, or no_update when it already shows that value."""
    return dash.no_update if new == current else new


def _apply(trigger, filters: Filters) -> Filters:
    """Return the filters after the control that fired: a preset, clear, or a date/provider."""
    if trigger == "analytics-clear":
        return Filters()
    if isinstance(trigger, dict) and trigger.get("type") == "preset":
        start, end = preset_range(trigger["key"], clock.today())
        return replace(filters, start_date=start, end_date=end)
    return filters


# ---- A tap on a bar shows its whole name and figures; «Filtrar por …» applies the filter.


def _tapped_product(point: dict) -> tuple:
    """Name the tapped product with its figures and offer to filter by its main provider."""
    orders, provider, product = point["customdata"]
    figures = [
        f"{fmt_int(point['x'])} unidades",
        f"{fmt_int(orders)} pedidos",
        f"proveedor principal: {provider}",
    ]
    action = None if provider == charts.NO_PROVIDER else f"Filtrar por {provider}"
    return components.tapped(product, figures, action)


def _tapped_provider(point: dict) -> tuple:
    """Name the tapped provider with its net stock and offer to filter by it."""
    provider = point["customdata"][0]
    return components.tapped(
        provider, [f"stock neto {fmt_int(point['x'])} u."], f"Filtrar por {provider}"
    )


components.name_on_tap("analytics-top", _tapped_product, clear_with="analytics-url")
components.name_on_tap("analytics-stock", _tapped_provider, clear_with="analytics-url")


def _with_provider(search: str | None, nombre: str) -> str:
    filters = replace(_filters(search), proveedor=clean_proveedor(nombre))
    return search_from_filters(filters)


# «Filtrar por …» under the top products (their main provider) and the net stock chart.
components.filter_on_request("analytics-url", "analytics-top", 1, _with_provider)
components.filter_on_request("analytics-url", "analytics-stock", 0, _with_provider)


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
    filters = read_filters(query_from_search(search)).filters
    start, end = filters.start_date, filters.end_date
    if start or end:
        period = (
            f"Del {fmt_date(start) if start else 'inicio'} al {fmt_date(end) if end else 'hoy'}"
        )
    else:
        period = "Todas las fechas (tendencias: últimos 12 meses)"
    provider = (
        f" · proveedor «{filters.proveedor}»" if filters.proveedor else " · todos los proveedores"
    )
    return period + provider


@callback(Output("analytics-proveedores", "children"), Input("analytics-url", "pathname"))
def provider_options(_path):
    """Offer the active providers' names in the provider box."""
    frame = components.fetch_or_none(PAGE, queries.PROVIDER_NAMES)
    if frame is None:
        return []
    return [html.Option(value=name) for name in frame["nombre"]]


# ---- Data of each chart: the same frame feeds the chart and its CSV.


def _filters(search: str | None) -> Filters:
    return read_filters(query_from_search(search)).filters


def top_frame(filters: Filters):
    """Top products for the filter (same query as /api/top-products)."""
    return components.fetch_or_none(PAGE, queries.TOP_PRODUCTS, replace(filters, limit=TOP_LIMIT))


def _fetch(metric: Metric, filters: Filters):
    return components.fetch_or_none(PAGE, metric, filters)


def trends_frame(filters: Filters):
    """Orders and ordering providers per month (as /api/trends), or orders per ISO week."""
    if is_short(filters):
        frame = weekly_frame(filters)
        return None if frame is None else frame[["semana", "pedidos"]]
    return _fetch(queries.MONTHLY_ORDERS, replace(filters, months=12))


def movements_frame(filters: Filters):
    """Movements per month and kind (as /api/trends), or per ISO week from the daily rows."""
    if not is_short(filters):
        return _fetch(queries.MONTHLY_MOVEMENTS, replace(filters, months=12))
    daily = _fetch(queries.STOCK_TIMELINE, replace(filters, days=DEFAULT_DAYS))
    if daily is None:
        return None
    weeks = [iso_week(date.fromisoformat(str(day)[:10])) for day in daily["fecha"]]
    grouped = daily.assign(semana=weeks).groupby(["semana", "tipo"], as_index=False)
    return grouped["movimientos"].sum()


def money_frame(filters: Filters):
    """Money per month (/api/spending's por_mes), or per ISO week of a short range."""
    if not is_short(filters):
        cells = _fetch(queries.SPENDING, filters)
        return None if cells is None else by_month(cells)
    rows = []
    for key, week in week_filters(filters):
        cells = _fetch(queries.SPENDING, week)
        if cells is None:
            return None
        rows.append((key, round(float(cells["importe"].sum()), 2), int(cells["pedidos"].sum())))
    return pd.DataFrame(rows, columns=["semana", "importe", "pedidos"])


def money_providers_frame(filters: Filters):
    """Money per provider of the filter (/api/spending's por_proveedor)."""
    cells = _fetch(queries.SPENDING, filters)
    return None if cells is None else by_provider(cells)


def states_frame(filters: Filters):
    """Orders per state of the filter's dates and provider, cancelled ones apart."""
    return _fetch(queries.ORDER_STATUS, filters)


def stock_frame(_filters: Filters):
    """Net stock of the 15 providers with most stock (as /api/stock-by-provider?limit=15).

    All-time and every provider: it does not follow the filter (the page shows it apart).
    """
    return _fetch(queries.STOCK_BY_PROVIDER, Filters(limit=15))


def weekly_frame(filters: Filters):
    """ISO weeks of the chosen dates and provider (the last 12 weeks without dates)."""
    return components.fetch_or_none(
        PAGE, queries.WEEKLY_SALES, replace(filters, weeks=DEFAULT_WEEKS)
    )


def timeline_frame(filters: Filters):
    """Movements per day of the chosen dates and provider (the last 30 days without dates)."""
    frame = components.fetch_or_none(
        PAGE, queries.STOCK_TIMELINE, replace(filters, days=DEFAULT_DAYS)
    )
    if frame is None:
        return None
    return frame.sort_values(["fecha", "tipo"]).reset_index(drop=True)


# ---- Charts.


def top_chart(search):
    """Draw the top products and fill their table."""
    frame = top_frame(_filters(search))
    if frame is None or frame.empty:
        return charts.empty_figure(), None, [], components.empty_state()
    return charts.top_products(frame), "Producto", frame.to_dict("records"), None


# What the first column of each chart's «Ver como tabla» lists.
TABLE_LABELS = {
    "analytics-trends": "Período",
    "analytics-movements": "Período",
    "analytics-money": "Período",
    "analytics-money-providers": "Proveedor",
    "analytics-states": "Estado",
    "analytics-stock": "Proveedor",
    "analytics-timeline": "Día",
}


def _figure(graph_id: str, builder, frame, *args) -> tuple:
    if frame is None:
        return charts.empty_figure(), None
    return builder(frame, *args), TABLE_LABELS[graph_id]


def marked_periods(frame, filters: Filters) -> list:
    """Return the periods of a monthly or weekly frame, gap-free for weeks, partial marked."""
    if is_short(filters):
        keys = [key for key, _ in week_filters(filters)]
    else:
        keys = sorted(frame.iloc[:, 0].unique())
    return periods(keys, filters.start_date, filters.end_date, clock.today())


def _period_figure(graph_id: str, builder, frame, filters: Filters) -> tuple:
    if frame is None or frame.empty:
        return charts.empty_figure(), None
    return builder(frame, marked_periods(frame, filters)), TABLE_LABELS[graph_id]


def trends_chart(search):
    """Draw orders and ordering providers per month (orders per week for short ranges)."""
    filters = _filters(search)
    return _period_figure(
        "analytics-trends", charts.orders_per_period, trends_frame(filters), filters
    )


def movements_chart(search):
    """Draw movements per month (or week) and kind."""
    filters = _filters(search)
    return _period_figure(
        "analytics-movements", charts.movements_per_period, movements_frame(filters), filters
    )


def money_chart(search):
    """Draw money per month (or week), partial periods marked."""
    filters = _filters(search)
    return _period_figure("analytics-money", charts.money_per_period, money_frame(filters), filters)


def money_providers_chart(search):
    """Draw money per provider."""
    frame = money_providers_frame(_filters(search))
    return _figure("analytics-money-providers", charts.money_per_provider, frame)


def states_chart(search):
    """Draw orders per state."""
    return _figure("analytics-states", charts.order_states, states_frame(_filters(search)))


def stock_chart(search):
    """Draw net stock per provider, outlining the selected one."""
    filters = _filters(search)
    frame = stock_frame(filters)
    return _figure("analytics-stock", charts.stock_by_provider, frame, filters.proveedor)


def weekly_chart(search):
    """Draw orders per ISO week, every week of the range shown (0 when none)."""
    filters = _filters(search)
    frame = weekly_frame(filters)
    if frame is None or frame.empty:
        return charts.empty_figure(), None
    first, last = week_monday(frame["semana"].iloc[0]), week_monday(frame["semana"].iloc[-1])
    weeks = iso_weeks(first, last)
    marked = periods(weeks, filters.start_date, filters.end_date, clock.today())
    return charts.orders_per_week(frame, weeks, marked), "Semana"


def timeline_chart(search):
    """Draw the daily stock movement timeline."""
    return _figure("analytics-timeline", charts.stock_timeline, timeline_frame(_filters(search)))


# Every chart follows the URL (the stock one only outlines the filtered provider).
CHARTS = (
    components.UrlChart(
        "analytics-top",
        top_chart,
        (Output("analytics-top-table", "data"), Output("analytics-top-empty", "children")),
    ),
    components.UrlChart("analytics-trends", trends_chart),
    components.UrlChart("analytics-movements", movements_chart),
    components.UrlChart("analytics-money", money_chart),
    components.UrlChart("analytics-money-providers", money_providers_chart),
    components.UrlChart("analytics-states", states_chart),
    components.UrlChart("analytics-stock", stock_chart),
    components.UrlChart("analytics-weekly", weekly_chart),
    components.UrlChart("analytics-timeline", timeline_chart),
)
components.charts_following_url("analytics-url", CHARTS)


# ---- Downloads: the chart's own frame, named after the filter.

# name -> (builder, file stem, stem for ranges drawn per week); stock ignores the filter.
FRAMES = {
    "productos": (top_frame, "productos-top", None),
    "productos-tabla": (top_frame, "productos-top", None),
    "tendencia": (trends_frame, "pedidos-por-mes", "pedidos-por-semana"),
    "movimientos": (movements_frame, "movimientos-por-mes", "movimientos-por-semana"),
    "compras-mes": (money_frame, "compras-por-mes", "compras-por-semana"),
    "compras-proveedor": (money_providers_frame, "compras-por-proveedor", None),
    "estados": (states_frame, "pedidos-por-estado", None),
    "semanas": (weekly_frame, "pedidos-por-semana", None),
    "linea-stock": (timeline_frame, "movimientos-por-dia", None),
}
UNFILTERED = {"stock-proveedor": (stock_frame, "stock-por-proveedor_historico_sin-filtro")}


@callback(
    Output({"type": "dl", "page": PAGE, "name": MATCH}, "data"),
    Input({"type": "dl-btn", "page": PAGE, "name": MATCH}, "n_clicks"),
    Input({"type": components.XLSX_BUTTON, "page": PAGE, "name": MATCH}, "n_clicks"),
    State("analytics-url", "search"),
    prevent_initial_call=True,
)
def download(_clicks, _excel_clicks, search):
    """Send the clicked chart's data as CSV or Excel, named after its filter (or «sin-filtro»)."""
    name = dash.ctx.triggered_id["name"]
    filters = _filters(search)
    if name in UNFILTERED:
        builder, stem = UNFILTERED[name]
        parts: list = []
    else:
        builder, stem, weekly_stem = FRAMES[name]
        stem = weekly_stem if weekly_stem and is_short(filters) else stem
        parts = filter_parts(filters)
    frame = builder(filters)
    if frame is None:
        return dash.no_update
    return components.table_download(frame, file_name(stem, *parts), dash.ctx.triggered_id)
