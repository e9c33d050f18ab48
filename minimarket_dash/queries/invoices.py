"""Invoices checked against orders (GET /api/invoices): SQL reads the window, Python matches.

SQL fetches the invoices of the window, the delivered orders that could be theirs (delivery
within 3 days of the window) with their lines, and the earlier invoices that share a number;
matching and flags run in Python (minimarket_dash.invoicecheck) over that small set.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import (
    Connection,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    type_coerce,
)

from ..db import detalle_pedidos as lines
from ..db import facturas_ocr, pedidos, proveedores
from ..filters import DATE_MIN, Filters
from ..invoicecheck import (
    MATCH_DAYS,
    Invoice,
    Order,
    OrderLines,
    check_matched,
    match_orders_read,
    matching_key,
)
from ..invoices import normalise_item, resolve_provider
from ..metric import Metric
from ..sqlparts import day_value, one_of_ids
from . import invoice_matches as matches
from ._common import has_index, narrower, provider_ids, summary_state

DEFAULT_DAYS = 90
DELIVERED = "entregado"
ID_CHUNK = 5_000  # order ids per IN (...) list: far below SQLite's and psycopg's limits
# Delivery days of candidates read at a time beyond what the next invoice needs: memory holds
# about three weeks of candidates instead of the whole window's (invoicecheck.match_orders_read).
READ_DAYS = 14
# Joins an order's line names in one string: the ASCII unit separator, which no product name
# typed or read by OCR contains.
NAME_SEPARATOR = "\x1f"
# `optimize`'s covering index of the lines by order (minimarket_dash/optimize.py).
LINES_BY_ORDER = "ix_mm_detalle_precio"
COLUMNS = [
    "factura_id",
    "numero_factura",
    "fecha_factura",
    "proveedor_id",
    "proveedor",
    "proveedor_original",
    "pedido",
    "total",
    "flags",
    "cobrado_de_mas",
    "items",
]


def invoice_days(filters: Filters, now: datetime) -> tuple[date | None, date | None]:
    """Return the inclusive invoice-date range: the filter's, or the last 90 days by default."""
    if filters.start_date is None and filters.end_date is None:
        return now.date() - timedelta(days=DEFAULT_DAYS), now.date()
    return filters.start_date, filters.end_date


def _day_conditions(column, first: date | None, last: date | None) -> list:
    if last is None and first is not None and first <= DATE_MIN:
        # Every date, and none: «todas las fechas» lists an unprocessed invoice the OCR read
        # no date of, as Inicio's «Facturas por procesar» counts it.
        return []
    conditions = [column.is_not(None)]
    if first is not None:
        conditions.append(column >= first)
    if last is not None:
        # `<` the next day, so a day stored with a time of day still belongs to it.
        conditions.append(column < last + timedelta(days=1))
    return conditions


def _provider_names(conn: Connection) -> dict[int, str]:
    rows = conn.execute(select(proveedores.c.id, proveedores.c.nombre))
    return {row.id: row.nombre for row in rows}


def _window_conditions(first, last, wanted: list[int] | None) -> list:
    """The invoices of the window (when filtering, only assigned to a wanted one or unassigned)."""
    conditions = _day_conditions(facturas_ocr.c.fecha_factura, first, last)
    if wanted is not None:
        assigned = facturas_ocr.c.proveedor_asignado_id
        conditions.append(or_(assigned.is_(None), assigned.in_(wanted or [-1])))
    return conditions


def _near_days(invoices: list[Invoice]) -> set[tuple[int, date]]:
    """(provider, day) of every delivery day within 3 days of an invoice that can be matched."""
    near: set[tuple[int, date]] = set()
    for inv in invoices:
        if inv.proveedor_id is not None and inv.items and inv.fecha_factura is not None:
            near.update(
                (inv.proveedor_id, inv.fecha_factura + timedelta(days=shift))
                for shift in range(-MATCH_DAYS, MATCH_DAYS + 1)
            )
    return near


def _candidates(conn: Connection, near: set[tuple[int, date]], *columns):
    """SELECT the delivered orders of a provider and day of `near`: id, number, provider,
    delivery day, total (a tie-break of matching), then `columns`."""
    dialect = conn.dialect.name
    days = [day for _, day in near]
    # The delivery day as plain text in SQLite, turned into a date once per distinct day
    # (_Days): LocalDate's conversion of every one of ~14,000 rows cost ~10 ms.
    delivered = day_value(pedidos.c.fecha_entrega_real, dialect)
    return select(
        pedidos.c.id,
        pedidos.c.numero_pedido,
        pedidos.c.proveedor_id,
        type_coerce(delivered, String) if dialect == "sqlite" else delivered,
        pedidos.c.total,
        *columns,
    ).where(
        pedidos.c.estado == DELIVERED,
        pedidos.c.proveedor_id.in_(sorted({provider for provider, _ in near})),
        *_day_conditions(pedidos.c.fecha_entrega_real, min(days), max(days)),
        *_near_in_sqlite(dialect, near),
    )


def _order_heads(conn: Connection, near: set[tuple[int, date]]) -> list[tuple]:
    """The candidate orders (_candidates) with the day of their fecha_pedido, as the database
    writes it (text in SQLite): it only orders and narrows the reads of lines (_orders)."""
    statement = _candidates(conn, near, day_value(pedidos.c.fecha_pedido, conn.dialect.name))
    day_of = _Days()
    heads = []
    for order_id, numero, provider, day, total, placed in conn.execute(statement).fetchall():
        head = (order_id, numero, provider, day_of[day], placed, total)
        if (provider, head[3]) in near:
            heads.append(head)
    return heads


class _Days(dict):
    """Delivery day as read (text in SQLite, a date elsewhere) -> date, parsed once per day."""

    def __missing__(self, value) -> date:
        self[value] = day = value if isinstance(value, date) else date.fromisoformat(value[:10])
        return day


def _orders_indexed(
    conn: Connection, near: set[tuple[int, date]], key_of: _NormalisedNames
) -> list[Order]:
    """SQLite with `optimize`'s index on the lines' pedido_id: the candidate orders and the
    names of their lines in one statement, each order's names gathered by a subquery that
    reads only that index (a third less time than _order_heads and _orders, which a database
    as found needs: there every subquery would scan all the lines)."""
    names = (
        select(_joined_names("sqlite")).where(lines.c.pedido_id == pedidos.c.id).scalar_subquery()
    )
    day_of = _Days()
    normalised = key_of.__getitem__
    # No check against `near` here: on SQLite _candidates already keeps only those pairs.
    return [
        Order(
            order_id,
            numero,
            provider,
            day_of[day],
            OrderLines(map(normalised, joined.split(NAME_SEPARATOR)) if joined else ()),
            total=total,
        )
        for order_id, numero, provider, day, total, joined in conn.execute(
            _candidates(conn, near, names)
        ).fetchall()
    ]


def _candidate_reader(conn: Connection, near: set[tuple[int, date]], indexed: bool):
    """Return read(first, last): the candidate orders delivered in those days (match_orders_read
    calls it as the invoices' dates advance)."""
    key_of = _NormalisedNames()
    # As found, pedidos has no index on the delivery day: its candidates are found in one
    # pass (small tuples) and only the names of their lines are read range by range.
    heads = None if indexed or not near else _order_heads(conn, near)

    def read(first: date, last: date) -> list[Order]:
        if heads is not None:
            part = [head for head in heads if first <= head[3] <= last]
            return _orders(conn, part, key_of) if part else []
        part = {(provider, day) for provider, day in near if first <= day <= last}
        return _orders_indexed(conn, part, key_of) if part else []

    return read


def _lines_indexed(conn: Connection) -> bool:
    """True on SQLite when `optimize` has indexed the lines by order (ix_mm_detalle_precio)."""
    return conn.dialect.name == "sqlite" and has_index(conn, LINES_BY_ORDER)


def _near_in_sqlite(dialect: str, near: set[tuple[int, date]]) -> list:
    """SQLite: keep only orders of a (provider, delivery day) pair of `near` in the database
    already (a third of the range's delivered orders are near no invoice). The Python filter
    after it stays the rule; elsewhere it is the only one."""
    if dialect != "sqlite":
        return []
    pairs = func.json_each(
        bindparam(
            None,
            json.dumps([[provider, day.isoformat()] for provider, day in sorted(near)]),
            String,
        )
    )
    wanted = select(
        func.json_extract(literal_column("value"), "$[0]"),
        func.json_extract(literal_column("value"), "$[1]"),
    ).select_from(pairs)
    return [
        tuple_(pedidos.c.proveedor_id, func.substr(pedidos.c.fecha_entrega_real, 1, 10)).in_(wanted)
    ]


def _orders(conn: Connection, heads: list[tuple], key_of: _NormalisedNames) -> list[Order]:
    """The candidate orders (_order_heads), each with the normalised names of its lines (the
    lines themselves are read for the picked orders only: _load_lines)."""
    names_of: dict[int, frozenset[str]] = {}
    # Chunks of orders placed on neighbouring days, each with the lines of those days only,
    # reached by their own ids (the store's id ranges): a database as found has no index on
    # detalle_pedidos.pedido_id, and one range for every chunk would scan it once per chunk.
    by_day = sorted(heads, key=lambda head: (head[4], head[0]))
    narrow = narrower(conn, summary_state(conn, True))
    names = _joined_names(conn.dialect.name)
    for chunk in range(0, len(by_day), ID_CHUNK):
        part = by_day[chunk : chunk + ID_CHUNK]
        # One row per order with its line names joined: the database walks the ~10 lines of
        # each order, Python splits one string instead of building ten rows.
        statement = (
            select(lines.c.pedido_id, names)
            .where(
                one_of_ids(lines.c.pedido_id, [head[0] for head in part], conn.dialect.name),
                *narrow(lines, _midnight(part[0][4]), _midnight(part[-1][4], 1)),
            )
            .group_by(lines.c.pedido_id)
        )
        normalised = key_of.__getitem__
        for order_id, joined in conn.execute(statement).fetchall():
            if joined:
                names_of[order_id] = frozenset(map(normalised, joined.split(NAME_SEPARATOR)))
    return [
        Order(
            order_id, numero, provider, day, OrderLines(names_of.get(order_id, ())), placed, total
        )
        for order_id, numero, provider, day, placed, total in heads
    ]


class _NormalisedNames(dict):
    """Product name -> its normalised name, computed once per name (a request sees ~3,000
    names in ~77,000 lines); lookups of known names stay in C."""

    def __missing__(self, name: str) -> str:
        self[name] = key = normalise_item(name)
        return key


def _joined_names(dialect: str):
    """The product names of a group of lines in one string, NAME_SEPARATOR between them."""
    if dialect == "sqlite":
        return func.group_concat(lines.c.producto_nombre, NAME_SEPARATOR)
    return func.string_agg(lines.c.producto_nombre, NAME_SEPARATOR)


def _midnight(day: date | str, later: int = 0) -> datetime:
    """00:00 of a day as _order_heads reads it (a date, or `YYYY-MM-DD` text), `later` days on."""
    day = day if isinstance(day, date) else date.fromisoformat(day[:10])
    return datetime.combine(day + timedelta(days=later), time.min)


def _load_lines(conn: Connection, orders: list[Order], narrowed: bool) -> None:
    """Read the lines of `orders` (the picked ones) into their OrderLines. `narrowed`: each
    order's pedido_dia narrows the read to those days' lines (as in _orders); not needed when
    the lines are indexed by order (_lines_indexed)."""
    rows_of: dict[int, list] = {order.id: [] for order in orders}
    placed = {order.id: order.pedido_dia for order in orders}
    ids = sorted(rows_of)
    narrow = narrower(conn, summary_state(conn, True)) if narrowed else None
    for chunk in range(0, len(ids), ID_CHUNK):
        part = ids[chunk : chunk + ID_CHUNK]
        conditions = [one_of_ids(lines.c.pedido_id, part, conn.dialect.name)]
        if narrow is not None:
            days = [placed[order_id] for order_id in part]  # as _order_heads reads them
            conditions += narrow(lines, _midnight(min(days)), _midnight(max(days), 1))
        statement = select(
            lines.c.pedido_id,
            lines.c.producto_nombre,
            lines.c.cantidad,
            lines.c.precio_unitario,
        ).where(*conditions)
        for order_id, name, quantity, price in conn.execute(statement).fetchall():
            rows_of[order_id].append(
                (
                    normalise_item(name),
                    float(quantity or 0),
                    None if price is None else float(price),
                )
            )
    for order in orders:
        order.lines.load(rows_of[order.id])


def _seen_before(conn: Connection, invoices: list[Invoice], first, names) -> set:
    """(provider, number) of invoices dated before the window that share a number with it."""
    numbers = sorted({inv.numero_factura for inv in invoices if inv.numero_factura})
    if first is None or not numbers:
        return set()
    columns = facturas_ocr.c
    statement = select(
        columns.numero_factura, columns.proveedor_asignado_id, columns.proveedor_original
    ).where(and_(columns.numero_factura.in_(numbers), columns.fecha_factura < first))
    return {
        (
            resolve_provider(row.proveedor_asignado_id, row.proveedor_original, names),
            row.numero_factura,
        )
        for row in conn.execute(statement)
    }


def match_again(conn: Connection, invoices: list[Invoice], taken: set[int]) -> list:
    """Match `invoices` (in matching order) with their orders, `taken` already used; the
    picked orders' lines read."""
    indexed = _lines_indexed(conn)
    pairs = match_orders_read(
        invoices, _candidate_reader(conn, _near_days(invoices), indexed), READ_DAYS, taken
    )
    _load_lines(conn, [order for _, order in pairs if order is not None], not indexed)
    return pairs


def keep_invoice_matches(conn: Connection, full: bool) -> None:
    """Store the invoices' matches (summaries.build calls it inside its transaction)."""
    matches.keep_matches(conn, full, match_again, _provider_names(conn))


def _live_pairs(conn: Connection, first, last, wanted, names) -> tuple[list, dict]:
    """No store: match the window's invoices among themselves (an order taken by an invoice
    dated before the window is free again here)."""
    rows = matches.invoice_rows(conn, _window_conditions(first, last, wanted))
    invoices = [matches.as_invoice(row, names) for row in rows]
    if wanted is not None:
        invoices = [inv for inv in invoices if inv.proveedor_id in set(wanted)]
    return match_again(conn, invoices, set()), _originals(rows)


def _stored_pairs(conn: Connection, first, last, wanted, names, marks) -> tuple[list, dict]:
    """The window's invoices with their orders: from the store, but for what changed since
    its build (queries/invoice_matches.py), which is matched again here from its day on."""
    rows = matches.invoice_rows(conn, _window_conditions(first, last, wanted), False)
    live = {row.id: matches.as_invoice(row, names, None) for row in rows}
    keep = set(wanted) if wanted is not None else None
    if keep is not None:
        live = {key: inv for key, inv in live.items() if inv.proveedor_id in keep}
    stored = matches.read_stored(
        conn, _day_conditions(matches.mm_factura_cruce.c.fecha_factura, first, last)
    )
    if keep is not None:
        stored = {key: row for key, row in stored.items() if row.proveedor_id in keep}
    changes, redo = matches.window_changes(conn, marks, names, live, stored, keep)
    again = {
        invoice.id: (invoice, order)
        for invoice, order in _rematched(conn, redo, changes, first, names)
    }
    pairs = []
    for key, invoice in live.items():
        if key in again:
            pairs.append(again[key])
        else:
            row = stored[key]
            pairs.append((replace(invoice, items=row.items), matches.stored_order(row)))
    pairs.sort(key=lambda pair: matching_key(pair[0]))
    return pairs, _originals(rows)


def _originals(rows) -> dict[int, str | None]:
    """Invoice id -> the provider's name as the OCR read it."""
    return {row.id: row.proveedor_original for row in rows}


def _rematched(conn: Connection, redo: list[int], changes, first, names) -> list:
    """Match again the invoices `redo` and, before the window, every invoice of a changed
    provider from its changed day on (their matches decide which orders are free)."""
    if not redo and not changes:
        return []
    rows = matches.by_ids(conn, sorted(redo))
    start = min(changes.since.values(), default=None)
    if changes and first is not None and start < first:
        earlier = matches.invoice_rows(
            conn,
            _day_conditions(facturas_ocr.c.fecha_factura, start, first - timedelta(days=1)),
            False,
        )
        ids = [
            row.id
            for row in earlier
            if changes.covers(
                resolve_provider(row.proveedor_asignado_id, row.proveedor_original, names),
                row.fecha_factura,
            )
        ]
        rows += matches.by_ids(conn, ids)
    invoices = sorted((matches.as_invoice(row, names) for row in rows), key=matching_key)
    return match_again(conn, invoices, matches.taken_before(conn, changes))


def invoice_check(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return one row per invoice of the window, newest first, with its order, flags and items."""
    first, last = invoice_days(filters, now)
    names = _provider_names(conn)
    wanted = provider_ids(conn, filters.proveedor)
    marks = matches.read_marks(conn) if summary_state(conn, True) is not None else None
    if marks is None:
        pairs, originals = _live_pairs(conn, first, last, wanted, names)
    else:
        pairs, originals = _stored_pairs(conn, first, last, wanted, names, marks)
    seen = _seen_before(conn, [invoice for invoice, _ in pairs], first, names)
    checked = check_matched(pairs, filters.tolerancia, seen)
    records = [matches.record(result, names, originals) for result in checked]
    # Newest first; undated ones last.
    records.sort(key=lambda row: (row["fecha_factura"] or "", row["factura_id"]), reverse=True)
    return pd.DataFrame(records, columns=COLUMNS, dtype=object)


def invoices_answer(
    conn: Connection, filters: Filters, now: datetime, state: matches.StateOf, counted
) -> matches.Answer | None:
    """/api/invoices' invoices from the store's ready parts (invoice_matches.render), those
    changed since its build matched again here; None when the store cannot answer (none yet,
    built from another database, or a provider renamed since), and invoice_check must."""
    if summary_state(conn, True) is None:
        return None
    marks = matches.read_marks(conn)
    names = _provider_names(conn)
    if marks is None or marks["nombres"] != matches.names_digest(names):
        return None
    first, last = invoice_days(filters, now)
    wanted = provider_ids(conn, filters.proveedor)
    keep = set(wanted) if wanted is not None else None
    # Plain tuples (RENDER_COLUMNS, same, procesado): 16,000 rows are read by index.
    rows = [
        tuple(row)
        for row in matches.answer_rows(
            conn, _day_conditions(matches.mm_factura_cruce.c.fecha_factura, first, last)
        )
    ]
    if keep is not None:
        rows = [row for row in rows if row[1] in keep]
    width = len(matches.RENDER_COLUMNS)
    kept = [row for row in rows if row[width]]
    moved = [row for row in rows if not row[width]]
    changes = matches.Changes()
    matches.newer_changes(conn, marks, names, changes)
    for row in moved:
        changes.add(row[1], _as_day(row[2]))
    live = _live_of(conn, names, [row[0] for row in moved], marks, (first, last, wanted))
    if keep is not None:
        live = {key: inv for key, inv in live.items() if inv.proveedor_id in keep}
    for invoice in live.values():
        changes.add(invoice.proveedor_id, invoice.fecha_factura)
    if keep is not None:
        changes.since = {p: day for p, day in changes.since.items() if p in keep}
    redo = [
        *live,
        *(
            row[0]
            for row in kept
            if row[1] in changes.since and changes.covers(row[1], _as_day(row[2]))
        ),
    ]
    fresh = _fresh_rows(conn, redo, changes, first, names)
    answer = [row[:width] for row in kept if row[0] not in fresh]
    answer += [tuple(row[name] for name in matches.RENDER_COLUMNS) for row in fresh.values()]
    pending = {row[0] for row in kept if not row[width + 1]}
    pending |= {key for key, row in fresh.items() if not row["procesado"]}
    return matches.render(answer, pending, filters.tolerancia, state, names, counted)


def _fresh_rows(conn: Connection, redo: list[int], changes, first, names) -> dict[int, dict]:
    """The store's rows (invoice_matches.row_of) of the invoices `redo`, matched again now;
    each with `procesado` as it is now."""
    if not redo and not changes:
        return {}
    wanted = set(redo)
    pairs = [pair for pair in _rematched(conn, redo, changes, first, names) if pair[0].id in wanted]
    repeated = matches.repeated_numbers(
        pairs, matches.numbers_before(conn, [invoice for invoice, _ in pairs], wanted)
    )
    return {
        invoice.id: {
            **matches.row_of(invoice, order, invoice.id in repeated, names, None),
            "procesado": invoice.procesado,
        }
        for invoice, order in pairs
    }


def _as_day(value) -> date | None:
    """A stored day as read (`YYYY-MM-DD` text in SQLite, a date elsewhere) as a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def _live_of(conn: Connection, names, ids: list[int], marks, window: tuple) -> dict:
    """The invoices `ids` as they are now, and those newer than the build, that are in the
    window, without their items. `window`: (first, last, wanted)."""
    first, last, wanted = window
    rows = []
    for start in range(0, len(ids), ID_CHUNK):
        rows += matches.invoice_rows(
            conn,
            [one_of_ids(facturas_ocr.c.id, ids[start : start + ID_CHUNK], conn.dialect.name)],
            False,
        )
    rows += matches.invoice_rows(
        conn,
        [facturas_ocr.c.id > marks["factura_max"], *_window_conditions(first, last, wanted)],
        False,
    )
    return {
        row.id: matches.as_invoice(row, names, None)
        for row in rows
        if _in_window(row.fecha_factura, first, last)
    }


def _in_window(day: date | None, first: date | None, last: date | None) -> bool:
    """_day_conditions in Python: an invoice read by id whose day moved out of the window."""
    if last is None and first is not None and first <= DATE_MIN:
        return True
    return day is not None and (first is None or day >= first) and (last is None or day <= last)


# Declaration (docs/architecture.md): /api/invoices builds its envelope from these rows.
INVOICE_CHECK = Metric("invoice_check", invoice_check, heavy=True)
