"""Facturas: invoices checked against their orders, and which providers raise prices fastest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, dcc, html
from flask import g

from minimarket_dash import clock, components, data, invoice_charts, invoice_states, queries
from minimarket_dash import invoice_page as ui
from minimarket_dash import invoice_report as report_rows
from minimarket_dash.csvexport import file_name, filter_parts
from minimarket_dash.entries import EntriesUnavailable, entries_of
from minimarket_dash.filters import INT_RANGES, Filters, clean_proveedor
from minimarket_dash.queries.prices import price_changes

dash.register_page(__name__, path="/facturas", title="Facturas · Mini Market", order=3)

PAGE = "facturas"
INDEX_DEFAULT = 5
# Dash's dropdown texts, in Spanish.
DROPDOWN_LABELS = {
    "select_all": "Elegir todos",
    "deselect_all": "Quitar todos",
    "selected_count": "{num_selected} elegidos",
    "search": "Buscar",
    "clear_search": "Borrar búsqueda",
    "clear_selection": "Quitar selección",
    "no_options_found": "Sin resultados",
}
PRODUCT_COLUMNS = (
    ("producto", "Producto", False),
    ("precio_base", "Precio base", True),
    ("precio_actual", "Precio actual", True),
    ("cambio_pct", "Aumento", True),
)


def layout(**query):
    """Return the page with its controls set from the URL; callbacks fill the panels."""
    state = ui.page_state({key: (v[0] if isinstance(v, list) else v) for key, v in query.items()})
    return html.Div(
        [
            dcc.Location(id="facturas-url", refresh=False, search=ui.search_from_state(state)),
            components.page_header(
                "Facturas",
                "Facturas controladas contra los pedidos y aumentos de precios por "
                "proveedor. El enlace guarda los filtros.",
            ),
            components.db_banner(PAGE),
            html.Div(components.notice(state.notices), id="facturas-notice"),
            _filter_bar(state),
            html.Div(
                id="facturas-summary", className="small text-muted mb-2", **{"aria-live": "polite"}
            ),
            dcc.Loading(dbc.Row(id="facturas-kpis", className="g-2"), delay_show=150),
            # Bumped when a state is saved: the panels read the states again.
            dcc.Store(id="facturas-estado-version", data=0),
            dcc.Store(id="facturas-open", data=None),  # the invoice whose detail is shown
            dbc.Row(
                [
                    dbc.Col(_invoices_card(state), lg=7, className="mb-3"),
                    dbc.Col(
                        components.graph_card(
                            PAGE,
                            "aumentos",
                            "Aumentos de precios",
                            "facturas-bars",
                            "Aumento % de cada proveedor; la línea es la mediana del mercado. "
                            "Tocá una barra para ver su nombre y filtrar la página por ese "
                            "proveedor.",
                            tap=True,
                        ),
                        lg=5,
                        className="mb-3",
                    ),
                ]
            ),
            # The detail takes the page's full width: every column of its lines fits at 1366 px.
            html.Div(id="facturas-detail", className="mb-3"),
            dbc.Row(
                [
                    dbc.Col(_index_card(), lg=7, className="mb-3"),
                    dbc.Col(_products_card(), lg=5, className="mb-3"),
                ]
            ),
            ui.explanation(),
        ]
    )


def _field(label: str, control, xs: int = 6, md: int = 2) -> dbc.Col:
    return dbc.Col(
        [html.Label(label, htmlFor=control.id, className="form-label small mb-1"), control],
        xs=xs,
        md=md,
        className="mb-2",
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _filter_bar(state: ui.PageState) -> dbc.Card:
    f = state.filters
    low, high = INT_RANGES["meses"][1:]
    fields = [
        _field("Desde (factura)", components.date_picker("facturas-start", _iso(f.start_date))),
        _field("Hasta (factura)", components.date_picker("facturas-end", _iso(f.end_date))),
        _field(
            "Proveedor",
            dcc.Input(
                id="facturas-proveedor",
                type="search",
                debounce=True,
                value=f.proveedor or "",
                placeholder="Todos",
                className="form-control",
                autoComplete="off",
            ),
            12,
            3,
        ),
        _field(
            "Tolerancia %",
            dcc.Input(
                id="facturas-tolerancia",
                type="number",
                min=0,
                max=50,
                step=0.5,
                value=f.tolerancia,
                debounce=True,
                className="form-control",
            ),
        ),
        _field(
            "Meses (aumentos)",
            dcc.Dropdown(
                id="facturas-meses",
                options=[{"label": str(n), "value": n} for n in range(low, high + 1)],
                value=f.meses,
                clearable=False,
                searchable=False,
                labels=DROPDOWN_LABELS,
            ),
        ),
    ]
    clear = dbc.Col(
        dbc.Button(
            "Limpiar", id="facturas-clear", color="secondary", outline=True, className="w-100"
        ),
        xs=12,
        md=1,
        className="d-flex align-items-end mb-2",
    )
    return dbc.Card(
        dbc.CardBody(dbc.Row([*fields, clear], className="g-2")), className="mb-3 filter-bar"
    )


def _invoices_card(state: ui.PageState):
    marca = dbc.Select(
        id="facturas-marca",
        options=ui.marca_options(),
        value=state.marca,
        size="sm",
        style={"maxWidth": "16rem"},
    )
    body = html.Div(
        [
            html.Div(
                [html.Label("Mostrar", htmlFor="facturas-marca", className="small mb-0"), marca],
                className="d-flex align-items-center gap-2 mb-2",
            ),
            # A table from 576 px; on a phone one card per invoice (invoice_page.invoice_cards).
            html.Div(dcc.Loading(ui.invoice_grid(), delay_show=150), className="d-none d-sm-block"),
            html.Div(
                [
                    html.Div(id="facturas-cards"),
                    dbc.Button(
                        "Mostrar más",
                        id="facturas-cards-more",
                        color="secondary",
                        outline=True,
                        size="sm",
                        n_clicks=0,
                        className="w-100 d-none",
                    ),
                ],
                className="d-sm-none",
            ),
            html.Div(id="facturas-table"),
        ]
    )
    return components.card(
        "Control de facturas",
        body,
        PAGE,
        "facturas",
        "Tocá una factura para ver sus productos al lado del pedido, reclamar y ponerle un estado",
    )


def _index_card():
    picker = dcc.Dropdown(
        id="facturas-index-pick",
        multi=True,
        placeholder="Elegí proveedores",
        className="mb-2",
        labels=DROPDOWN_LABELS,
    )
    return components.card(
        "Índice de precios por proveedor",
        html.Div(
            [
                html.Label(
                    "Proveedores del índice",
                    htmlFor="facturas-index-pick",
                    className="visually-hidden",
                ),
                picker,
                components.graph("facturas-index", "Índice de precios"),
            ]
        ),
        PAGE,
        None,
        "Últimos 12 meses completos, 100 en el primero (de entrada: los 5 que más aumentaron)",
    )


def _products_card():
    picker = dcc.Dropdown(
        id="facturas-product-pick",
        clearable=False,
        className="mb-2",
        placeholder="Elegí un proveedor",
        labels=DROPDOWN_LABELS,
    )
    label = html.Label(
        "Proveedor de la tabla de productos",
        htmlFor="facturas-product-pick",
        className="visually-hidden",
    )
    table = components.data_table("facturas-products", PRODUCT_COLUMNS, page_size=5)
    for column in table.columns:
        column.pop("format", None)
        column["type"] = "text"
    return components.card(
        "Productos que más aumentaron",
        html.Div([label, picker, table, html.Div(id="facturas-products-empty")]),
        PAGE,
        None,
        "Los 5 productos con mayor aumento del proveedor elegido",
    )


# ---- Data: the same metrics as /api/invoices and /api/price-changes.


def invoice_frame(filters: Filters):
    """Checked invoices of the filter with their states (read live, never from the result
    cache), or None when the database failed; states that cannot be read show as pendiente."""
    frame = components.fetch_or_none(PAGE, queries.INVOICE_CHECK, filters)
    if frame is None:
        return None
    marks = invoice_states.states_or_none(entries_of())
    return invoice_states.with_states(frame, marks or {})


def contact_of(provider_id) -> dict | None:
    """The provider's contacto, telefono and email (None when unknown or unreadable)."""
    if provider_id is None or pd.isna(provider_id):
        return None
    contacts = components.fetch_or_none(PAGE, queries.PROVIDER_CONTACTS)
    if contacts is None:
        return None
    found = contacts[contacts["proveedor_id"] == int(provider_id)].to_dict("records")
    return found[0] if found else None


def signed_in_user() -> str | None:
    """The signed-in manager of this callback's request (None with DASHBOARD_AUTH=none)."""
    return g.get("user")


def price_report(filters: Filters):
    """Price changes of the filter, or None when the database failed.

    The three panels that show it ask for it at once: the report is cached like a result.
    """
    only = Filters(proveedor=filters.proveedor, meses=filters.meses)
    cached = data.state_of().cache.get(f"page:prices:{only.cache_key()}")
    if cached is not None:
        return cached
    monthly = components.fetch_or_none(
        PAGE, queries.MONTHLY_PRICES, Filters(proveedor=filters.proveedor)
    )
    if monthly is None:
        return None
    report = price_changes(monthly, clock.now(), filters.meses)
    data.state_of().cache.set(f"page:prices:{only.cache_key()}", report)
    return report


# ---- URL state.


@callback(
    Output("facturas-url", "search"),
    Output("facturas-start", "date"),
    Output("facturas-end", "date"),
    Output("facturas-proveedor", "value"),
    Output("facturas-tolerancia", "value"),
    Output("facturas-meses", "value"),
    Output("facturas-marca", "value"),
    Output("facturas-notice", "children"),
    Input("facturas-url", "search"),
    Input("facturas-start", "date"),
    Input("facturas-end", "date"),
    Input("facturas-proveedor", "value"),
    Input("facturas-tolerancia", "value"),
    Input("facturas-meses", "value"),
    Input("facturas-marca", "value"),
    Input("facturas-clear", "n_clicks"),
    prevent_initial_call=True,
)
def sync(search, start, end, proveedor, tolerancia, meses, marca, _clear):
    """Keep the URL and the controls in step, whichever of them changed."""
    trigger = dash.ctx.triggered_id
    if trigger == "facturas-url":
        state = ui.state_from_search(search)
        return (dash.no_update, *_controls(state), components.notice(state.notices))
    if trigger == "facturas-clear":
        state = ui.PageState()
    else:
        # Reversed dates or a bad number are dropped with a notice, as in a shared link;
        # «todas las fechas» stays until a date is picked.
        fechas = ui.ALL_DATES if ui.state_from_search(search).todas_fechas else None
        state = ui.page_state(
            {
                "start_date": start,
                "end_date": end,
                "proveedor": proveedor,
                "tolerancia": tolerancia,
                "meses": meses,
                "marca": marca,
                "fechas": fechas,
            }
        )
    new = ui.search_from_state(state)
    return (
        new if new != (search or "") else dash.no_update,
        *_controls(state),
        components.notice(state.notices),
    )


def _controls(state: ui.PageState) -> tuple:
    f = state.filters
    return (
        _iso(f.start_date),
        _iso(f.end_date),
        f.proveedor or "",
        f.tolerancia,
        f.meses,
        state.marca,
    )


def _tapped_provider(point: dict) -> tuple:
    """Name the tapped provider with its change and offer to filter the page by it."""
    provider, change, against_market = point["customdata"]
    return components.tapped(
        provider,
        [f"aumento {change} %", f"vs. mercado {against_market} pp"],
        f"Filtrar por {provider}",
    )


components.name_on_tap("facturas-bars", _tapped_provider, clear_with="facturas-url")


def _with_provider(search: str | None, name: str) -> str:
    state = ui.state_from_search(search)
    state.filters = replace(state.filters, proveedor=clean_proveedor(name))
    return ui.search_from_state(state)


# «Filtrar por …» under the price-change bars: the whole page by the tapped provider.
components.filter_on_request("facturas-url", "facturas-bars", 0, _with_provider)


# ---- Panels.


@callback(
    Output("facturas-kpis", "children"),
    Output("facturas-table-grid", "data"),
    Output("facturas-table", "children"),
    Output("facturas-detail", "children"),
    components.chart_output("facturas-bars"),
    Output("facturas-index-pick", "options"),
    Output("facturas-index-pick", "value"),
    Output("facturas-product-pick", "options"),
    Output("facturas-product-pick", "value"),
    Output("facturas-summary", "children"),
    Input("facturas-url", "search"),
    Input("facturas-estado-version", "data"),
    State("facturas-open", "data"),
)
def render(search, _version, opened):
    """Fill KPIs, the invoice table, the price bars and the pickers from the URL's filters
    (again after a state is saved: the open invoice's detail stays open)."""
    state = ui.state_from_search(search)
    frame, report = invoice_frame(ui.query_filters(state)), price_report(state.filters)
    detail = None
    if dash.ctx.triggered_id == "facturas-estado-version" and opened is not None:
        detail = _detail_of(frame, opened, state.filters.tolerancia)
    rows, empty = _table(frame, state.marca)
    bars = components.chart(
        "facturas-bars",
        invoice_charts.change_bars(report, state.filters.proveedor)
        if report
        else invoice_charts.empty_figure(),
        "Proveedor",
    )
    options = [
        {"label": p.proveedor, "value": p.proveedor_id}
        for p in (report.proveedores if report else [])
    ]
    ranked = [
        p.proveedor_id for p in (report.proveedores if report else []) if p.estado == "ranked"
    ]
    first = ranked[0] if ranked else (options[0]["value"] if options else None)
    return (
        ui.kpis(frame, report, state.filters.tolerancia),
        rows,
        empty,
        detail,
        bars,
        options,
        ranked[:INDEX_DEFAULT],
        options,
        first,
        ui.describe(state, report),
    )


def _table(frame, marca: str):
    """Return the table's rows and the empty-state note (None when there are rows)."""
    if frame is None:
        return [], components.empty_state("Sin datos.")
    shown = ui.shown_invoices(frame, marca)
    if shown.empty:
        return [], components.empty_state("No hay facturas con ese filtro en el período.")
    return ui.invoice_rows(shown), None


@callback(
    Output("facturas-cards", "children"),
    Output("facturas-cards-more", "className"),
    Input("facturas-table-grid", "data"),
    Input("facturas-cards-more", "n_clicks"),
)
def fill_cards(rows, more):
    """The phone's invoice cards: the table's rows, CARDS_SHOWN more per «Mostrar más»."""
    rows = rows or []
    limit = ui.CARDS_SHOWN * (1 + (more or 0))
    hidden = "w-100" + ("" if len(rows) > limit else " d-none")
    return ui.invoice_cards(rows, limit), hidden


def _detail_of(frame, factura_id, tolerancia: float):
    if frame is None:
        return dash.no_update
    rows = frame[frame["factura_id"] == factura_id].to_dict("records")
    if not rows:
        return None
    return ui.detail(
        rows[0],
        tolerancia,
        contact_of(rows[0]["proveedor_id"]),
        can_set=signed_in_user() is not None,
    )


@callback(
    Output("facturas-detail", "children", allow_duplicate=True),
    Output("facturas-open", "data"),
    Input("facturas-table-grid", "active_cell"),
    Input({"type": "facturas-card", "id": ALL}, "n_clicks"),
    State("facturas-url", "search"),
    prevent_initial_call=True,
)
def open_invoice(cell, _card_clicks, search):
    """Show the clicked invoice (a row of the table or a phone card): its state, «Reclamar»
    and its items beside its order's lines."""
    trigger = dash.ctx.triggered_id
    if isinstance(trigger, dict):
        if not dash.ctx.triggered or not dash.ctx.triggered[0]["value"]:
            return dash.no_update, dash.no_update  # cards drawn, not tapped
        factura_id = trigger["id"]
    elif cell and cell.get("row_id") is not None:
        factura_id = cell["row_id"]
    else:
        return dash.no_update, dash.no_update
    state = ui.state_from_search(search)
    detail = _detail_of(
        invoice_frame(ui.query_filters(state)), factura_id, state.filters.tolerancia
    )
    return detail, factura_id


@callback(
    Output("facturas-claim", "is_open"),
    Input("facturas-claim-open", "n_clicks"),
    State("facturas-claim", "is_open"),
    prevent_initial_call=True,
)
def toggle_claim(clicks, is_open):
    """«Reclamar» shows (or hides) the claim's text and the ways to send it."""
    return not is_open if clicks else dash.no_update


@callback(
    Output("facturas-estado-nota", "children"),
    Output("facturas-estado-version", "data"),
    Input("facturas-estado-guardar", "n_clicks"),
    State("facturas-estado", "value"),
    State("facturas-open", "data"),
    State("facturas-estado-version", "data"),
    prevent_initial_call=True,
)
def save_estado(clicks, estado, factura_id, version):
    """Save the open invoice's state with the signed-in manager and the time (the callback
    carries the page's anti-forgery token like every other: csrf.py)."""
    if not clicks or factura_id is None:
        return dash.no_update, dash.no_update
    try:  # the open invoice's id comes back from the browser: never trust its type
        factura_id = int(factura_id)
    except (TypeError, ValueError):
        return "Elegí una factura de la lista.", dash.no_update
    user = signed_in_user()
    if user is None:
        return "Para cambiar el estado tenés que iniciar sesión.", dash.no_update
    if estado not in invoice_states.ESTADOS:
        return "Elegí un estado de la lista.", dash.no_update
    try:
        mark = invoice_states.set_state(entries_of(), factura_id, estado, user)
    except EntriesUnavailable:
        return ("No se pudo guardar el estado ahora; probá de nuevo en un rato.", dash.no_update)
    row = {
        "estado": estado,
        "estado_usuario": mark.usuario,
        "estado_cuando": mark.cuando.isoformat(sep=" "),
    }
    return ui.estado_note(row), (version or 0) + 1


@callback(
    components.chart_output("facturas-index"),
    Input("facturas-index-pick", "value"),
    State("facturas-url", "search"),
)
def draw_index(picked, search):
    """Draw the chained price index of the picked providers."""
    report = price_report(ui.state_from_search(search).filters)
    if report is None:
        return components.chart("facturas-index", invoice_charts.empty_figure())
    return components.chart(
        "facturas-index", invoice_charts.index_lines(report, picked or []), "Mes"
    )


@callback(
    Output("facturas-products", "data"),
    Output("facturas-products-empty", "children"),
    Input("facturas-product-pick", "value"),
    State("facturas-url", "search"),
)
def fill_products(provider_id, search):
    """List the picked provider's products with the largest change."""
    rows = ui.product_rows(price_report(ui.state_from_search(search).filters), provider_id)
    return rows, None if rows else components.empty_state("Sin productos comparables.")


@callback(
    Output({"type": "dl", "page": PAGE, "name": MATCH}, "data"),
    Input({"type": "dl-btn", "page": PAGE, "name": MATCH}, "n_clicks"),
    Input({"type": components.XLSX_BUTTON, "page": PAGE, "name": MATCH}, "n_clicks"),
    State("facturas-url", "search"),
    prevent_initial_call=True,
)
def download(_clicks, _excel_clicks, search):
    """Send the invoices (as shown, by flag) or the price changes, CSV or Excel (API rows)."""
    state = ui.state_from_search(search)
    parts = filter_parts(state.filters)
    if dash.ctx.triggered_id["name"] == "facturas":
        frame = invoice_frame(ui.query_filters(state))
        if frame is None:
            return dash.no_update
        rows = report_rows.invoice_csv_rows(ui.shown_invoices(frame, state.marca))
        fields = report_rows.INVOICE_CSV_FIELDS
        return components.table_download(
            ui.rows_frame(rows, fields), file_name("facturas", *parts), dash.ctx.triggered_id
        )
    report = price_report(state.filters)
    if report is None:
        return dash.no_update
    frame = ui.rows_frame(report_rows.price_csv_rows(report), report_rows.PRICE_CSV_FIELDS)
    return components.table_download(frame, file_name("aumentos", *parts), dash.ctx.triggered_id)
