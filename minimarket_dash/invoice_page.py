"""Pieces of the Facturas page that are not callbacks: URL state, texts, tables and KPIs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dash_table, dcc, html

from . import claimtext, components, ordertext
from .charts import FONT
from .dashboard import query_from_search
from .filters import DATE_MIN, DATED, INT_RANGES, NUMBER_RANGES, Filters, read_filters
from .formatting import fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, month_label
from .invoice_report import has_problem
from .invoice_states import ESTADO_LABELS, ESTADOS, PENDIENTE, SETTLED, open_overcharge
from .invoicecheck import FLAGS, OK, price_above
from .phones import normalise_phone
from .queries.prices import PriceReport

FLAG_LABELS = {
    "ok": "OK",
    "sin_pedido": "Sin pedido",
    "precio_mayor": "Precio mayor",
    "cantidad_distinta": "Cantidad distinta",
    "no_pedido": "Producto no pedido",
    "sin_proveedor": "Sin proveedor",
    "ilegible": "Ilegible",
    "pendiente": "Pendiente",
    "duplicada": "Duplicada",
}
FLAG_HELP = {
    "sin_pedido": "No hay un pedido entregado del proveedor, con entrega hasta 3 días antes o "
    "después de la factura, que tenga algún producto de la factura.",
    "precio_mayor": "Algún producto se facturó a un precio unitario mayor que el del pedido "
    "en más de la tolerancia elegida.",
    "cantidad_distinta": "Se facturó una cantidad distinta de la pedida de algún producto.",
    "no_pedido": "La factura trae un producto que no estaba en el pedido.",
    "sin_proveedor": "No se pudo saber de qué proveedor es: no está asignada y el nombre "
    "leído no coincide con ningún proveedor.",
    "ilegible": "No se pudieron leer los productos de la factura.",
    "pendiente": "La factura todavía no se procesó.",
    "duplicada": "Ya hay una factura anterior del mismo proveedor con el mismo número.",
    "ok": "Coincide con su pedido y no tiene observaciones.",
}
FLAG_COLORS = {
    "ok": "success",
    "pendiente": "secondary",
    "ilegible": "dark",
    "sin_proveedor": "dark",
    "precio_mayor": "danger",
    "duplicada": "danger",
}
MARCAS = ("todas", "problemas", *FLAGS, OK)
NO_DATE = "sin fecha"  # an invoice the OCR read no date of
ALL_DATES = "todas"  # ?fechas=todas: every invoice whatever its date (no 90-day window)
# Inicio's «Facturas por procesar» opens this view: every unprocessed invoice, any date.
UNPROCESSED_VIEW = "/facturas?marca=pendiente&fechas=todas"


@dataclass
class PageState:
    """What the page's URL asks for: the filters, the flag shown, and notices of bad values."""

    filters: Filters = field(default_factory=Filters)
    marca: str = "todas"
    notices: list[str] = field(default_factory=list)
    todas_fechas: bool = False  # no date window at all (dates in the URL win over it)


def page_state(query: dict) -> PageState:
    """Read the page's URL leniently: invalid values become notices, out of range is clamped."""
    reading = read_filters(query, (*DATED, "meses", "tolerancia"))
    marca = query.get("marca") if query.get("marca") in MARCAS else "todas"
    f = reading.filters
    everything = query.get("fechas") == ALL_DATES and not (f.start_date or f.end_date)
    return PageState(f, marca, reading.notices, everything)


def query_filters(state: PageState) -> Filters:
    """The filters the invoice check runs with: «todas las fechas» opens the window to every
    date (from DATE_MIN, no end); otherwise the URL's (the check's 90 days by default)."""
    if state.todas_fechas:
        return replace(state.filters, start_date=DATE_MIN, end_date=None)
    return state.filters


def state_from_search(search: str | None) -> PageState:
    """Return the page state of a `?a=b` query string."""
    return page_state(query_from_search(search))


def search_from_state(state: PageState) -> str:
    """Write the state back as a query string (defaults left out)."""
    f = state.filters
    values = {
        "start_date": f.start_date.isoformat() if f.start_date else None,
        "end_date": f.end_date.isoformat() if f.end_date else None,
        "proveedor": f.proveedor,
        "tolerancia": f"{f.tolerancia:g}"
        if f.tolerancia != NUMBER_RANGES["tolerancia"][0]
        else None,
        "meses": str(f.meses) if f.meses != INT_RANGES["meses"][0] else None,
        "marca": state.marca if state.marca != "todas" else None,
        "fechas": ALL_DATES if state.todas_fechas else None,
    }
    kept = {key: value for key, value in values.items() if value}
    return "?" + urlencode(kept) if kept else ""


def marca_options() -> list[dict]:
    """Options of the flag filter, in Spanish."""
    return [
        {"label": "Todas", "value": "todas"},
        {"label": "Con problemas", "value": "problemas"},
        *({"label": FLAG_LABELS[name], "value": name} for name in (*FLAGS, OK)),
    ]


def shown_invoices(frame: pd.DataFrame, marca: str) -> pd.DataFrame:
    """Return the invoices having the chosen flag (`problemas`: any but ok; `todas`: all)."""
    if frame.empty or marca == "todas":
        return frame
    if marca == "problemas":
        keep = frame["flags"].map(has_problem)
    else:
        keep = frame["flags"].map(lambda flags: marca in flags)
    return frame[keep.astype(bool)]


def badges(flags: list[str]) -> list:
    """Return one Spanish badge per flag."""
    return [
        dbc.Badge(
            FLAG_LABELS[name],
            color=FLAG_COLORS.get(name, "warning"),
            text_color="dark" if FLAG_COLORS.get(name, "warning") == "warning" else None,
            className=f"me-1 flag flag-{name}",
            title=FLAG_HELP[name],
        )
        for name in flags
    ]


def _money(value) -> str:
    return "–" if value is None or pd.isna(value) else fmt_money(float(value))


MONEY_FORMAT = {
    "locale": {"symbol": ["$ ", ""], "group": ".", "decimal": ","},
    "specifier": "$,.2f",
}
TABLE_COLUMNS = (
    {"id": "fecha", "name": "Fecha"},
    {"id": "numero_factura", "name": "Número"},
    {"id": "proveedor", "name": "Proveedor"},
    {"id": "pedido", "name": "Pedido"},
    {"id": "total", "name": "Total", "type": "numeric", "format": MONEY_FORMAT},
    {"id": "cobrado_de_mas", "name": "De más", "type": "numeric", "format": MONEY_FORMAT},
    {"id": "marcas", "name": "Marcas", "presentation": "markdown"},
    {"id": "estado", "name": "Estado"},
)


def invoice_grid() -> dash_table.DataTable:
    """Return the invoice table (one component: fast with hundreds of rows); a cell opens it."""
    return dash_table.DataTable(
        id="facturas-table-grid",
        columns=list(TABLE_COLUMNS),
        data=[],
        page_size=15,
        page_action="native",
        sort_action="native",
        markdown_options={"html": True},
        style_table={"overflowX": "auto", "minWidth": "100%"},
        style_cell={
            "fontFamily": FONT,
            "fontSize": "0.85rem",
            "padding": "4px 6px",
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
            "cursor": "pointer",
        },
        style_cell_conditional=[
            {"if": {"column_id": c}, "textAlign": "right"} for c in ("total", "cobrado_de_mas")
        ],
        style_data_conditional=[
            {
                "if": {"filter_query": "{cobrado_de_mas} > 0", "column_id": "cobrado_de_mas"},
                "color": "var(--mm-bad)",
                "fontWeight": "600",
            }
        ],
        style_header={"fontWeight": "600", "backgroundColor": "var(--mm-table-head)"},
        css=[
            {"selector": ".dash-spreadsheet-menu", "rule": "display: none"},
            {"selector": "p", "rule": "margin: 0"},
        ],
    )


def badge_html(flags: list[str]) -> str:
    """Return the flags as Bootstrap badges (HTML the table shows as markdown)."""
    return " ".join(
        f'<span class="badge rounded-pill bg-{FLAG_COLORS.get(name, "warning")} '
        f"{'text-dark ' if FLAG_COLORS.get(name, 'warning') == 'warning' else ''}"
        f'flag flag-{name}" title="{FLAG_HELP[name]}">{FLAG_LABELS[name]}</span>'
        for name in flags
    )


def invoice_rows(frame: pd.DataFrame) -> list[dict]:
    """Return the invoices as rows of the table (id = factura_id); `flags` and `estado_clave`
    are not columns but feed the phone cards."""
    return [
        {
            "id": int(row["factura_id"]),
            "fecha": fmt_date(pd.Timestamp(row["fecha_factura"]))
            if row["fecha_factura"]
            else NO_DATE,
            "numero_factura": row["numero_factura"] or "–",
            "proveedor": row["proveedor"] or f"({row['proveedor_original'] or 'sin nombre'})",
            "pedido": row["pedido"] or "–",
            "total": row["total"],
            "cobrado_de_mas": row["cobrado_de_mas"],
            "marcas": badge_html(row["flags"]),
            "estado": ESTADO_LABELS[row.get("estado") or PENDIENTE],
            "estado_clave": row.get("estado") or PENDIENTE,
            "flags": list(row["flags"]),
        }
        for row in frame.to_dict("records")
    ]


CARDS_SHOWN = 20  # phone cards per «Mostrar más»


def invoice_cards(rows: list[dict], limit: int) -> list:
    """Return the invoices as cards (what a phone shows instead of the table): date, provider,
    total, «de más», flags and state; a tap opens the invoice like a row of the table."""
    cards = [
        html.Button(
            [
                html.Div(
                    [
                        html.Span(row["fecha"], className="fw-semibold"),
                        html.Span(row["numero_factura"], className="small text-muted"),
                    ],
                    className="d-flex justify-content-between gap-2 flex-wrap",
                ),
                html.Div(row["proveedor"], className="invoice-card-provider"),
                html.Div(
                    [
                        html.Span(["Total ", html.Strong(_money(row["total"]))]),
                        html.Span(
                            [
                                "De más ",
                                html.Strong(
                                    _money(row["cobrado_de_mas"]),
                                    className="text-danger"
                                    if (row["cobrado_de_mas"] or 0) > 0
                                    else None,
                                ),
                            ],
                            className="invoice-card-extra",
                        ),
                    ],
                    className="d-flex justify-content-between gap-2 flex-wrap",
                ),
                html.Div(badges(row["flags"]), className="invoice-card-flags"),
                html.Div(
                    f"Estado: {row['estado']}", className="small text-muted invoice-card-estado"
                ),
            ],
            id={"type": "facturas-card", "id": row["id"]},
            n_clicks=0,
            type="button",
            className="invoice-card card text-start w-100 mb-2 p-2",
        )
        for row in rows[:limit]
    ]
    if len(rows) > limit:
        cards.append(
            html.Div(
                f"Mostrando {fmt_int(limit)} de {fmt_int(len(rows))} facturas.",
                className="small text-muted mb-1",
            )
        )
    return cards


def _difference(invoiced: float, ordered) -> str:
    if ordered is None or not ordered:
        return "–"
    return ("+" if invoiced > ordered else "") + fmt_pct((invoiced / ordered - 1) * 100)


DETAIL_COLUMNS = (
    "Producto",
    "Cant. facturada",
    "Cant. pedida",
    "Precio facturado",
    "Precio pedido",
    "Dif.",
)


def detail(
    row: dict, tolerancia: float, contact: dict | None = None, can_set: bool = True
) -> html.Div:
    """Return an invoice: its state (who set it and when), «Reclamar» when it has something to
    claim, and its items side by side with its order, differences highlighted. On a phone the
    items table stacks each line as «label value» rows (components.stacked_table's CSS)."""
    title = f"Factura {row['numero_factura'] or row['factura_id']} · " + (
        f"pedido {row['pedido']}" if row["pedido"] else "sin pedido"
    )
    header = [html.H3(title, className="h6 mt-2")]
    if row.get("fecha_factura"):
        header.append(
            html.Div(
                f"{row.get('proveedor') or row.get('proveedor_original') or 'Sin proveedor'} · "
                f"{fmt_date(pd.Timestamp(row['fecha_factura']))} · total "
                f"{_money(row.get('total'))} · de más {_money(row.get('cobrado_de_mas'))}",
                className="small text-muted mb-2",
            )
        )
    header.append(estado_panel(row, can_set))
    if claimtext.claimable(row.get("flags", ())) and row.get("fecha_factura"):
        header.append(claim_panel(row, tolerancia, contact))
    head = html.Thead(
        html.Tr(
            [
                html.Th(DETAIL_COLUMNS[0]),
                *(html.Th(text, className="text-end") for text in DETAIL_COLUMNS[1:]),
            ]
        )
    )
    body = [_detail_row(item, row["pedido"] is not None, tolerancia) for item in row["items"]]
    if not body:
        return html.Div(
            [*header, components.empty_state("No se pudieron leer productos en esta factura.")],
            id="facturas-detail-body",
        )
    return html.Div(
        [
            *header,
            dbc.Table(
                [head, html.Tbody(body)],
                size="sm",
                bordered=True,
                className="stacked-table facturas-lines mb-0",
            ),
        ],
        id="facturas-detail-body",
    )


def _detail_row(item: dict, has_order: bool, tolerancia: float) -> html.Tr:
    ordered_qty, ordered_price = item["cantidad_pedida"], item["precio_pedido"]
    missing = has_order and ordered_qty is None
    price_bad = price_above(item["precio_unitario"], ordered_price, tolerancia)
    qty_bad = ordered_qty is not None and ordered_qty != item["cantidad"]
    bad = "text-danger fw-bold"
    cells = [
        (
            fmt_number(item["cantidad"], 0 if float(item["cantidad"]).is_integer() else 2),
            bad if qty_bad else "",
        ),
        (
            "–"
            if ordered_qty is None
            else fmt_number(ordered_qty, 0 if float(ordered_qty).is_integer() else 2),
            "",
        ),
        (_money(item["precio_unitario"]), bad if price_bad else ""),
        (_money(ordered_price), ""),
        (_difference(item["precio_unitario"], ordered_price), bad if price_bad else ""),
    ]
    return html.Tr(
        [
            html.Td(
                [
                    html.Span(item["descripcion"], className="product-name me-1"),
                    *badges(["no_pedido"] if missing else []),
                ],
                className="col-producto",
                **{"data-label": DETAIL_COLUMNS[0]},
            ),
            *(
                html.Td(text, className=f"text-end {extra}".strip(), **{"data-label": label})
                for (text, extra), label in zip(cells, DETAIL_COLUMNS[1:], strict=True)
            ),
        ],
        className="table-danger" if price_bad or missing else None,
    )


def estado_panel(row: dict, can_set: bool) -> html.Div:
    """The invoice's state with who set it and when, and the control to change it."""
    estado = row.get("estado") or PENDIENTE
    controls = [
        html.Label("Estado", htmlFor="facturas-estado", className="small fw-semibold mb-0"),
        dbc.Select(
            id="facturas-estado",
            value=estado,
            size="sm",
            disabled=not can_set,
            options=[{"label": ESTADO_LABELS[name], "value": name} for name in ESTADOS],
            style={"maxWidth": "12rem"},
        ),
        dbc.Button(
            "Guardar estado",
            id="facturas-estado-guardar",
            size="sm",
            color="primary",
            disabled=not can_set,
            n_clicks=0,
        ),
    ]
    return html.Div(
        [
            html.Div(controls, className="d-flex flex-wrap align-items-center gap-2"),
            html.Div(
                estado_note(row, can_set),
                id="facturas-estado-nota",
                className="small text-muted mt-1",
                **{"aria-live": "polite"},
            ),
        ],
        className="facturas-estado mb-2",
    )


def estado_note(row: dict, can_set: bool = True) -> str:
    """«Reclamada por ana el 15/03/2026 12:00» (or who may change it)."""
    estado = row.get("estado") or PENDIENTE
    if row.get("estado_usuario"):
        when = pd.Timestamp(row["estado_cuando"])
        text = (
            f"{ESTADO_LABELS[estado]} por {row['estado_usuario']} el {fmt_date(when)} {when:%H:%M}."
        )
    else:
        text = "Nadie le puso un estado todavía."
    if estado in SETTLED:
        text += " No cuenta en «Te cobraron de más»."
    if not can_set:
        text += " Para cambiarlo tenés que iniciar sesión."
    return text


def claim_panel(row: dict, tolerancia: float, contact: dict | None) -> html.Div:
    """«Reclamar»: the claim's text with Copiar, WhatsApp (the provider's phone, as in «Qué
    pedir») and Email (only to a plain address: claimtext.safe_email)."""
    contact = contact or {}
    lines = claimtext.claim_lines(row["items"], row["pedido"] is not None, tolerancia)
    day = date.fromisoformat(str(row["fecha_factura"])[:10])
    text = claimtext.claim_text(
        contact.get("contacto"), row["numero_factura"], day, row["pedido"], lines
    )
    copy = dcc.Clipboard(
        id="facturas-claim-copy", content=text, title="Copiar el reclamo", className="copy"
    )
    parts = [
        html.Span(
            [copy, html.Span("Copiar", className="ms-4")],
            className="btn btn-outline-secondary btn-sm copy-wrap",
        )
    ]
    number, reason = normalise_phone(contact.get("telefono"))
    if number:
        parts.append(
            html.A(
                "Enviar por WhatsApp",
                id="facturas-claim-wa",
                href=ordertext.whatsapp_link(number, text),
                target="_blank",
                rel="noopener",
                className="btn btn-success btn-sm",
            )
        )
    else:
        phone = (contact.get("telefono") or "").strip()
        parts.append(
            html.Span(
                f"Sin WhatsApp: el teléfono «{phone}» {reason}."
                if phone
                else "Sin WhatsApp: el proveedor no tiene teléfono cargado.",
                id="facturas-claim-nowa",
                className="small text-muted",
            )
        )
    mail = claimtext.mailto_link(
        contact.get("email"), claimtext.claim_subject(row["numero_factura"], day), text
    )
    if mail:
        parts.append(
            html.A(
                "Email",
                id="facturas-claim-mail",
                href=mail,
                className="btn btn-outline-primary btn-sm",
            )
        )
    else:
        shown = (contact.get("email") or "").strip()
        parts.append(
            html.Span(
                f"Sin email: «{shown}» no es una dirección válida."
                if shown
                else "Sin email: el proveedor no tiene email cargado.",
                id="facturas-claim-nomail",
                className="small text-muted",
            )
        )
    return html.Div(
        [
            dbc.Button(
                f"Reclamar {fmt_money(claimtext.claim_total(lines))}",
                id="facturas-claim-open",
                color="danger",
                outline=True,
                size="sm",
                n_clicks=0,
                className="mb-2",
            ),
            dbc.Collapse(
                html.Div(
                    [
                        html.Pre(text, id="facturas-claim-text", className="order-text"),
                        html.Div(
                            parts, className="d-flex flex-wrap gap-2 align-items-center no-print"
                        ),
                    ]
                ),
                id="facturas-claim",
                is_open=False,
            ),
        ],
        className="facturas-claim mb-2",
    )


def kpis(frame: pd.DataFrame | None, report: PriceReport | None, tolerancia: float) -> list:
    """Return the four KPI cards of the page."""
    if frame is None:
        return [components.kpi_card("Facturas", "–", "Sin datos")]
    extra = open_overcharge(frame)
    problems = int(sum(has_problem(flags) for flags in frame["flags"]))
    pending = int(sum(("pendiente" in f) or ("sin_proveedor" in f) for f in frame["flags"]))
    estados = frame["estado"] if "estado" in frame else [PENDIENTE] * len(frame)
    charged = int(
        sum(
            "precio_mayor" in flags and estado not in SETTLED
            for flags, estado in zip(frame["flags"], estados, strict=True)
        )
    )
    cards = [
        components.kpi_card(
            "Te cobraron de más",
            fmt_money(extra),
            f"{fmt_int(charged)} facturas con precio mayor al pedido "
            f"(tolerancia {fmt_number(tolerancia, 1)} %), sin acreditar ni "
            "ignorar",
        ),
        components.kpi_card(
            "Facturas con problemas",
            f"{fmt_int(problems)} / {fmt_int(len(frame))}",
            "con alguna marca distinta de OK",
        ),
        components.kpi_card("Pendientes", fmt_int(pending), "sin procesar o sin proveedor"),
    ]
    cards.append(_top_riser(report))
    return cards


def _top_riser(report: PriceReport | None):
    ranked = [p for p in (report.proveedores if report else []) if p.estado == "ranked"]
    if not ranked:
        return components.kpi_card(
            "Más aumentó vs. el mercado", "–", "ningún proveedor con 3 productos comparables"
        )
    top = max(ranked, key=lambda p: (p.diferencia_pp, -ranked.index(p)))
    sign = "+" if top.diferencia_pp > 0 else ""
    return components.kpi_card(
        "Más aumentó vs. el mercado",
        top.proveedor,
        f"{sign}{fmt_number(top.diferencia_pp, 1)} pp: {fmt_pct(top.cambio_pct)} contra "
        f"{fmt_pct(report.mercado)} del mercado ({month_label(report.mes_base, short=True)} → "
        f"{month_label(report.mes_actual, short=True)})",
    )


def product_rows(report: PriceReport | None, provider_id) -> list[dict]:
    """Return the picked provider's top products formatted for the table."""
    if report is None or provider_id is None:
        return []
    change = next((p for p in report.proveedores if p.proveedor_id == provider_id), None)
    if change is None:
        return []
    return [
        {
            "producto": p["producto"],
            "precio_base": fmt_money(p["precio_base"]),
            "precio_actual": fmt_money(p["precio_actual"]),
            "cambio_pct": ("+" if p["cambio_pct"] > 0 else "") + fmt_pct(p["cambio_pct"]),
        }
        for p in change.productos
    ]


def explanation() -> html.Div:
    """Return the page's explanation of each flag and of the price change, in Spanish."""
    flags = html.Ul(
        [
            html.Li([html.Strong(FLAG_LABELS[name] + ": "), FLAG_HELP[name]])
            for name in (*FLAGS, OK)
        ],
        className="small mb-2",
    )
    prices = html.P(
        "Aumento de un proveedor: para cada producto que le compraste en el mes base y en el "
        "último mes completo, se compara su precio unitario promedio (ponderado por las "
        "cantidades pedidas, sin pedidos cancelados); los productos pesan según lo que "
        "gastaste en ellos en el mes base. Con menos de 3 productos comparables el proveedor "
        "figura como «datos insuficientes». El mercado es la mediana de los aumentos; la "
        "diferencia se mide en puntos porcentuales (pp). El índice encadena mes a mes la "
        "misma cuenta y vale 100 en el primer mes.",
        className="small mb-0",
    )
    states = html.P(
        "Estado de una factura: Pendiente (nadie lo cambió), Reclamada, Acreditada o Ignorada; "
        "lo cambia un encargado ingresado y queda quién y cuándo. «Te cobraron de más» no "
        "cuenta las Acreditadas ni las Ignoradas. «Reclamar» arma el mensaje para el "
        "proveedor: precio de más × cantidad facturada, unidades de más × precio pedido y "
        "productos no pedidos.",
        className="small mb-2",
    )
    return dbc.Accordion(
        [
            dbc.AccordionItem(
                [flags, states, prices],
                title="¿Qué significa cada marca y cómo se calcula el aumento?",
            )
        ],
        start_collapsed=True,
        className="mb-3",
        id="facturas-ayuda",
    )


def rows_frame(rows: list[dict], fields) -> pd.DataFrame:
    """Return CSV rows as a frame with the API's columns (also when there are none)."""
    return pd.DataFrame(rows, columns=list(fields))


def describe(state: PageState, report: PriceReport | None) -> str:
    """Say in words what the page shows."""
    f = state.filters
    if state.todas_fechas:
        period = "Facturas de todas las fechas"
    elif f.start_date or f.end_date:
        period = (
            f"Facturas del {fmt_date(f.start_date) if f.start_date else 'inicio'} al "
            f"{fmt_date(f.end_date) if f.end_date else 'hoy'}"
        )
    else:
        period = "Facturas de los últimos 90 días"
    provider = f" · proveedor «{f.proveedor}»" if f.proveedor else " · todos los proveedores"
    months = ""
    if report is not None:
        months = f" · aumentos de {month_label(report.mes_base)} a {month_label(report.mes_actual)}"
    return period + provider + f" · tolerancia {fmt_number(f.tolerancia, 1)} %" + months
