"""Shared Dash pieces: navigation, KPI cards, chart cards, downloads, banners and tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dash_table, dcc, html

from . import chart_table
from .charts import EMPTY_MESSAGE, FONT
from .csvexport import frame_to_csv
from .filters import Filters
from .formatting import fmt_pct
from .metric import Metric
from .xlsxexport import MIMETYPE as XLSX_MIMETYPE
from .xlsxexport import frame_to_xlsx, xlsx_name

NAV_ITEMS = (
    ("Inicio", "/"),
    ("Proveedores", "/providers"),
    ("Análisis", "/analytics"),
    ("Qué pedir", "/compras"),  # pages/compras.py («Qué pedir hoy»)
    ("Facturas", "/facturas"),  # pages/facturas.py («Facturas y precios»)
    ("Productos", "/productos"),  # pages/productos.py (search and one product's view)
)
DB_ERROR = (
    "No se pudo consultar la base de datos. Los datos pueden estar incompletos; "
    "reintentá en unos minutos o avisá a sistemas."
)
# No mode bar (cleaner on phones); nothing in this config needs eval, so a strict CSP holds.
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}
NUMBER_FORMAT = {"locale": {"group": ".", "decimal": ","}, "specifier": ",d"}
# Pesos in tables, as formatting.fmt_money writes them: $ 1.234.567,89.
MONEY_FORMAT = {
    "locale": {"symbol": ["$ ", ""], "group": ".", "decimal": ","},
    "specifier": "$,.2f",
}


def account_menu(user: str | None, logout_token: str | None) -> list:
    """Return the signed-in user's name and, with built-in sign-in, the «Salir» button.

    «Salir» is a plain POST form carrying the session's anti-forgery token (no callback).
    """
    if not user:
        return []
    items: list = [html.Span(user, className="navbar-text small text-light me-2 account-name")]
    if logout_token:
        items.append(
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=logout_token),
                    html.Button(
                        "Salir",
                        type="submit",
                        id="logout-button",
                        className="btn btn-outline-light btn-sm",
                    ),
                ],
                method="POST",
                action="/logout",
                className="d-flex",
            )
        )
    return [html.Div(items, className="d-flex align-items-center ms-lg-auto account-menu")]


def navbar(user: str | None = None, logout_token: str | None = None) -> dbc.Navbar:
    """Return the top bar with the pages and the account menu (a menu on phones)."""
    links = [
        dbc.NavItem(
            dbc.NavLink(label, href=href, active="exact", id={"type": "nav-link", "href": href})
        )
        for label, href in NAV_ITEMS
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Mini Market", href="/"),
                product_search(),
                theme_toggle(),
                html.Button(
                    html.Span(className="navbar-toggler-icon"),
                    id="nav-toggler",
                    className="navbar-toggler",
                    type="button",
                    **{"aria-label": "Abrir el menú", "aria-controls": "nav-collapse"},
                ),
                dbc.Collapse(
                    [dbc.Nav(links, navbar=True), *account_menu(user, logout_token)],
                    id="nav-collapse",
                    navbar=True,
                ),
            ],
            fluid="xl",
        ),
        color="dark",
        dark=True,
        className="mb-2",
    )


def theme_toggle() -> html.Button:
    """Return the light/dark switch; assets/01-theme.js keeps its label, aria-pressed and the
    choice (localStorage "mm-tema") in step with the theme shown."""
    return html.Button(
        html.Span(className="theme-toggle-icon", **{"aria-hidden": "true"}),
        id="theme-toggle",
        type="button",
        className="btn btn-sm btn-outline-light theme-toggle",
        title="Cambiar a modo oscuro",
        **{"aria-label": "Cambiar a modo oscuro", "aria-pressed": "false"},
    )


def product_search() -> html.Form:
    """Return the navbar's product box: type-ahead links (dashboard.py) and Enter opens
    /productos?q=… (a plain GET form, so it works before any callback answers)."""
    return html.Form(
        [
            html.Label(
                "Buscar producto por nombre o código de barras",
                htmlFor="nav-search",
                className="visually-hidden",
            ),
            dcc.Input(
                id="nav-search",
                type="search",
                name="q",
                debounce=0.25,
                placeholder="Buscar producto o código",
                autoComplete="off",
                className="form-control form-control-sm",
            ),
            html.Div(
                id="nav-search-results",
                className="nav-search-results",
                **{"aria-live": "polite", "aria-label": "Productos encontrados"},
            ),
        ],
        action="/productos",
        method="GET",
        role="search",
        className="nav-search",
    )


def search_suggestions(found) -> list:
    """Return the type-ahead links of a product search (search_products rows)."""
    if found is None:
        return [html.Div("No se pudo buscar: la base no respondió.", className="nav-search-note")]
    if found.empty:
        return [html.Div("Ningún producto coincide.", className="nav-search-note")]
    return [
        dcc.Link(
            [
                html.Span(row.nombre, className="d-block"),
                html.Small(
                    " · ".join(filter(None, [row.proveedor, row.codigo_barras])),
                    className="text-muted",
                ),
            ],
            href=f"/productos?id={row.producto_id}",
            className="nav-search-item",
        )
        for row in found.itertuples()
    ]


def stacked_table(
    table_id: str, columns: Sequence[tuple[str, str]], rows: list[dict], numeric: Sequence[str] = ()
) -> html.Table:
    """Return a plain table whose rows stack as «label: value» blocks below 576 px.

    Each cell carries its column's header in data-label, which the phone CSS shows before it.
    """

    def cell(column_id: str, header: str, value) -> html.Td:
        align = " text-end" if column_id in numeric else ""
        return html.Td(value, className=f"col-{column_id}{align}", **{"data-label": header})

    head = html.Thead(
        html.Tr(
            [
                html.Th(header, className="text-end" if cid in numeric else None)
                for cid, header in columns
            ]
        )
    )
    body = html.Tbody(
        [html.Tr([cell(cid, header, row[cid]) for cid, header in columns]) for row in rows]
    )
    return html.Table([head, body], id=table_id, className="table table-sm stacked-table mb-0")


def date_picker(picker_id: str, value: str | None) -> dcc.DatePickerSingle:
    """Return a day picker that shows dd/mm/aaaa, Spanish months and Monday-first weeks.

    Dash 4 picks the date-fns locale by the browser's language among those loaded, falling back
    to the first loaded one; assets/05-date-fns-locale-es.min.js loads only Spanish, so an
    English browser shows Spanish too. Its `date` is YYYY-MM-DD, like the URL.
    """
    return dcc.DatePickerSingle(
        id=picker_id,
        date=value,
        display_format="DD/MM/YYYY",
        month_format="MMMM YYYY",
        first_day_of_week=1,
        placeholder="dd/mm/aaaa",
        clearable=True,
        className="date-picker w-100",
    )


def page_header(title: str, subtitle: str | None = None, extra=None) -> html.Div:
    """Return a page title with an optional subtitle and right-hand controls."""
    text = [html.H1(title, className="h3 mb-0")]
    if subtitle:
        text.append(html.P(subtitle, className="text-muted mb-0 small"))
    return html.Div(
        [html.Div(text), html.Div(extra or [], className="header-extra")],
        className="d-flex flex-wrap justify-content-between align-items-end gap-2 mb-3",
    )


def db_banner(page: str, is_open: bool = False) -> dbc.Alert:
    """Return the page's database-error banner, hidden unless is_open (see flag_db_error)."""
    return dbc.Alert(
        DB_ERROR, id=f"{page}-db-banner", color="danger", is_open=is_open, className="mb-3"
    )


def flag_db_error(page: str) -> None:
    """Open the page's database-error banner from inside any callback."""
    dash.set_props(f"{page}-db-banner", {"is_open": True})


def fetch_or_none(
    page: str, metric: Metric, filters: Filters | None = None, failures: list[str] | None = None
):
    """Run a metric; on a database failure return None and open the page's banner.

    A callback opens the banner with set_props; a layout that builds its panels itself passes
    `failures` instead, gets the failed metric names appended, and renders the banner open.
    """
    from . import data

    try:
        return data.fetch(metric, filters)
    except data.DatabaseUnavailable:
        if failures is None:
            flag_db_error(page)
        else:
            failures.append(metric.name)
        return None


def csv_download(frame, filename: str) -> dict:
    """Return what dcc.Download needs to save the frame as a UTF-8 (BOM) CSV file."""
    return dcc.send_string(frame_to_csv(frame), filename, type="text/csv")


XLSX_BUTTON = "dl-xlsx"  # the type in the ids of the «Excel» buttons (CSV: "dl-btn")


def xlsx_download(frame, filename: str) -> dict:
    """Return what dcc.Download needs to save the frame as an Excel (.xlsx) file."""
    return dcc.send_bytes(frame_to_xlsx(frame), xlsx_name(filename), type=XLSX_MIMETYPE)


def table_download(frame, filename: str, trigger: dict) -> dict:
    """Send the frame as the clicked button asks: Excel for «Excel» (`dl-xlsx`), CSV otherwise.

    `filename` is the CSV's name; the Excel file takes the same name ending in .xlsx.
    """
    if trigger.get("type") == XLSX_BUTTON:
        return xlsx_download(frame, filename)
    return csv_download(frame, filename)


def notice(messages: Sequence[str]) -> dbc.Alert | None:
    """Return a warning listing ignored URL values, or None when there are none."""
    if not messages:
        return None
    return dbc.Alert(
        [html.Strong("Filtros del enlace ignorados: "), *[html.Div(m) for m in messages]],
        color="warning",
        className="mb-3",
        dismissable=True,
    )


def delta_badge(change: float | None, up_is_good: bool = True) -> html.Span:
    """Return ▲/▼ and the percent change, green when the change is good and red when bad."""
    if change is None:
        return html.Span("período anterior: 0", className="delta text-muted")
    if round(change, 1) == 0:
        return html.Span("= sin cambios", className="delta text-muted")
    arrow = "▲" if change > 0 else "▼"
    good = (change > 0) == up_is_good
    sign = "+" if change > 0 else "−"
    return html.Span(
        f"{arrow} {sign}{fmt_pct(abs(change))}",
        className=f"delta {'delta-good' if good else 'delta-bad'}",
        title="respecto del período anterior de igual duración",
    )


def help_tip(text: str) -> html.Details:
    """Return a «?» that opens a one-line «¿qué es esto?» help on click or tap (no script).

    A <details> works the same with a mouse, a finger or a keyboard; the title attribute
    also shows the text on hover.
    """
    return html.Details(
        [
            html.Summary(
                "?", className="help-tip-toggle", title=text, **{"aria-label": "¿Qué es esto?"}
            ),
            html.Div(text, className="help-tip-text small", role="note"),
        ],
        className="help-tip",
    )


def _titled(title: str, help_text: str | None, **attributes) -> html.Div:
    """Return a title followed by its help tip, when it has one."""
    tip = [help_tip(help_text)] if help_text else []
    return html.Div([html.Span(title), *tip], **attributes)


def kpi_card(
    title: str,
    value: str,
    note: str | None = None,
    delta=None,
    help_text: str | None = None,
    card_id: str | None = None,
) -> dbc.Col:
    """Return one KPI card: a label (with its help), a big figure, and a change or a note."""
    body = [
        _titled(title, help_text, className="kpi-title"),
        html.Div(value, className="kpi-value"),
    ]
    if delta is not None:
        body.append(delta)
    if note:
        body.append(html.Div(note, className="kpi-note text-muted"))
    extra = {"id": card_id} if card_id else {}
    return dbc.Col(
        dbc.Card(dbc.CardBody(body), className="kpi-card h-100", **extra),
        xs=6,
        md=4,
        xl=3,
        className="mb-3",
    )


def download_button(page: str, name: str, label: str = "CSV", title: str = "") -> html.Div:
    """Return small CSV and Excel download buttons and their one dcc.Download (pattern-matching
    ids: the page's download callback listens to both and sends what table_download picks)."""
    return html.Div(
        [
            html.Button(
                ["⬇ ", label],
                id={"type": "dl-btn", "page": page, "name": name},
                className="btn btn-link btn-sm p-0 download-btn",
                type="button",
                title=f"Descargar {title or name} como CSV",
                **{"aria-label": f"Descargar {title or name} como CSV"},
            ),
            html.Button(
                # «CSV de todo» beside «Excel de todo»: the same words, the other format.
                ["⬇ ", label.replace("CSV", "Excel", 1) if "CSV" in label else "Excel"],
                id={"type": XLSX_BUTTON, "page": page, "name": name},
                className="btn btn-link btn-sm p-0 ms-2 download-btn",
                type="button",
                title=f"Descargar {title or name} como Excel",
                **{"aria-label": f"Descargar {title or name} como Excel"},
            ),
            dcc.Download(id={"type": "dl", "page": page, "name": name}),
        ],
        className="d-inline-block",
    )


def card(
    title: str,
    body,
    page: str,
    name: str | None = None,
    caption: str | None = None,
    help_text: str | None = None,
):
    """Return a card with a title (and its help), an optional CSV button and a caption."""
    header = [
        html.H2(
            _titled(title, help_text, className="d-flex align-items-center"), className="h6 mb-0"
        )
    ]
    if name:
        header.append(download_button(page, name, title=title))
    content = [body]
    if caption:
        content.insert(0, html.Div(caption, className="caption text-muted small mb-1"))
    return dbc.Card(
        [
            dbc.CardHeader(header, className="d-flex justify-content-between align-items-center"),
            dbc.CardBody(content, className="p-2"),
        ],
        className="h-100 chart-card",
    )


def graph(graph_id: str, label: str, height: int = 320, content=None) -> html.Div:
    """Return a chart area with a loading spinner, holding `content` (the chart) if given.

    The dcc.Graph only exists once its figure does: an empty Graph would be drawn once empty
    and again with data, and drawing is most of a page's time on a phone. A page either builds
    the chart in its layout (`content`) or has a callback put it in the box.
    """
    box = html.Div(content, id=f"{graph_id}-box", style={"minHeight": f"{height}px"})
    return html.Div(
        dcc.Loading(box, type="default", color="#0072B2", delay_show=150),
        role="group",
        **{"aria-label": f"Gráfico: {label}"},
    )


def chart_output(graph_id: str) -> Output:
    """Return the callback output that holds chart `graph_id`."""
    return Output(f"{graph_id}-box", "children")


def chart(graph_id: str, figure: dict, category: str | None = None) -> html.Div:
    """Return the chart itself, drawn once with its figure, and its text alternative: an
    image role named by a summary, and its data one click away («Ver como tabla», whose first
    column is headed `category`; see chart_table)."""
    drawn = dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG, className="chart")
    return html.Div(
        [
            html.Div(
                drawn,
                id=f"{graph_id}-img",
                role="img",
                **{"aria-label": chart_table.summary(figure)},
            ),
            html.Div(chart_table.details(graph_id, figure, category), id=f"{graph_id}-datos-box"),
        ]
    )


# ---- Charts that follow a page's URL: drawn once, then redrawn in place.
#
# Returning a new chart (chart_output) makes Dash mount a new dcc.Graph: plotly purges the old
# one and draws the new from nothing, and every callback with an input inside it fires again.
# Changing only the figure of the chart already there lets plotly update it (Plotly.react);
# and one answer for all the page's charts costs the browser one pass of Dash's bookkeeping
# instead of one per chart (bench/NOTES.md, «Análisis: dónde se va el cambio de proveedor»).


@dataclass(frozen=True)
class UrlChart:
    """A chart drawn from its page's URL search: `build(search)` returns (figure, category,
    *extra), the chart's figure, the first column of its table («Ver como tabla»), and the
    values of `extra_outputs` (e.g. a table fed by the same frame)."""

    graph_id: str
    build: Callable
    extra_outputs: tuple[Output, ...] = ()


def draw_request(graph_id: str) -> str:
    """Return the id of the store that asks for chart `graph_id` to be drawn whole."""
    return f"{graph_id}-draw"


def update_request(url_id: str) -> str:
    """Return the id of the store that asks for every chart of the page to be redrawn."""
    return f"{url_id}-redraw"


def url_chart_stores(url_id: str, page_charts: Sequence[UrlChart]) -> html.Div:
    """Return the stores of charts_following_url, for the page's layout."""
    ids = [draw_request(c.graph_id) for c in page_charts] + [update_request(url_id)]
    return html.Div([dcc.Store(id=store_id) for store_id in ids])


def chart_update(graph_id: str, figure: dict, category: str | None = None) -> tuple:
    """Return the values of chart_update_outputs: the same content as chart(), in place."""
    return (figure, chart_table.summary(figure), chart_table.details(graph_id, figure, category))


def chart_update_outputs(graph_id: str) -> tuple[Output, Output, Output]:
    """Return the outputs that change a drawn chart in place: its figure, the summary that
    names its image, and «Ver como tabla»."""
    return (
        Output(graph_id, "figure"),
        Output(f"{graph_id}-img", "aria-label"),
        Output(f"{graph_id}-datos-box", "children"),
    )


def charts_following_url(url_id: str, page_charts: Sequence[UrlChart]) -> None:
    """Register the callbacks of charts that follow the search of dcc.Location `url_id`.

    A browser-side gate (assets/45-charts.js) sees a new search: while any chart is missing
    (the page just opened, or the search changed while the first drawing was on its way) it
    asks for each chart to be drawn whole, each by its own callback, so the first ones show
    while the others are computed; once all are drawn it asks one callback to redraw them all
    in place. The page's layout holds url_chart_stores(url_id, page_charts).
    """
    dash.clientside_callback(
        dash.ClientsideFunction("charts", "drawOrUpdate"),
        [Output(draw_request(c.graph_id), "data") for c in page_charts],
        Output(update_request(url_id), "data"),
        Input(url_id, "search"),
        [State(c.graph_id, "id", allow_optional=True) for c in page_charts],
    )
    for page_chart in page_charts:
        _draw_callback(page_chart)

    outputs = [
        output
        for c in page_charts
        for output in (*chart_update_outputs(c.graph_id), *c.extra_outputs)
    ]

    @dash.callback(*outputs, Input(update_request(url_id), "data"), prevent_initial_call=True)
    def redraw_charts(search):
        values = []
        for page_chart in page_charts:
            figure, category, *extra = page_chart.build(search)
            values += [*chart_update(page_chart.graph_id, figure, category), *extra]
        return tuple(values)


def _draw_callback(page_chart: UrlChart) -> None:
    graph_id, extra_outputs = page_chart.graph_id, page_chart.extra_outputs

    @dash.callback(
        chart_output(graph_id),
        *extra_outputs,
        Input(draw_request(graph_id), "data"),
        prevent_initial_call=True,
    )
    def draw_chart(search):
        figure, category, *extra = page_chart.build(search)
        drawn = chart(graph_id, figure, category)
        return (drawn, *extra) if extra_outputs else drawn


def graph_card(
    page: str,
    name: str,
    title: str,
    graph_id: str,
    caption: str | None = None,
    content=None,
    help_text: str | None = None,
    tap: bool = False,
):
    """Return a card holding one chart (or its empty box, see graph) and its CSV button.

    With `tap`, the chart has a tap panel below it (see tap_panel).
    """
    body = graph(graph_id, title, content=content)
    if tap:
        body = html.Div([body, tap_panel(graph_id)])
    return card(title, body, page, name, caption, help_text)


# ---- A tap (or click) on a bar only names it; acting on it takes a second, explicit press.


def tap_panel(graph_id: str) -> html.Div:
    """Return the line under a chart that shows the tapped bar's full name and figures.

    Its button (hidden until a tap) does what the page offers for that bar, e.g. «Filtrar por
    …»: on a phone a finger must be able to read a cut label without changing the page.
    """
    return html.Div(
        [
            html.Div(id=f"{graph_id}-tap-text", className="tap-text"),
            html.Button(
                id=f"{graph_id}-tap-action",
                type="button",
                hidden=True,
                className="btn btn-outline-primary btn-sm tap-action",
            ),
        ],
        id=f"{graph_id}-tap",
        className="tap-panel small",
        **{"aria-live": "polite"},
    )


def tap_outputs(graph_id: str) -> tuple[Output, Output, Output]:
    """Return the outputs a page's tap callback fills: text, button label, button hidden."""
    action = f"{graph_id}-tap-action"
    return (
        Output(f"{graph_id}-tap-text", "children"),
        Output(action, "children"),
        Output(action, "hidden"),
    )


NO_TAP = (None, None, True)


def tapped(name: str, figures: Sequence[str], action: str | None) -> tuple:
    """Return the tap panel's content: the whole name, its figures and the button's label.

    Without an action (nothing to filter by), the button stays hidden.
    """
    text = [html.Strong(name, className="tap-name"), " · ".join(["", *figures])]
    return text, action, action is None


def tapped_point(click: dict | None) -> dict | None:
    """Return the tapped point of a dcc.Graph's clickData, or None."""
    points = (click or {}).get("points") or []
    return points[0] if points else None


def data_table(table_id: str, columns: Sequence[tuple[str, str, bool | str]], page_size: int = 10):
    """Return a sortable, filterable DataTable; columns are (id, header, numeric or "money")."""
    return dash_table.DataTable(
        id=table_id,
        columns=[_column(column_id, name, numeric) for column_id, name, numeric in columns],
        data=[],
        sort_action="native",
        filter_action="native",
        filter_options={"case": "insensitive", "placeholder_text": "Filtrar…"},
        page_action="native",
        page_size=page_size,
        style_table={"overflowX": "auto", "minWidth": "100%"},
        style_cell={
            "fontFamily": FONT,
            "fontSize": "0.9rem",
            "padding": "4px 6px",
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
        },
        style_cell_conditional=[
            {"if": {"column_id": cid}, "textAlign": "right"} for cid, _, num in columns if num
        ],
        style_header={"fontWeight": "600", "backgroundColor": "var(--mm-table-head)"},
        css=[{"selector": ".dash-spreadsheet-menu", "rule": "display: none"}],
    )


def phone_columns(
    table_id: str, columns: Sequence[tuple[str, str, bool | str]], fixed: Sequence[str], picked: str
) -> html.Div:
    """Return the «Ver también» picker of a data_table, shown below 576 px only.

    A phone shows the `fixed` columns and the picked one (three in all); the picker offers the
    others. Sorting, filters and the CSV are the table's own, whatever is hidden.
    """
    picker_id = f"{table_id}-column"
    options = [{"label": name, "value": cid} for cid, name, _ in columns if cid not in fixed]
    return html.Div(
        [
            html.Label("Ver también", htmlFor=picker_id, className="form-label small mb-0"),
            dbc.Select(
                id=picker_id,
                options=options,
                value=picked,
                size="sm",
                className="phone-columns-select",
            ),
        ],
        className="phone-columns d-sm-none",
        id=f"{table_id}-phone-columns",
    )


def phone_columns_callback(table_id: str) -> None:
    """Hide, below 576 px, the picker's columns that are not picked (assets/40-phone.js)."""
    picker_id = f"{table_id}-column"
    dash.clientside_callback(
        dash.ClientsideFunction("phone", "hiddenColumns"),
        Output(table_id, "hidden_columns"),
        Input(picker_id, "value"),
        State(picker_id, "options"),
    )


def _column(column_id: str, name: str, numeric: bool | str) -> dict:
    """Return a DataTable column: text, a whole number, or pesos when numeric is "money"."""
    # Case-insensitive filters compare as text (`>1000` kept 961): numbers filter as numbers.
    as_number = {"case": "sensitive"}
    if numeric == "money":
        return {
            "id": column_id,
            "name": name,
            "type": "numeric",
            "format": MONEY_FORMAT,
            "filter_options": as_number,
        }
    if numeric:
        return {
            "id": column_id,
            "name": name,
            "type": "numeric",
            "format": NUMBER_FORMAT,
            "filter_options": as_number,
        }
    return {"id": column_id, "name": name, "type": "text"}


def item_list(items: Sequence[dict], class_name: str) -> html.Ul:
    """Return a list group drawn in the browser from `items` (assets/46-lists.js).

    Each item is a dict: `cls` (the item's class), `title` (bold), `after` (text after it),
    `badge` and `tone` (a Bootstrap colour: danger, warning, primary…), `detail` (the small
    line) and, for a link at its end, `link` and `href`. A long list costs Dash one component
    instead of six per item.
    """
    return html.Ul(
        className=f"{class_name} list-group list-group-flush",
        **{"data-items": json.dumps(list(items), ensure_ascii=False)},
    )


def empty_state(message: str = EMPTY_MESSAGE) -> html.Div:
    """Return the friendly text shown instead of an empty table."""
    return html.Div(message, className="empty-state text-muted text-center py-3")


def name_on_tap(
    graph_id: str, describe: Callable[[dict], tuple], clear_with: str | None = None
) -> None:
    """Register the callback that fills tap_panel(graph_id) with describe(point) (a tapped()
    tuple) when a bar is tapped; a new search of the page URL `clear_with` empties it in the
    browser (assets/45-charts.js), without a request."""

    @dash.callback(*tap_outputs(graph_id), Input(graph_id, "clickData"), prevent_initial_call=True)
    def name_tapped_bar(click):
        point = tapped_point(click)
        return NO_TAP if point is None else describe(point)

    if clear_with:
        dash.clientside_callback(
            dash.ClientsideFunction("charts", "clearTap"),
            *(
                Output(o.component_id, o.component_property, allow_duplicate=True)
                for o in tap_outputs(graph_id)
            ),
            Input(clear_with, "search"),
            prevent_initial_call=True,
        )


def filter_on_request(
    url_id: str, graph_id: str, field: int, with_provider: Callable[[str | None, str], str]
) -> None:
    """Register the callback of a chart's «Filtrar por …» button (see tap_panel): pressing it
    writes the page URL `with_provider(search, name)`, the name being the tapped bar's
    customdata[field]; a tap alone never filters."""

    @dash.callback(
        Output(url_id, "search", allow_duplicate=True),
        Input(f"{graph_id}-tap-action", "n_clicks"),
        State(graph_id, "clickData"),
        State(url_id, "search"),
        prevent_initial_call=True,
    )
    def filter_by_tapped_bar(pressed, click, search):
        point = tapped_point(click)
        if not pressed or point is None:
            return dash.no_update
        return with_provider(search, point["customdata"][field])
