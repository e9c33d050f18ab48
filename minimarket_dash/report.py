"""The morning report (`minimarket-dash report`): yesterday's figures, what is out of stock, who
to order from today, invoice problems and price rises, e-mailed in Spanish as HTML with a
plain-text alternative.

The figures come from the dashboard's own queries (queries/), run on one read-only connection
with the settings' "now", so the e-mail and the pages never disagree. Sending is smtplib:
smtps:// is TLS from the start, smtp:// upgrades with STARTTLS whenever the server offers it,
and certificates are verified with the system's CAs (or SSL_CERT_FILE). Any failure to send
is one Spanish line naming the server, without the password (exit code 2).
"""

from __future__ import annotations

import argparse
import html
import re
import smtplib
import socket
import ssl
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TextIO
from urllib.parse import unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from .config import Settings
from .filters import Filters, clean_proveedor
from .formatting import WEEKDAYS, fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, pct_change
from .invoice_report import has_problem
from .invoice_states import ESTADO_LABELS, PENDIENTE, counts, invoice_marks
from .queries._common import provider_ids
from .queries.catalog import low_stock_all
from .queries.invoices import invoice_check
from .queries.orders import weekly_sales
from .queries.prices import monthly_prices, price_changes
from .queries.reorder import providers_of, reorder
from .queries.stock import stock_timeline

INVOICE_DAYS = 7  # invoices dated in the last 7 days, today included
RISES_SHOWN = 3
ITEMS_SHOWN = 12  # product lines listed per provider (the page has them all)
OUT_OF_STOCK_SHOWN = 15
INVOICES_SHOWN = 10
SMTP_TIMEOUT_SECONDS = 30
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
DRY_RUN_SENDER = "minimarket-dash@localhost"
EXIT_NOT_SENT = 2  # configuration or SMTP: the operator must act
EXIT_NO_DATA = 1  # the database did not answer (like refresh and optimize)


class ReportError(RuntimeError):
    """The report could not be built or sent; the message is one line for the operator."""

    def __init__(self, message: str, exit_code: int = EXIT_NOT_SENT):
        super().__init__(message)
        self.exit_code = exit_code


# ---------------------------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    """Orders, units ordered and stock movements of one calendar day."""

    day: date
    pedidos: int
    unidades: int
    movimientos: int


@dataclass(frozen=True)
class ProviderOrder:
    """A provider whose usual order day is today, with the suggested lines."""

    proveedor_id: int
    proveedor: str
    lineas: int
    importe_estimado: float | None
    items: list[tuple[str, int, float | None]]  # producto, sugerido, importe_estimado
    filtro: str | None  # the `proveedor` text that finds this provider alone (see link_text)


@dataclass(frozen=True)
class InvoiceProblem:
    """An invoice of the last days with a flag other than `ok`."""

    numero_factura: str | None
    fecha_factura: str
    proveedor: str | None
    flags: list[str]
    total: float | None
    cobrado_de_mas: float
    estado: str = PENDIENTE  # the manager's state of it (minimarket_dash/invoice_states.py)


@dataclass(frozen=True)
class PriceRise:
    """A provider's price change against the market's median over the same months."""

    proveedor: str
    cambio_pct: float
    diferencia_pp: float
    filtro: str | None


@dataclass
class MorningReport:
    """Everything the e-mail says, gathered once."""

    now: datetime
    yesterday: DayFigures
    week_before: DayFigures
    out_of_stock: list[tuple[int, str, str | None]]  # producto_id, producto, proveedor
    providers_today: list[ProviderOrder]
    invoices_checked: int
    invoice_problems: list[InvoiceProblem]
    mercado: float | None
    mes_base: str
    mes_actual: str
    rises: list[PriceRise] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def invoice_first_day(self) -> date:
        return self.today - timedelta(days=INVOICE_DAYS - 1)

    @property
    def overcharged(self) -> float:
        """Money charged above the orders' prices in the window's invoices that are neither
        acreditada nor ignorada (as the page's «Te cobraron de más»)."""
        return round(
            sum(item.cobrado_de_mas for item in self.invoice_problems if counts(item.estado)), 2
        )


def gather(conn: Connection, settings: Settings, now: datetime) -> MorningReport:
    """Run the dashboard's queries for the report of `now`'s day."""
    yesterday = now.date() - timedelta(days=1)
    monthly = monthly_prices(conn, Filters(), now)
    prices = price_changes(monthly, now, Filters().meses)
    invoices = invoice_check(
        conn,
        Filters(start_date=now.date() - timedelta(days=INVOICE_DAYS - 1), end_date=now.date()),
        now,
    )
    return MorningReport(
        now=now,
        yesterday=day_figures(conn, yesterday, now),
        week_before=day_figures(conn, yesterday - timedelta(days=7), now),
        out_of_stock=_out_of_stock(conn, now),
        providers_today=_providers_today(conn, now, settings.default_lead_days),
        invoices_checked=len(invoices),
        invoice_problems=_invoice_problems(invoices, invoice_marks(settings)),
        mercado=prices.mercado,
        mes_base=prices.mes_base,
        mes_actual=prices.mes_actual,
        rises=[
            PriceRise(
                c.proveedor,
                c.cambio_pct,
                c.diferencia_pp,
                link_text(conn, c.proveedor_id, c.proveedor),
            )
            for c in prices.proveedores[:RISES_SHOWN]
            if c.estado == "ranked" and c.diferencia_pp is not None and c.diferencia_pp > 0
        ],
    )


def day_figures(conn: Connection, day: date, now: datetime) -> DayFigures:
    """One day's orders and units (the weekly chart's query) and movements (the timeline's)."""
    one_day = Filters(start_date=day, end_date=day)
    orders = weekly_sales(conn, one_day, now)
    moves = stock_timeline(conn, one_day, now)
    return DayFigures(
        day,
        int(orders["pedidos"].sum()),
        int(orders["productos"].sum()),
        int(moves["movimientos"].sum()),
    )


def _out_of_stock(conn: Connection, now: datetime) -> list[tuple[int, str, str | None]]:
    """Active products with no stock left (the low-stock list, stock at or below zero)."""
    low = low_stock_all(conn, Filters(), now)
    empty = low[low["stock_actual"] <= 0].sort_values(["producto", "producto_id"])
    return [
        (int(row.producto_id), str(row.producto), _text(row.proveedor))
        for row in empty.itertuples()
    ]


def _providers_today(conn: Connection, now: datetime, lead_days: int) -> list[ProviderOrder]:
    """«Qué pedir hoy»'s providers whose usual day is today, largest estimate first."""
    items = reorder(conn, Filters(), now, lead_days)
    providers = providers_of(items)
    due = providers[providers["pide_hoy"]]
    orders = []
    for row in due.itertuples():
        mine = items[items["proveedor_id"] == row.proveedor_id]
        orders.append(
            ProviderOrder(
                proveedor_id=int(row.proveedor_id),
                proveedor=str(row.proveedor),
                lineas=int(row.lineas),
                importe_estimado=_number(row.importe_estimado),
                items=[
                    (str(line.producto), int(line.sugerido), _number(line.importe_estimado))
                    for line in mine.itertuples()
                ],
                filtro=link_text(conn, int(row.proveedor_id), str(row.proveedor)),
            )
        )
    orders.sort(key=lambda order: (-(order.importe_estimado or 0), order.proveedor))
    return orders


def link_text(conn: Connection, provider_id: int, name: str) -> str | None:
    """Return a `proveedor` text that the pages match to this provider alone, or None.

    Pages match the cleaned text inside names and codes (filters.clean_proveedor drops quotes,
    commas…), so `Martínez, Hijos y Cía.` is found by its longest clean piece, not by itself.
    """
    pieces = re.split(r"[^\w\s\-./]+", name)
    candidates = [
        clean_proveedor(name),
        *sorted((clean_proveedor(p) for p in pieces), key=lambda text: -len(text or "")),
    ]
    for text in candidates:
        if text and provider_ids(conn, text) == [provider_id]:
            return text
    return None


def _invoice_problems(invoices: pd.DataFrame, marks: dict | None = None) -> list[InvoiceProblem]:
    """Invoices with a problem, most money charged above the order first, then newest."""
    marks = marks or {}
    problems = [
        InvoiceProblem(
            row["numero_factura"],
            row["fecha_factura"],
            row["proveedor"],
            list(row["flags"]),
            _number(row["total"]),
            float(row["cobrado_de_mas"] or 0),
            marks.get(str(row["factura_id"]), PENDIENTE),
        )
        for row in invoices.to_dict("records")
        if has_problem(row["flags"])
    ]
    problems.sort(key=lambda item: item.fecha_factura, reverse=True)
    problems.sort(key=lambda item: -item.cobrado_de_mas)  # stable: newest first among equals
    return problems


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


# ---------------------------------------------------------------------------------------------
# Links and words
# ---------------------------------------------------------------------------------------------


class Links:
    """The dashboard's pages the report points to, under DASHBOARD_PUBLIC_URL."""

    def __init__(self, public_url: str):
        self.base = public_url.rstrip("/")

    def page(self, path: str, **query) -> str:
        kept = {name: value for name, value in query.items() if value is not None}
        return f"{self.base}{path}" + (f"?{urlencode(kept)}" if kept else "")

    def provider_order(self, order: ProviderOrder) -> str:
        """«Qué pedir hoy» filtered to the provider (the day's providers when no text finds it
        alone)."""
        if order.filtro is None:
            return self.page("/compras", solo_hoy="true")
        return self.page("/compras", proveedor=order.filtro)

    def product(self, product_id: int) -> str:
        return self.page("/productos", id=product_id)

    def invoices(self, first: date, last: date) -> str:
        return self.page(
            "/facturas", start_date=first.isoformat(), end_date=last.isoformat(), marca="problemas"
        )

    def prices(self, rise: PriceRise) -> str:
        return self.page("/facturas", proveedor=rise.filtro)


def change_text(current: int, previous: int) -> str:
    """▲ 12,5 % / ▼ 3,0 % / = against the previous figure (▲ nuevo when it was zero)."""
    if current == previous:
        return "= igual"
    arrow = "▲" if current > previous else "▼"
    change = pct_change(current, previous)
    # From zero there is no percentage; the line already says «(antes 0)».
    return f"{arrow} {fmt_pct(abs(change))}" if change is not None else f"{arrow} nuevo"


def day_name(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {fmt_date(day)}"


def subject(report: MorningReport) -> str:
    count = len(report.providers_today)
    due = f"{count} proveedor{'es' if count != 1 else ''} para pedir hoy"
    return f"Informe de la mañana · {day_name(report.today)} · {due}"


def _flag_words(flags: list[str]) -> str:
    from .invoice_page import FLAG_LABELS

    return ", ".join(FLAG_LABELS.get(flag, flag) for flag in flags)


def _comparison_rows(report: MorningReport) -> list[tuple[str, str, str, str]]:
    pairs = (
        ("Pedidos", "pedidos"),
        ("Unidades pedidas", "unidades"),
        ("Movimientos de stock", "movimientos"),
    )
    return [
        (
            label,
            fmt_int(getattr(report.yesterday, name)),
            fmt_int(getattr(report.week_before, name)),
            change_text(getattr(report.yesterday, name), getattr(report.week_before, name)),
        )
        for label, name in pairs
    ]


# ---------------------------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------------------------


def render_text(report: MorningReport, links: Links) -> str:
    """Return the plain-text alternative: the same sections and figures as the HTML."""
    lines = [subject(report), ""]
    lines.append(
        f"Ayer ({day_name(report.yesterday.day)}) contra el {day_name(report.week_before.day)}:"
    )
    lines += [
        f"  {label}: {now} (antes {before}) {change}"
        for label, now, before, change in _comparison_rows(report)
    ]
    lines += ["", f"Hoy le pedís a ({len(report.providers_today)}):"]
    if not report.providers_today:
        lines.append("  Nadie: hoy no es el día habitual de ningún proveedor con sugerencias.")
    for order in report.providers_today:
        lines.append(
            f"  {order.proveedor}: {_lines_word(order.lineas)}, total estimado "
            f"{fmt_money(order.importe_estimado)}"
        )
        lines += [
            f"    - {name}: {fmt_int(units)} u. ({fmt_money(amount)})"
            for name, units, amount in order.items[:ITEMS_SHOWN]
        ]
        if len(order.items) > ITEMS_SHOWN:
            lines.append(f"    … y {len(order.items) - ITEMS_SHOWN} más")
        lines.append(f"    {links.provider_order(order)}")
    lines += ["", f"Sin stock ({len(report.out_of_stock)} productos):"]
    if not report.out_of_stock:
        lines.append("  Ninguno.")
    lines += [
        f"  - {name}" + (f" ({provider})" if provider else "")
        for _, name, provider in report.out_of_stock[:OUT_OF_STOCK_SHOWN]
    ]
    if len(report.out_of_stock) > OUT_OF_STOCK_SHOWN:
        lines.append(
            f"  … y {len(report.out_of_stock) - OUT_OF_STOCK_SHOWN} más en Inicio: "
            f"{links.page('/')}"
        )
    lines += ["", _invoice_heading(report) + ":"]
    if not report.invoice_problems:
        lines.append("  Ninguna.")
    for item in report.invoice_problems[:INVOICES_SHOWN]:
        lines.append(
            f"  - {item.numero_factura or 'sin número'} del {_iso_day(item.fecha_factura)}"
            f", {item.proveedor or 'sin proveedor'}: {_flag_words(item.flags)}"
            + (f"; cobrado de más {fmt_money(item.cobrado_de_mas)}" if item.cobrado_de_mas else "")
            + (f" ({ESTADO_LABELS[item.estado].lower()})" if item.estado != PENDIENTE else "")
        )
    lines.append(f"  {links.invoices(report.invoice_first_day, report.today)}")
    lines += ["", _prices_heading(report) + ":"]
    if not report.rises:
        lines.append("  Ningún proveedor subió más que el mercado.")
    for rise in report.rises:
        lines.append(
            f"  - {rise.proveedor}: {_signed_pct(rise.cambio_pct)} "
            f"({_signed_number(rise.diferencia_pp)} puntos sobre el mercado)"
        )
    lines += ["", f"Dashboard: {links.page('/')}", ""]
    return "\n".join(lines)


def _lines_word(count: int) -> str:
    return f"{fmt_int(count)} producto{'s' if count != 1 else ''}"


def _iso_day(text: str) -> str:
    return fmt_date(date.fromisoformat(str(text)[:10]))


def _invoice_heading(report: MorningReport) -> str:
    count = len(report.invoice_problems)
    return (
        f"Facturas con problemas del {fmt_date(report.invoice_first_day)} al "
        f"{fmt_date(report.today)}: {fmt_int(count)} de {fmt_int(report.invoices_checked)}, "
        f"cobrado de más {fmt_money(report.overcharged)}"
    )


def _prices_heading(report: MorningReport) -> str:
    market = _signed_pct(report.mercado) if report.mercado is not None else "sin datos"
    return (
        f"Los que más subieron contra el mercado ({_month(report.mes_base)} a "
        f"{_month(report.mes_actual)}; mercado {market})"
    )


def _month(year_month: str) -> str:
    from .formatting import month_label

    return month_label(year_month)


def _signed_pct(value: float) -> str:
    return ("+" if value > 0 else "") + fmt_pct(value)


def _signed_number(value: float) -> str:
    return ("+" if value > 0 else "") + fmt_number(value, 1)


# ---------------------------------------------------------------------------------------------
# HTML (inline styles: mail programs drop <style> blocks and never run scripts)
# ---------------------------------------------------------------------------------------------

_CELL = "padding:4px 8px;border-bottom:1px solid #dee2e6;text-align:left"
_NUM = "padding:4px 8px;border-bottom:1px solid #dee2e6;text-align:right;white-space:nowrap"
_H2 = "font-size:17px;margin:22px 0 8px;color:#0b3d6b"
_LINK = "color:#0b5ed7"


def _e(value) -> str:
    return html.escape(str(value))


def _a(url: str, text: str) -> str:
    return f'<a href="{_e(url)}" style="{_LINK}">{_e(text)}</a>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int]) -> str:
    """A table whose cells are already HTML; `numeric` columns are right-aligned."""
    header = "".join(
        f'<th scope="col" style="{_NUM if i in numeric else _CELL}">{_e(h)}</th>'
        for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{_NUM if i in numeric else _CELL}">{cell}</td>'
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<table style="border-collapse:collapse;width:100%;font-size:14px">'
        f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    )


def _arrow_html(text: str) -> str:
    color = "#198754" if text.startswith("▲") else "#b02a37" if text.startswith("▼") else "#555"
    return f'<span style="color:{color};font-weight:600">{_e(text)}</span>'


def render_html(report: MorningReport, links: Links) -> str:
    """Return the HTML body: one column, tables, links to the dashboard's pages."""
    parts = [
        '<h1 style="font-size:21px;margin:0 0 4px">Informe de la mañana</h1>',
        f'<p style="margin:0 0 12px;color:#555">{_e(day_name(report.today).capitalize())} · '
        f"{_a(links.page('/'), 'Abrir el dashboard')}</p>",
        f'<h2 style="{_H2}">Ayer contra el mismo día de la semana pasada</h2>',
        _table(
            (
                "",
                f"Ayer ({day_name(report.yesterday.day)})",
                f"{day_name(report.week_before.day).capitalize()}",
                "Cambio",
            ),
            [
                (_e(label), _e(now), _e(before), _arrow_html(change))
                for label, now, before, change in _comparison_rows(report)
            ],
            (1, 2, 3),
        ),
        f'<h2 style="{_H2}">Hoy le pedís a</h2>',
        _providers_html(report, links),
        f'<h2 style="{_H2}">Sin stock ({fmt_int(len(report.out_of_stock))})</h2>',
        _out_of_stock_html(report, links),
        f'<h2 style="{_H2}">{_e(_invoice_heading(report))}</h2>',
        _invoices_html(report, links),
        f'<h2 style="{_H2}">{_e(_prices_heading(report))}</h2>',
        _rises_html(report, links),
        '<p style="margin-top:24px;color:#777;font-size:12px">Enviado por '
        "<code>minimarket-dash report</code>. Las cifras son las mismas que muestra el "
        "dashboard a esta hora.</p>",
    ]
    return (
        '<!DOCTYPE html><html lang="es-AR"><head><meta charset="utf-8">'
        f"<title>{_e(subject(report))}</title></head>"
        '<body style="font-family:Arial,Helvetica,sans-serif;color:#212529;'
        'max-width:720px;margin:0 auto;padding:16px">' + "".join(parts) + "</body></html>"
    )


def _providers_html(report: MorningReport, links: Links) -> str:
    if not report.providers_today:
        return "<p>Nadie: hoy no es el día habitual de ningún proveedor con sugerencias.</p>"
    blocks = []
    for order in report.providers_today:
        rows = [
            (_e(name), _e(fmt_int(units)), _e(fmt_money(amount)))
            for name, units, amount in order.items[:ITEMS_SHOWN]
        ]
        more = (
            f'<p style="margin:4px 0;color:#555">… y {len(order.items) - ITEMS_SHOWN} más</p>'
            if len(order.items) > ITEMS_SHOWN
            else ""
        )
        blocks.append(
            f'<h3 style="font-size:15px;margin:14px 0 4px">'
            f"{_a(links.provider_order(order), order.proveedor)} · "
            f"{_e(_lines_word(order.lineas))} · total estimado "
            f"<strong>{_e(fmt_money(order.importe_estimado))}</strong></h3>"
            + _table(("Producto", "Unidades", "Importe estimado"), rows, (1, 2))
            + more
        )
    return "".join(blocks)


def _out_of_stock_html(report: MorningReport, links: Links) -> str:
    if not report.out_of_stock:
        return "<p>Ningún producto activo está en cero.</p>"
    rows = [
        (_a(links.product(pid), name), _e(provider or "—"))
        for pid, name, provider in report.out_of_stock[:OUT_OF_STOCK_SHOWN]
    ]
    more = len(report.out_of_stock) - OUT_OF_STOCK_SHOWN
    tail = (
        f'<p style="margin:4px 0">… y {more} más en {_a(links.page("/"), "Inicio")}</p>'
        if more > 0
        else ""
    )
    return _table(("Producto", "Proveedor"), rows, ()) + tail


def _invoices_html(report: MorningReport, links: Links) -> str:
    link = (
        f'<p style="margin:6px 0">'
        f"{_a(links.invoices(report.invoice_first_day, report.today), 'Ver en Facturas')}</p>"
    )
    if not report.invoice_problems:
        return "<p>Ninguna factura con problemas.</p>" + link
    rows = [
        (
            _e(item.numero_factura or "sin número"),
            _e(_iso_day(item.fecha_factura)),
            _e(item.proveedor or "sin proveedor"),
            _e(_flag_words(item.flags)),
            _e(fmt_money(item.total)),
            _e(fmt_money(item.cobrado_de_mas)) if item.cobrado_de_mas else "—",
        )
        for item in report.invoice_problems[:INVOICES_SHOWN]
    ]
    return (
        _table(
            ("Factura", "Fecha", "Proveedor", "Problema", "Total", "Cobrado de más"), rows, (4, 5)
        )
        + link
    )


def _rises_html(report: MorningReport, links: Links) -> str:
    if not report.rises:
        return "<p>Ningún proveedor subió más que el mercado.</p>"
    rows = [
        (
            _a(links.prices(rise), rise.proveedor),
            _e(_signed_pct(rise.cambio_pct)),
            _e(_signed_number(rise.diferencia_pp)),
        )
        for rise in report.rises
    ]
    return _table(("Proveedor", "Aumento", "Puntos sobre el mercado"), rows, (1, 2))


# ---------------------------------------------------------------------------------------------
# The message and its sending
# ---------------------------------------------------------------------------------------------


def build_message(
    report: MorningReport, settings: Settings, sender: str, recipients: Sequence[str]
) -> EmailMessage:
    """Return the RFC 5322 message: text first, then its HTML alternative."""
    links = Links(settings.public_url)
    message = EmailMessage()
    message["Subject"] = subject(report)
    message["From"] = sender
    message["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    local = report.now.replace(tzinfo=ZoneInfo(settings.timezone))
    message["Date"] = format_datetime(local)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("informe", domain=domain)
    message.set_content(render_text(report, links))
    message.add_alternative(render_html(report, links), subtype="html")
    return message


@dataclass(frozen=True)
class SmtpServer:
    """DASHBOARD_SMTP_URL taken apart; `where` (host:port) is what errors name."""

    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        return cls(
            parts.scheme,
            parts.hostname or "",
            parts.port or DEFAULT_PORTS[parts.scheme],
            unquote(parts.username) if parts.username else None,
            unquote(parts.password) if parts.password is not None else None,
        )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def send(message: EmailMessage, server: SmtpServer, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
    """Deliver the message; any failure is a ReportError naming the server (never the password)."""
    context = ssl.create_default_context()
    try:
        _deliver(message, server, context, timeout)
    except (smtplib.SMTPException, OSError) as exc:
        reason = _reason(exc)
        raise ReportError(f"No se pudo enviar el informe por {server.where}: {reason}") from None


def _deliver(
    message: EmailMessage, server: SmtpServer, context: ssl.SSLContext, timeout: float
) -> None:
    if server.scheme == "smtps":
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    with client:
        client.ehlo()
        encrypted = server.scheme == "smtps"
        if server.scheme == "smtp" and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
            encrypted = True
        if server.user and not encrypted:
            raise ClearTextLogin()
        if server.user:
            client.login(server.user, server.password or "")
        refused = client.send_message(message)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


class ClearTextLogin(smtplib.SMTPException):
    """The URL has a user but the connection is not encrypted: the password is not sent."""


_REASONS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (
        ClearTextLogin,
        "el servidor no ofrece STARTTLS y la clave no se manda sin cifrar "
        "(usá smtps:// o un servidor con STARTTLS)",
    ),
    (ConnectionRefusedError, "conexión rechazada"),
    (TimeoutError, "el servidor no respondió a tiempo"),
    (socket.gaierror, "no se encontró el servidor (nombre desconocido)"),
    (
        ssl.SSLCertVerificationError,
        "su certificado TLS no es válido para este nombre o no es de confianza",
    ),
    (ssl.SSLError, "falló la conexión TLS (¿smtps:// en un puerto sin TLS, o al revés?)"),
    (smtplib.SMTPNotSupportedError, "el servidor no acepta usuario y clave en esta conexión"),
    (smtplib.SMTPServerDisconnected, "el servidor cortó la conexión"),
)
# SMTP answers carry a code; their text is left out (it may echo what was sent).
_CODED_REASONS: tuple[tuple[type, str], ...] = (
    (smtplib.SMTPAuthenticationError, "usuario o clave rechazados"),
    (smtplib.SMTPSenderRefused, "rechazó el remitente"),
    (smtplib.SMTPResponseException, "el servidor respondió con un error"),
)


def _reason(exc: BaseException) -> str:
    """A short Spanish reason for a failed delivery."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "rechazó los destinatarios " + ", ".join(sorted(exc.recipients))
    for kinds, text in _REASONS:
        if isinstance(exc, kinds):
            return text
    for kind, text in _CODED_REASONS:
        if isinstance(exc, kind):
            return f"{text} (código {exc.smtp_code})"
    where = "SMTP" if isinstance(exc, smtplib.SMTPException) else "red"
    return f"error de {where} ({type(exc).__name__})"


# ---------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------


def run_report(
    settings: Settings,
    *,
    recipients: Sequence[str] | None = None,
    dry_run: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`minimarket-dash report`: build the report and send it (or print it); return the exit
    code: 0 sent or printed, 1 database unreachable, 2 configuration or SMTP."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        sender, to, server = _addressing(settings, recipients, dry_run)
        report = _read(settings)
        message = build_message(report, settings, sender, to)
        if dry_run:
            out.write(message.as_string())
            out.flush()
            return 0
        send(message, server)
    except ReportError as exc:
        print(str(exc), file=err)
        return exc.exit_code
    print(f"Informe enviado a {', '.join(to)} por {server.where}.", file=out)
    return 0


def _addressing(
    settings: Settings, recipients: Sequence[str] | None, dry_run: bool
) -> tuple[str, list[str], SmtpServer | None]:
    """Sender, recipients and server; what sending needs and is missing is a config error."""
    to = list(recipients or settings.report_to)
    if dry_run:
        return settings.report_from or DRY_RUN_SENDER, to, None
    missing = [
        name
        for name, value in (
            ("DASHBOARD_SMTP_URL", settings.smtp_url),
            ("DASHBOARD_REPORT_FROM", settings.report_from),
            ("DASHBOARD_REPORT_TO o --to", to),
        )
        if not value
    ]
    if missing:
        raise ReportError(
            "Error de configuración: para enviar el informe falta "
            + ", ".join(missing)
            + " (o use --dry-run)"
        )
    return settings.report_from, to, SmtpServer.from_url(settings.smtp_url)


def _read(settings: Settings) -> MorningReport:
    from .db import make_engine

    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            return gather(conn, settings, settings.now())
    except SQLAlchemyError as exc:
        raise ReportError(
            f"No se pudo leer la base para el informe ({type(exc).__name__}).", EXIT_NO_DATA
        ) from None
    finally:
        engine.dispose()


def seconds_until(at: time, zone: str, now: datetime | None = None) -> int:
    """Seconds from now until the next `at` (wall clock in `zone`), for the Compose loop."""
    tz = ZoneInfo(zone)
    current = (now or datetime.now(UTC)).astimezone(tz)
    target = datetime.combine(current.date(), at, tzinfo=tz)
    if target <= current:
        target = datetime.combine(current.date() + timedelta(days=1), at, tzinfo=tz)
    # Aware datetimes of one zone subtract as wall clocks: compare in UTC (DST days).
    return max(1, round((target.astimezone(UTC) - current.astimezone(UTC)).total_seconds()))


def _main(argv: list[str] | None = None) -> int:
    """`python -m minimarket_dash.report --seconds-until 07:00`: print the seconds to sleep."""
    from .config import SettingsError, load_settings

    parser = argparse.ArgumentParser(prog="python -m minimarket_dash.report")
    parser.add_argument("--seconds-until", required=True, metavar="HH:MM", type=_time_of_day)
    args = parser.parse_args(argv)
    try:
        zone = load_settings().timezone
    except SettingsError as exc:
        print(f"Error de configuración: {exc}", file=sys.stderr)
        return EXIT_NOT_SENT
    print(seconds_until(args.seconds_until, zone))
    return 0


def _time_of_day(raw: str) -> time:
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"hora inválida {raw!r}: use HH:MM") from None


if __name__ == "__main__":
    sys.exit(_main())
