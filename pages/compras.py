"""Compras: «Qué pedir hoy», one card per provider with its order ready to send by WhatsApp.

Nothing is written to the database: the page suggests, the manager edits and sends.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, dcc, html
from flask import has_request_context

from minimarket_dash import clock, components, ordertext, queries
from minimarket_dash.csvexport import file_name
from minimarket_dash.filters import INT_RANGES, Filters, clean_proveedor, read_filters
from minimarket_dash.formatting import fmt_date, fmt_int, fmt_money, fmt_number
from minimarket_dash.queries.reorder import PRODUCT_FIELDS, providers_of

dash.register_page(__name__, path="/compras", title="Qué pedir · Mini Market", order=3)

PAGE = "compras"
URGENCY = {
    "agotado": ("Agotado", "danger"),
    "critico": ("Crítico", "warning"),
    "reponer": ("Reponer", "secondary"),
}
HOW = (
    "Para cada producto miramos cuánto se vendió por día en los últimos días (28 si no elegís "
    "otro número), cuántos días tarda el proveedor en entregar (la mediana de sus entregas de "
    "los últimos 6 meses; si no hay, el plazo por defecto) y cada cuántos días le pedís (la "
    "mediana entre sus pedidos de los últimos 3 meses; si hubo menos de 3, una semana). "
    "Necesitás stock para vender hasta la entrega y hasta el próximo pedido, más el stock "
    "mínimo. A eso le restamos lo que hay en stock y lo que ya está en camino (pedidos de los "
    "últimos 30 días sin entregar ni cancelar) y redondeamos hacia arriba al bulto con que "
    "siempre se pidió (el máximo común divisor de las cantidades pedidas en 6 meses). "
    "«Agotado»: sin stock; «crítico»: se agota antes de que llegue un pedido de hoy."
)


def layout(proveedor=None, solo_hoy=None, dias=None, **_other):
    """Return the page with every provider card built from the URL's filters."""
    filters, notices = read_query(proveedor, solo_hoy, dias)
    failures: list[str] = []
    body = _body(filters, failures) if has_request_context() else []
    return html.Div(
        [
            dcc.Location(id="compras-nav", refresh="callback-nav"),
            components.page_header(
                "Qué pedir hoy",
                "Sugerencias por proveedor, listas para mandar por WhatsApp.",
                components.download_button(PAGE, "todo", "CSV de todo", "todas las sugerencias"),
            ),
            components.db_banner(PAGE, is_open=bool(failures)),
            components.notice(notices),
            filter_bar(filters),
            html.Details(
                [html.Summary("¿Cómo se calcula?"), html.P(HOW, className="small mb-0")],
                className="how mb-3 small text-muted",
            ),
            html.Div(body, id="compras-body"),
        ]
    )


def read_query(proveedor, solo_hoy, dias) -> tuple[Filters, list[str]]:
    """Read the URL leniently: bad values are ignored with a notice, never an error page."""
    reading = read_filters(
        {"proveedor": proveedor, "solo_hoy": solo_hoy, "dias": dias},
        ("proveedor", "solo_hoy", "dias"),
    )
    return reading.filters, reading.notices


def filter_bar(filters: Filters) -> dbc.Card:
    """Return the provider, days and «only today» controls."""
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.Label(
                                "Proveedor",
                                htmlFor="compras-proveedor",
                                className="form-label small mb-1",
                            ),
                            dcc.Input(
                                id="compras-proveedor",
                                type="search",
                                value=filters.proveedor or "",
                                placeholder="Todos",
                                debounce=True,
                                className="form-control",
                            ),
                        ],
                        xs=12,
                        md=5,
                    ),
                    dbc.Col(
                        [
                            html.Label(
                                "Días de ventas",
                                htmlFor="compras-dias",
                                className="form-label small mb-1",
                            ),
                            dcc.Input(
                                id="compras-dias",
                                type="number",
                                min=7,
                                max=90,
                                step=1,
                                value=filters.dias,
                                debounce=True,
                                className="form-control",
                            ),
                        ],
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        dbc.Checkbox(
                            id="compras-solo-hoy",
                            value=filters.solo_hoy,
                            label="Sólo los que pido hoy",
                        ),
                        xs=6,
                        md=4,
                        className="d-flex align-items-end pb-2",
                    ),
                ],
                className="g-2",
            )
        ),
        className="mb-3 filter-bar no-print",
    )


@callback(
    Output("compras-nav", "href"),
    Input("compras-proveedor", "value"),
    Input("compras-dias", "value"),
    Input("compras-solo-hoy", "value"),
    prevent_initial_call=True,
)
def apply_filters(proveedor, dias, solo_hoy):
    """Reload the page with the filters in its URL (shareable, like the other pages)."""
    return "/compras" + search_of(proveedor, dias, solo_hoy)


def search_of(proveedor, dias, solo_hoy) -> str:
    """Write the filters as a query string; defaults are left out."""
    values = {"proveedor": clean_proveedor(proveedor)}
    if dias not in (None, "") and int(dias) != INT_RANGES["dias"][0]:
        values["dias"] = int(dias)
    if solo_hoy:
        values["solo_hoy"] = "true"
    kept = {key: value for key, value in values.items() if value}
    return "?" + urlencode(kept) if kept else ""


def _body(filters: Filters, failures: list[str]) -> list:
    """Return «Hoy le pedís a», then one card per provider, or the empty state."""
    items = components.fetch_or_none(PAGE, queries.REORDER, filters, failures=failures)
    if items is None:
        return [components.empty_state("Sin datos.")]
    today = clock.today()
    if items.empty:
        return [_empty(filters, today, failures)]
    providers = providers_of(items)
    cards = [
        provider_card(row, items[items["proveedor_id"] == row.proveedor_id], today)
        for row in providers.itertuples()
    ]
    return [_today_line(providers), *cards]


def _today_line(providers: pd.DataFrame) -> html.P:
    """Name the providers with suggestions whose usual order day is today."""
    names = list(providers[providers["pide_hoy"]]["proveedor"])
    text = ", ".join(names) if names else "nadie (ningún proveedor con sugerencias pide hoy)"
    return html.P([html.Strong("Hoy le pedís a: "), text], id="compras-hoy", className="mb-3")


def _empty(filters: Filters, today, failures: list[str]) -> html.Div:
    schedule = components.fetch_or_none(PAGE, queries.REORDER_SCHEDULE, filters, failures=failures)
    pairs = (
        []
        if schedule is None
        else zip(schedule["proveedor"], schedule["dia_habitual"], strict=True)
    )
    upcoming = ordertext.next_usual_days(today, pairs)
    return html.Div(
        [
            html.H2("Nada para pedir hoy", className="h5"),
            html.P(
                "Próximos días habituales de pedido:"
                if upcoming
                else "Todavía no hay pedidos para saber los días habituales.",
                className="mb-1",
            ),
            html.Ul([html.Li(text) for text in upcoming]),
        ],
        id="compras-empty",
        className="empty-state text-muted py-3",
    )


def provider_card(row, items: pd.DataFrame, today) -> dbc.Card:
    """Return one provider's card: its lines, the order text and the ways to send it."""
    pid = int(row.proveedor_id)
    entrega = ordertext.delivery_date(today, float(row.plazo_dias))
    lines = [_line_data(item) for item in items.itertuples()]
    text = ordertext.order_text(row.contacto, entrega, [_as_line(x) for x in lines])
    meta = {
        "contacto": row.contacto,
        "entrega": entrega.isoformat(),
        "email": ordertext.safe_email(row.email),
        "whatsapp": row.whatsapp,
        "proveedor": row.proveedor,
    }
    return dbc.Card(
        [
            dbc.CardHeader(_card_header(row, entrega)),
            dbc.CardBody(
                [
                    dcc.Store(id={"type": "compras-lines", "prov": pid}, data=lines),
                    dcc.Store(id={"type": "compras-meta", "prov": pid}, data=meta),
                    html.Div(lines_table(pid, items), className="table-responsive"),
                    html.Div(
                        [
                            "Total estimado: ",
                            html.Strong(
                                fmt_money(ordertext.total(_as_line(x) for x in lines)),
                                id={"type": "compras-total", "prov": pid},
                            ),
                        ],
                        className="text-end mb-2",
                    ),
                    html.Pre(
                        text, id={"type": "compras-text", "prov": pid}, className="order-text"
                    ),
                    send_buttons(pid, row, text, entrega),
                ],
                className="p-2",
            ),
        ],
        className="provider-card chart-card mb-3",
        id=f"compras-card-{pid}",
    )


def _card_header(row, entrega) -> html.Div:
    day = f"pedís los {row.dia_habitual}" if row.dia_habitual else "sin día habitual"
    note = (
        f"{day} · entrega en {ordertext.days(row.plazo_dias)} días "
        f"({fmt_date(entrega)}) · cada {ordertext.days(row.ciclo_dias)} días"
    )
    badge = [dbc.Badge("Hoy", color="primary", className="ms-2")] if row.pide_hoy else []
    return html.Div(
        [
            html.H2([row.proveedor, *badge], className="h6 mb-0"),
            html.Div(note, className="small text-muted"),
        ]
    )


def _line_data(item) -> dict:
    return {
        "id": int(item.producto_id),
        "producto": item.producto,
        "pack": int(item.pack),
        "sugerido": int(item.sugerido),
        "precio": None if pd.isna(item.precio_compra) else float(item.precio_compra),
    }


def _as_line(data: dict, cantidad: int | None = None) -> ordertext.Line:
    qty = data["sugerido"] if cantidad is None else cantidad
    return ordertext.Line(data["producto"], qty, data["precio"])


def lines_table(pid: int, items: pd.DataFrame) -> html.Table:
    """Return the table of one provider's lines with an editable quantity each."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(t)
                for t in ("Producto", "Stock", "En camino", "Cobertura", "Pedir", "Importe")
            ]
        )
    )
    return html.Table(
        [head, html.Tbody([_row(pid, item) for item in items.itertuples()])],
        className="table table-sm align-middle mb-2 order-lines",
    )


def _row(pid: int, item) -> html.Tr:
    label, color = URGENCY[item.urgencia]
    cover = "–" if pd.isna(item.cobertura_dias) else f"{fmt_number(item.cobertura_dias, 1)} d"
    why = ordertext.why(item.cobertura_dias, float(item.plazo_dias), float(item.ciclo_dias))
    key = {"prov": pid, "prod": int(item.producto_id)}
    amount = None if pd.isna(item.importe_estimado) else fmt_money(item.importe_estimado)
    return html.Tr(
        [
            html.Td(
                [
                    html.Div([item.producto, dbc.Badge(label, color=color, className="ms-1")]),
                    html.Div(why, className="why small text-muted"),
                ],
                title=why,
            ),
            html.Td(fmt_int(item.stock_actual)),
            html.Td(fmt_int(item.en_camino)),
            html.Td(cover),
            html.Td(
                html.Label(
                    [
                        html.Span(f"Cantidad de {item.producto}", className="visually-hidden"),
                        # Text with a numeric keypad: a number input would report a
                        # non-multiple of its step as empty; the callback rounds what is typed
                        # up to the pack instead.
                        dcc.Input(
                            id={"type": "compras-qty", **key},
                            type="text",
                            inputMode="numeric",
                            value=str(int(item.sugerido)),
                            debounce=True,
                            className="form-control form-control-sm qty",
                        ),
                        html.Div(f"bulto de {int(item.pack)}", className="small text-muted"),
                    ],
                    className="mb-0",
                )
            ),
            html.Td(amount or "–", id={"type": "compras-amount", **key}),
        ]
    )


def send_buttons(pid: int, row, text: str, entrega) -> html.Div:
    """Return Copiar, Enviar por WhatsApp (or why not), Email and CSV for one provider."""
    copy = dcc.Clipboard(
        id={"type": "compras-copy", "prov": pid},
        content=text,
        title="Copiar el pedido",
        className="copy",
    )
    parts = [
        html.Span(
            [copy, html.Span("Copiar", className="ms-3")],
            className="btn btn-outline-secondary btn-sm copy-wrap",
        )
    ]
    if row.whatsapp:
        parts.append(
            html.A(
                "Enviar por WhatsApp",
                id={"type": "compras-wa", "prov": pid},
                href=ordertext.whatsapp_link(row.whatsapp, text),
                target="_blank",
                rel="noopener",
                className="btn btn-success btn-sm",
            )
        )
    else:
        parts.append(
            html.Span(
                f"Sin WhatsApp: el teléfono «{row.telefono or ''}» {row.whatsapp_motivo}.",
                className="small text-muted no-wa",
            )
        )
    mail = ordertext.mailto_link(row.email, entrega, text)
    if mail:
        parts.append(
            html.A(
                "Email",
                id={"type": "compras-mail", "prov": pid},
                href=mail,
                className="btn btn-outline-primary btn-sm",
            )
        )
    elif row.email:
        parts.append(
            html.Span(
                f"Sin email: «{row.email}» no es una dirección válida.",
                className="small text-muted no-mail",
            )
        )
    parts.append(components.download_button(PAGE, str(pid), "CSV", f"el pedido a {row.proveedor}"))
    return html.Div(parts, className="d-flex flex-wrap gap-2 align-items-center no-print")


@callback(
    Output({"type": "compras-text", "prov": MATCH}, "children"),
    Output({"type": "compras-copy", "prov": MATCH}, "content"),
    Output({"type": "compras-total", "prov": MATCH}, "children"),
    Output({"type": "compras-amount", "prov": MATCH, "prod": ALL}, "children"),
    Input({"type": "compras-qty", "prov": MATCH, "prod": ALL}, "value"),
    State({"type": "compras-lines", "prov": MATCH}, "data"),
    State({"type": "compras-meta", "prov": MATCH}, "data"),
    prevent_initial_call=True,
)
def edit_order(values, lines, meta):
    """Rewrite the order after a quantity changes (rounded up to the pack; 0 drops the line).

    The typed value stays as typed (writing it back raced with the next keystrokes); the text,
    the amounts and the CSV use it rounded up to the pack.
    """
    quantities = [ordertext.round_to_pack(v, x["pack"]) for v, x in zip(values, lines, strict=True)]
    order = [_as_line(x, q) for x, q in zip(lines, quantities, strict=True)]
    text = _text_of(meta, order)
    amounts = [
        fmt_money(q * x["precio"]) if x["precio"] is not None else "–"
        for q, x in zip(quantities, lines, strict=True)
    ]
    _set_links(meta, text)
    return text, text, fmt_money(ordertext.total(order)), amounts


def _text_of(meta: dict, order: list) -> str:
    from datetime import date

    return ordertext.order_text(meta["contacto"], date.fromisoformat(meta["entrega"]), order)


def _set_links(meta: dict, text: str) -> None:
    """Point the WhatsApp and e-mail buttons (when the provider has them) at the new text."""
    from datetime import date

    prov = dash.ctx.outputs_list[0]["id"]["prov"]
    if meta["whatsapp"]:
        dash.set_props(
            {"type": "compras-wa", "prov": prov},
            {"href": ordertext.whatsapp_link(meta["whatsapp"], text)},
        )
    if meta["email"]:
        entrega = date.fromisoformat(meta["entrega"])
        dash.set_props(
            {"type": "compras-mail", "prov": prov},
            {"href": ordertext.mailto_link(meta["email"], entrega, text)},
        )


@callback(
    Output({"type": "dl", "page": PAGE, "name": MATCH}, "data"),
    Input({"type": "dl-btn", "page": PAGE, "name": MATCH}, "n_clicks"),
    Input({"type": components.XLSX_BUTTON, "page": PAGE, "name": MATCH}, "n_clicks"),
    State({"type": "compras-qty", "prov": ALL, "prod": ALL}, "value"),
    State({"type": "compras-qty", "prov": ALL, "prod": ALL}, "id"),
    State("compras-nav", "search"),
    prevent_initial_call=True,
)
def download(_clicks, _excel_clicks, values, ids, search):
    """Send one provider's order (or everything) as CSV or Excel, with the quantities as edited."""
    filters, _ = read_query(**_query_of(search))
    items = components.fetch_or_none(PAGE, queries.REORDER, filters)
    if items is None:
        return dash.no_update
    edited = {i["prod"]: v for i, v in zip(ids, values, strict=True)}
    items = items.assign(
        sugerido=[
            ordertext.round_to_pack(edited.get(pid, s), p)
            for pid, s, p in zip(
                items["producto_id"], items["sugerido"], items["pack"], strict=True
            )
        ]
    )
    items["importe_estimado"] = (items["sugerido"] * items["precio_compra"]).round(2)
    name = dash.ctx.triggered_id["name"]
    parts: list = []
    if name != "todo":
        items = items[items["proveedor_id"] == int(name)]
        parts = list(items["proveedor"].head(1))
    filename = file_name("pedido-sugerido", *parts, clock.today())
    return components.table_download(items[list(PRODUCT_FIELDS)], filename, dash.ctx.triggered_id)


def _query_of(search: str | None) -> dict:
    from minimarket_dash.dashboard import query_from_search

    query = query_from_search(search)
    return {name: query.get(name) for name in ("proveedor", "solo_hoy", "dias")}
