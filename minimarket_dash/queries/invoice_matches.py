"""Invoice matches kept in the dashboard's store, computed again per provider from the first
day anything changed, and /api/invoices' answer made from ready parts.

Matching (invoicecheck.match_orders_read) runs within a provider: in order of fecha_factura then
id, each invoice takes the best free order delivered within MATCH_DAYS. What an invoice gets
depends only on its provider's earlier invoices and on the orders delivered near it. So the
store (summaries.mm_factura_cruce) keeps every invoice's items as read and the order it took,
with that order's line for each of its products, over the whole history: an order an invoice
took before a window stays taken inside it (without a store, a request matches only the
window's invoices). When something changes — a new invoice, an invoice whose day, total or
provider changed, an order delivered since — only that provider's matches from that day on are
computed again, the orders its earlier invoices took read from the store (`Changes`).

A request sees the changes since the last build at once (`newer_changes`, and the window's
invoices compared with what their match was computed from); the refresher's next build stores
them (`keep_matches`). An edit of an invoice's number or items, or of a delivered order's lines,
waits for the daily full rebuild, like any other change to a summarised day (summaries.py).

The store also keeps, per invoice, /api/invoices' answer but for what depends on the request
(flags that follow the tolerance, processing or the manager's state; the money above the
order): `render` joins them (at one invoice per delivery, 90 days of a 1M-line shop answer
~16,000 invoices, 20 MB, that no longer go through pandas; bench/bench_invoices.py).
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from sqlalchemy import (
    Connection,
    String,
    Text,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    inspect,
    select,
    type_coerce,
)

from ..db import facturas_ocr, pedidos
from ..filters import NUMBER_RANGES
from ..invoicecheck import (
    FLAGS,
    MATCH_DAYS,
    OK,
    Checked,
    Invoice,
    Order,
    OrderLines,
    check_one,
    known_total,
    matching_key,
    price_above,
)
from ..invoices import Item, read_items, resolve_provider
from ..sqlparts import is_true, one_of_ids
from ..store import STORE_SCHEMA
from ..summaries import mm_cruce_abiertos, mm_cruce_estado, mm_factura_cruce

DELIVERED = "entregado"
CANCELLED = "cancelado"
# Two invoices further apart than this never compete for one order (each reaches MATCH_DAYS).
REACH = timedelta(days=2 * MATCH_DAYS)
CHUNK = 5_000  # invoices matched and written at a time by a build
TOLERANCE_MAX = NUMBER_RANGES["tolerancia"][2]
MARK_KEYS = ("factura_max", "pedido_max", "nombres")

Pairs = list[tuple[Invoice, Order | None]]
# match(conn, invoices, taken): the invoices' orders (queries/invoices.py: match_again).
Matcher = Callable[[Connection, list[Invoice], set[int]], Pairs]


@dataclass
class Stored:
    """One invoice as the store keeps it (mm_factura_cruce)."""

    factura_id: int
    proveedor_id: int | None
    fecha_factura: date | None
    total: float | None
    items: list[Item] | None
    pedido_id: int | None
    numero_pedido: str | None
    lineas: dict[str, list]


@dataclass
class Changes:
    """Per provider, the first invoice day whose matches must be computed again."""

    since: dict[int, date] = field(default_factory=dict)

    def add(self, provider: int | None, day: date | None) -> None:
        if provider is not None and day is not None:
            self.since[provider] = min(self.since.get(provider, day), day)

    def covers(self, provider: int | None, day: date | None) -> bool:
        """True when this invoice's match is to be computed again."""
        start = self.since.get(provider) if provider is not None else None
        return start is not None and day is not None and day >= start

    def __bool__(self) -> bool:
        return bool(self.since)


def read_marks(conn: Connection) -> dict[str, int] | None:
    """The ids the matches were built up to; None when the store holds no matches."""
    if conn.dialect.name == "sqlite":
        present = (
            conn.exec_driver_sql(
                f"SELECT 1 FROM {STORE_SCHEMA}.sqlite_master WHERE type = 'table'"
                " AND name = 'mm_cruce_estado'"
            ).first()
            is not None
        )
    else:
        present = inspect(conn).has_table("mm_cruce_estado", STORE_SCHEMA)
    if not present:
        return None
    marks = dict(conn.execute(select(mm_cruce_estado.c.clave, mm_cruce_estado.c.valor)).all())
    return marks if set(MARK_KEYS) <= marks.keys() else None


def names_digest(names: dict[int, str]) -> int:
    """A number that changes when a provider is added, removed or renamed: the answer's
    ready parts name the provider as it was at the build."""
    return zlib.crc32(_compact(sorted(names.items())).encode())


def items_text(items: list[Item] | None) -> str | None:
    """The items as the store keeps them (None: ilegible)."""
    if items is None:
        return None
    return json.dumps([list(item) for item in items], ensure_ascii=False, separators=(",", ":"))


def stored_items(text: str | None) -> list[Item] | None:
    """Items back from items_text."""
    if text is None:
        return None
    return [Item(*values) for values in json.loads(text)]


def row_of(
    invoice: Invoice,
    order: Order | None,
    duplicate: bool,
    names: dict[int, str],
    origen: str | None,
) -> dict:
    """The store's row of one matched invoice (mm_factura_cruce); `origen`: origin() of it."""
    lines = {}
    if order is not None:
        for item in invoice.items or ():
            line = order.lines.get(item.clave)
            if line is not None:
                lines[item.clave] = [line.cantidad, line.precio]
    checked = check_one(invoice, order, duplicate, 0.0)
    whole = record(checked, names, {})
    return {
        "factura_id": invoice.id,
        "proveedor_id": invoice.proveedor_id,
        "fecha_factura": invoice.fecha_factura,
        "total": known_total(invoice.total),
        "items": items_text(invoice.items),
        "pedido_id": order.id if order is not None else None,
        "numero_pedido": order.numero_pedido if order is not None else None,
        "lineas": _compact(lines),
        "numero_factura": invoice.numero_factura,
        "origen": origen,
        "duplicada": int(duplicate),
        "marcas": FLAG_SEPARATOR.join(flag for flag in checked.flags if flag in FIXED_FLAGS),
        "exceso": _compact(above) if (above := _billed_above(invoice, order)) else None,
        "cabeza": _compact({name: whole[name] for name in HEAD_FIELDS})[1:-1],
        "detalle": _compact(whole["items"]),
    }


# The flags that depend on neither the tolerance nor the invoice's procesado or state.
FIXED_FLAGS = frozenset(FLAGS) - {"precio_mayor", "pendiente", "duplicada"}
FLAG_SEPARATOR = "|"
# The answer's fields between factura_id and flags (invoice_report.INVOICE_FIELDS).
HEAD_FIELDS = ("numero_factura", "fecha_factura", "proveedor", "pedido", "total")


def _compact(value) -> str:
    """JSON as api.dumps writes it (no spaces, UTF-8 kept)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _billed_above(invoice: Invoice, order: Order | None) -> list[list[float]]:
    """[facturado, pedido, cantidad] of the items that some accepted tolerance (0 to
    TOLERANCE_MAX) finds billed above the order, in the invoice's order: a request sums them
    as invoicecheck does."""
    found: list[list[float]] = []
    if order is None:
        return found
    for item in invoice.items or ():
        line = order.lines.get(item.clave)
        if line is None or line.precio is None:
            continue
        if any(
            price_above(item.precio_unitario, line.precio, bound) for bound in (0.0, TOLERANCE_MAX)
        ):
            found.append([item.precio_unitario, line.precio, item.cantidad])
    return found


def number(value: float | None, decimals: int | None = None) -> float | int | None:
    """Return value as an int when whole, else rounded to `decimals` (None stays None)."""
    if value is None:
        return None
    value = round(value, decimals) if decimals is not None else value
    return int(value) if float(value).is_integer() else value


def record_items(result: Checked) -> list[dict]:
    """The items of a checked invoice as /api/invoices lists them."""
    lines_of = result.order.lines if result.order else {}
    out = []
    for item in result.invoice.items or []:
        line = lines_of.get(item.clave)
        out.append(
            {
                "descripcion": item.descripcion,
                "cantidad": number(item.cantidad),
                "precio_unitario": number(item.precio_unitario, 2),
                "cantidad_pedida": number(line.cantidad) if line else None,
                "precio_pedido": number(line.precio, 2) if line else None,
            }
        )
    return out


def record(result: Checked, names: dict[int, str], originals: dict) -> dict:
    """One checked invoice as queries/invoices.py's frame holds it."""
    invoice = result.invoice
    return {
        "factura_id": invoice.id,
        "numero_factura": invoice.numero_factura,
        "fecha_factura": invoice.fecha_factura and invoice.fecha_factura.isoformat(),
        "proveedor_id": invoice.proveedor_id,
        "proveedor": names.get(invoice.proveedor_id),
        "proveedor_original": originals.get(invoice.id),
        "pedido": result.order.numero_pedido if result.order else None,
        "total": None if invoice.total is None else round(float(invoice.total), 2),
        "flags": result.flags,
        "cobrado_de_mas": result.cobrado_de_mas,
        "items": record_items(result),
    }


def stored_order(row: Stored) -> Order | None:
    """The matched order of a stored invoice, with its lines for the invoice's products."""
    if row.pedido_id is None:
        return None
    rows = [
        (key, float(quantity), None if price is None else float(price))
        for key, (quantity, price) in row.lineas.items()
    ]
    return Order(
        row.pedido_id,
        row.numero_pedido,
        row.proveedor_id or 0,
        row.fecha_factura,
        OrderLines.of(rows),
    )


def read_stored(conn: Connection, conditions: list) -> dict[int, Stored]:
    """Stored invoices meeting `conditions` (on mm_factura_cruce), by id."""
    columns = mm_factura_cruce.c
    rows = conn.execute(
        select(
            columns.factura_id,
            columns.proveedor_id,
            columns.fecha_factura,
            columns.total,
            columns["items"],
            columns.pedido_id,
            columns.numero_pedido,
            columns.lineas,
        ).where(*conditions)
    ).fetchall()
    return {
        row[0]: Stored(
            row[0],
            row[1],
            row[2],
            row[3],
            stored_items(row[4]),
            row[5],
            row[6],
            json.loads(row[7]) if row[7] else {},
        )
        for row in rows
    }


class Key(NamedTuple):
    """What a stored match was computed from that a request can read cheaply."""

    proveedor_id: int | None
    fecha_factura: date | None
    total: float | None


def stored_keys(conn: Connection) -> dict[int, Key]:
    """Every stored invoice's Key, by id (a build compares the whole table)."""
    columns = mm_factura_cruce.c
    return {
        row[0]: Key(*row[1:])
        for row in conn.execute(
            select(columns.factura_id, columns.proveedor_id, columns.fecha_factura, columns.total)
        )
    }


def differs(stored: Stored | Key, invoice: Invoice) -> bool:
    """True when what the invoice's match was computed from (provider, day, total) changed."""
    return (
        stored.proveedor_id != invoice.proveedor_id
        or stored.fecha_factura != invoice.fecha_factura
        or stored.total != known_total(invoice.total)
    )


def newer_changes(
    conn: Connection, marks: dict[str, int], names: dict[int, str], changes: Changes
) -> None:
    """Add the invoices and the candidate orders that appeared since the build."""
    columns = facturas_ocr.c
    for assigned, original, day in conn.execute(
        select(
            columns.proveedor_asignado_id,
            columns.proveedor_original,
            columns.fecha_factura,
        ).where(columns.id > marks["factura_max"])
    ):
        changes.add(resolve_provider(assigned, original, names), day)
    delivered = (pedidos.c.estado == DELIVERED, pedidos.c.fecha_entrega_real.is_not(None))
    newly = select(pedidos.c.proveedor_id, pedidos.c.fecha_entrega_real).where(
        pedidos.c.id > marks["pedido_max"], *delivered
    )
    # IN, not a join: SQLite then reads those orders by primary key instead of scanning.
    opened = select(pedidos.c.proveedor_id, pedidos.c.fecha_entrega_real).where(
        pedidos.c.id.in_(select(mm_cruce_abiertos.c.id)), *delivered
    )
    for statement in (newly, opened):
        for provider, day in conn.execute(statement):
            # An invoice dated up to MATCH_DAYS before the delivery may now take it.
            changes.add(provider, day - timedelta(days=MATCH_DAYS))


def window_changes(
    conn: Connection,
    marks: dict[str, int],
    names: dict[int, str],
    live: dict[int, Invoice],
    stored: dict[int, Stored],
    keep: set[int] | None,
) -> tuple[Changes, list[int]]:
    """What changed since the build, for a window whose invoices are `live` as read now and
    `stored` as the store has them; and the window's invoices to match again. `keep`: the
    providers asked for (None: all)."""
    changes = Changes()
    newer_changes(conn, marks, names, changes)
    for key, invoice in live.items():
        row = stored.get(key)
        if row is None or differs(row, invoice):
            changes.add(invoice.proveedor_id, invoice.fecha_factura)
            if row is not None:
                changes.add(row.proveedor_id, row.fecha_factura)
    for key, row in stored.items():
        if key not in live:  # gone, or no longer of the window or of its provider
            changes.add(row.proveedor_id, row.fecha_factura)
    if keep is not None:
        changes.since = {p: day for p, day in changes.since.items() if p in keep}
    redo = [
        key
        for key, invoice in live.items()
        if key not in stored
        or differs(stored[key], invoice)
        or changes.covers(invoice.proveedor_id, invoice.fecha_factura)
    ]
    return changes, redo


def taken_before(conn: Connection, changes: Changes) -> set[int]:
    """Orders taken by stored invoices dated just before each provider's changed day: those
    matches stand, and their orders are not free for the invoices computed again."""
    columns = mm_factura_cruce.c
    taken: set[int] = set()
    for provider, since in changes.since.items():
        taken.update(
            order_id
            for (order_id,) in conn.execute(
                select(columns.pedido_id).where(
                    columns.proveedor_id == provider,
                    columns.fecha_factura >= since - REACH,
                    columns.fecha_factura < since,
                    columns.pedido_id.is_not(None),
                )
            )
        )
    return taken


def invoice_rows(conn: Connection, conditions: list, with_items: bool = True) -> list:
    """Invoice rows meeting `conditions` (on facturas_ocr)."""
    columns = facturas_ocr.c
    wanted = [
        columns.id,
        columns.numero_factura,
        columns.proveedor_original,
        columns.proveedor_asignado_id,
        columns.fecha_factura,
        columns.total,
        is_true(columns.procesado).label("procesado"),
        origin().label("origen"),
    ]
    if with_items:
        wanted.append(columns.productos_json)
    return conn.execute(select(*wanted).where(*conditions)).fetchall()


def origin():
    """What a match was computed from, as the database writes it (one text): the invoice's
    day, total, assigned provider and provider name as read. The store keeps it; a request
    compares it in SQL with the invoice as it is now (answer_rows)."""
    columns = facturas_ocr.c
    parts = [
        func.coalesce(cast(column, Text), "")
        for column in (
            columns.fecha_factura,
            columns.total,
            columns.proveedor_asignado_id,
            columns.proveedor_original,
        )
    ]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.concat("\x1f").concat(part)
    return joined


def as_invoice(row, names: dict[int, str], items: list[Item] | None | str = "read") -> Invoice:
    """An Invoice of a facturas_ocr row; `items` given when they come from the store."""
    return Invoice(
        id=row.id,
        numero_factura=row.numero_factura,
        fecha_factura=row.fecha_factura,
        proveedor_id=resolve_provider(row.proveedor_asignado_id, row.proveedor_original, names),
        procesado=bool(row.procesado),
        total=row.total,
        items=read_items(row.productos_json) if isinstance(items, str) else items,
    )


def by_ids(conn: Connection, ids: list[int]) -> list:
    rows = []
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        rows += invoice_rows(conn, [one_of_ids(facturas_ocr.c.id, part, conn.dialect.name)])
    return rows


def keep_matches(conn: Connection, full: bool, match: Matcher, names: dict[int, str]) -> None:
    """Store every invoice's match (full) or the ones that changed since the last build.

    Runs inside summaries.build's transaction; `match` is queries/invoices.py's match_again."""
    marks = read_marks(conn)
    newest = {
        "factura_max": conn.execute(
            select(func.coalesce(func.max(facturas_ocr.c.id), 0))
        ).scalar_one(),
        "pedido_max": conn.execute(select(func.coalesce(func.max(pedidos.c.id), 0))).scalar_one(),
        "nombres": names_digest(names),
    }
    # The orders that may still become a candidate, read before matching: one delivered in
    # between is then both open here and maybe matched, and a later request recomputes it.
    open_ids = [
        order_id
        for (order_id,) in conn.execute(
            select(pedidos.c.id).where(
                pedidos.c.id <= newest["pedido_max"],
                pedidos.c.estado.is_(None)
                | pedidos.c.estado.not_in((DELIVERED, CANCELLED))
                | ((pedidos.c.estado == DELIVERED) & pedidos.c.fecha_entrega_real.is_(None)),
            )
        )
    ]
    if full or marks is None:
        _match_everything(conn, match, names)
    else:
        _match_changed(conn, marks, match, names)
    conn.execute(delete(mm_cruce_abiertos))
    for start in range(0, len(open_ids), CHUNK):
        conn.execute(
            insert(mm_cruce_abiertos),
            [{"id": order_id} for order_id in open_ids[start : start + CHUNK]],
        )
    conn.execute(delete(mm_cruce_estado))
    conn.execute(
        insert(mm_cruce_estado),
        [{"clave": key, "valor": int(value)} for key, value in newest.items()],
    )


def _match_everything(conn: Connection, match: Matcher, names: dict[int, str]) -> None:
    """Every invoice, in matching order, CHUNK at a time: only the ids and days are held for
    the whole table (two arrays), and only the orders taken in the last REACH days."""
    conn.execute(delete(mm_factura_cruce))
    columns = facturas_ocr.c
    ids, days = [], []
    for invoice_id, day in conn.execute(select(columns.id, columns.fecha_factura)):
        ids.append(invoice_id)
        # Undated invoices last (never matched), as invoicecheck orders them.
        days.append(day.toordinal() if day is not None else date.max.toordinal())
    order = np.lexsort((np.array(ids, dtype=np.int64), np.array(days, dtype=np.int64)))
    ordered = np.array(ids, dtype=np.int64)[order].tolist()
    del ids, days
    recent: list[tuple[date, int]] = []
    seen: set[tuple[int, str]] = set()
    for start in range(0, len(ordered), CHUNK):
        rows = by_ids(conn, ordered[start : start + CHUNK])
        origins = {row.id: row.origen for row in rows}
        invoices = sorted((as_invoice(row, names) for row in rows), key=matching_key)
        first_day = next((inv.fecha_factura for inv in invoices if inv.fecha_factura), None)
        if first_day is not None:
            recent = [(day, order_id) for day, order_id in recent if day >= first_day - REACH]
        pairs = match(conn, invoices, {order_id for _, order_id in recent})
        recent += [
            (inv.fecha_factura, order.id)
            for inv, order in pairs
            if order is not None and inv.fecha_factura is not None
        ]
        _write(conn, pairs, repeated_numbers(pairs, seen), names, origins)


def repeated_numbers(pairs: Pairs, seen: set[tuple[int, str]]) -> set[int]:
    """Ids of the invoices (matching order) whose provider had their number before: in `seen`
    (which they are added to) or earlier in `pairs` (invoicecheck.check_matched's rule)."""
    found = set()
    for invoice, _ in pairs:
        if invoice.proveedor_id is None or not invoice.numero_factura:
            continue
        key = (invoice.proveedor_id, invoice.numero_factura)
        if key in seen:
            found.add(invoice.id)
        seen.add(key)
    return found


def _write(
    conn: Connection,
    pairs: Pairs,
    repeated: set[int],
    names: dict[int, str],
    origins: dict[int, str],
) -> None:
    rows = [
        row_of(invoice, order, invoice.id in repeated, names, origins.get(invoice.id))
        for invoice, order in pairs
    ]
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(mm_factura_cruce), rows[start : start + CHUNK])


def numbers_before(conn: Connection, invoices: list[Invoice], again: set[int]) -> set:
    """(provider, number) of the stored invoices not computed `again` that come before the
    first of `invoices` (matching order) of their provider with that number."""
    first: dict[tuple[int, str], tuple] = {}
    for invoice in invoices:
        if invoice.proveedor_id is not None and invoice.numero_factura:
            first.setdefault((invoice.proveedor_id, invoice.numero_factura), matching_key(invoice))
    columns = mm_factura_cruce.c
    seen = set()
    by_provider: dict[int, list[str]] = {}
    for provider, numero in first:
        by_provider.setdefault(provider, []).append(numero)
    for provider, numbers in by_provider.items():
        for start in range(0, len(numbers), CHUNK):
            rows = conn.execute(
                select(
                    columns.factura_id,
                    columns.fecha_factura,
                    columns.numero_factura,
                ).where(
                    columns.proveedor_id == provider,
                    columns.numero_factura.in_(numbers[start : start + CHUNK]),
                )
            )
            for invoice_id, day, numero in rows:
                key = (day is None, day or date.min, invoice_id)
                if invoice_id not in again and key < first[(provider, numero)]:
                    seen.add((provider, numero))
    return seen


def _match_changed(
    conn: Connection, marks: dict[str, int], match: Matcher, names: dict[int, str]
) -> None:
    """The invoices that are new or changed, and every later one of their providers."""
    changes = Changes()
    newer_changes(conn, marks, names, changes)
    live = {row.id: as_invoice(row, names, None) for row in invoice_rows(conn, [], False)}
    stored = stored_keys(conn)
    again = [
        invoice_id
        for invoice_id, invoice in live.items()
        if invoice_id not in stored or differs(stored[invoice_id], invoice)
    ]
    for invoice_id in again:
        changes.add(live[invoice_id].proveedor_id, live[invoice_id].fecha_factura)
        if invoice_id in stored:
            changes.add(stored[invoice_id].proveedor_id, stored[invoice_id].fecha_factura)
    gone = [invoice_id for invoice_id in stored if invoice_id not in live]
    for invoice_id in gone:
        changes.add(stored[invoice_id].proveedor_id, stored[invoice_id].fecha_factura)
    redo = sorted(
        set(again)
        | {
            invoice_id
            for invoice_id, invoice in live.items()
            if changes.covers(invoice.proveedor_id, invoice.fecha_factura)
        }
    )
    if not redo and not gone:
        return
    taken = taken_before(conn, changes)
    rows = by_ids(conn, redo)
    invoices = sorted((as_invoice(row, names) for row in rows), key=matching_key)
    pairs = match(conn, invoices, taken)
    repeated = repeated_numbers(pairs, numbers_before(conn, invoices, set(redo)))
    dropped = sorted(set(redo) | set(gone))
    cruce = mm_factura_cruce.c
    for start in range(0, len(dropped), CHUNK):
        conn.execute(
            delete(mm_factura_cruce).where(
                one_of_ids(cruce.factura_id, dropped[start : start + CHUNK], conn.dialect.name)
            )
        )
    _write(conn, pairs, repeated, names, {row.id: row.origen for row in rows})


class Answer(NamedTuple):
    """/api/invoices from the store: the JSON of the invoices list, newest first, and the
    providers' totals before rounding and sorting (invoice_report.provider_rows)."""

    facturas: str
    totals: dict[int, dict]


# The answer's parts of one invoice read from the store (or made by row_of for one matched
# again): RENDER_COLUMNS in this order.
RENDER_COLUMNS = (
    "factura_id",
    "proveedor_id",
    "fecha_factura",
    "duplicada",
    "marcas",
    "exceso",
    "cabeza",
    "detalle",
)
# state(factura_id) -> (estado, estado_usuario, estado_cuando) of the invoice.
StateOf = Callable[[int], tuple[str, str | None, str | None]]


def answer_rows(conn: Connection, conditions: list) -> list:
    """The store's ready parts of the invoices meeting `conditions` (on mm_factura_cruce): the
    RENDER_COLUMNS (the day as the database writes it), then whether the invoice is as the
    match was computed from (`same`: origin() unchanged) and `procesado` as it is now."""
    cruce = mm_factura_cruce.c
    invoice = facturas_ocr.c
    columns = [cruce[name] for name in RENDER_COLUMNS]
    if conn.dialect.name == "sqlite":
        # The day as stored text: the answer sorts by it and never needs a date object.
        columns[2] = type_coerce(cruce.fecha_factura, String).label("fecha_factura")
    same = case(
        (and_(invoice.id.is_not(None), origin().is_not_distinct_from(cruce.origen)), 1), else_=0
    )
    statement = (
        select(*columns, same.label("same"), is_true(invoice.procesado).label("procesado"))
        .select_from(mm_factura_cruce.outerjoin(facturas_ocr, invoice.id == cruce.factura_id))
        .where(*conditions)
    )
    return conn.execute(statement).fetchall()


def render(
    rows: Iterable[tuple],
    pending: set[int],
    tolerancia: float,
    state: StateOf,
    names: dict[int, str],
    counted: Callable[[str], bool],
) -> Answer:
    """The invoices' JSON as api.dumps(invoice_report.invoices_body(...)) writes it, from
    the store's ready parts: only the flags, the money above the order and the state are
    made here (`pending`: ids of the invoices not processed). The providers' totals add up
    as invoice_report.invoice_providers does (`counted(estado)`: its money still counts)."""
    ordered = sorted(rows, key=lambda row: (_iso(row[2]), row[0]), reverse=True)
    flags_text: dict[tuple, tuple[str, list[str]]] = {}
    states_text: dict[tuple, str] = {}
    parts: list[str] = []
    totals: dict[int, dict] = {}
    for invoice_id, provider, _day, duplicada, marcas, exceso, cabeza, detalle in ordered:
        extra, above = _above(exceso, tolerancia)
        key = (marcas, above, invoice_id in pending, bool(duplicada))
        if key not in flags_text:
            flags = _flags(*key)
            flags_text[key] = (_compact(flags), flags)
        text, flags = flags_text[key]
        estado = state(invoice_id)
        if estado not in states_text:
            states_text[estado] = '"estado":{},"estado_usuario":{},"estado_cuando":{}'.format(
                *map(_compact, estado)
            )
        parts.append(
            f'{{"factura_id":{invoice_id},{cabeza},"flags":{text},'
            f'"cobrado_de_mas":{_money(extra)},{states_text[estado]},"items":{detalle}}}'
        )
        if provider is not None:
            entry = totals.get(provider)
            if entry is None:
                entry = totals[provider] = {
                    "proveedor_id": provider,
                    "proveedor": names.get(provider),
                    "facturas": 0,
                    "con_problemas": 0,
                    "cobrado_de_mas": 0.0,
                }
            entry["facturas"] += 1
            entry["con_problemas"] += flags != [OK]
            if counted(estado[0]):
                entry["cobrado_de_mas"] += extra
    return Answer(",".join(parts), totals)


def _money(value: float) -> str:
    """A float as json.dumps writes it (repr, for every finite one)."""
    return float.__repr__(value) if math.isfinite(value) else _compact(value)


def _iso(day) -> str:
    """A day (a date, or stored `YYYY-MM-DD` text) as the answer's sort key."""
    if day is None:
        return ""
    return day if isinstance(day, str) else day.isoformat()


def _above(exceso: str | None, tolerancia: float) -> tuple[float, bool]:
    """Money billed above the order at this tolerance, rounded as invoicecheck.check_one."""
    if not exceso:
        return 0.0, False
    extra, above = 0.0, False
    for billed, ordered, quantity in json.loads(exceso):
        if price_above(billed, ordered, tolerancia):
            above = True
            extra += (billed - ordered) * quantity
    return round(extra, 2), above


def _flags(marcas: str, above: bool, pending: bool, duplicada: bool) -> list[str]:
    found = set(marcas.split(FLAG_SEPARATOR)) if marcas else set()
    if above:
        found.add("precio_mayor")
    if pending:
        found.add("pendiente")
    if duplicada:
        found.add("duplicada")
    return [name for name in FLAGS if name in found] or [OK]
