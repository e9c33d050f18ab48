"""Check invoices against orders: match each to its delivered order and flag what differs.

Pure Python over plain values (the SQL lives in queries/invoices.py). Binding rules of the
«Facturas y precios» issue; README § Facturas explains them in Spanish.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from .invoices import Item

# In the order the issue lists them; an invoice's `flags` keep this order.
FLAGS = (
    "sin_pedido",
    "precio_mayor",
    "cantidad_distinta",
    "no_pedido",
    "sin_proveedor",
    "ilegible",
    "pendiente",
    "duplicada",
)
OK = "ok"  # the only flag of an invoice with none of the above
MATCH_DAYS = 3
_EPSILON = 1e-9


class Line(NamedTuple):
    """What an order asked for one product: units (summed) and unit price (weighted mean).

    A tuple, not a dataclass: a window holds tens of thousands of them.
    """

    cantidad: float
    precio: float | None


class Order(NamedTuple):
    """A delivered order that may be an invoice's: its lines keyed by normalised name.

    A tuple, not a dataclass: a window holds ~9,000 candidates, built on every request.
    """

    id: int
    numero_pedido: str | None
    proveedor_id: int
    entrega: date
    lines: Mapping[str, Line]
    # The day of fecha_pedido as the database wrote it, where reading its lines needs it.
    pedido_dia: object = None
    # pedidos.total (None when NULL): a tie-break of matching (pick_order).
    total: float | None = None


@dataclass(frozen=True)
class Invoice:
    """An invoice as read: resolved provider and usable items (None: `ilegible`)."""

    id: int
    numero_factura: str | None
    fecha_factura: date | None  # None: the OCR read no date (never matched)
    proveedor_id: int | None
    procesado: bool
    total: float | None
    items: list[Item] | None


@dataclass
class Checked:
    """The verdict on one invoice."""

    invoice: Invoice
    order: Order | None = None
    flags: list[str] = field(default_factory=list)
    cobrado_de_mas: float = 0.0


def merge_lines(rows: Iterable[tuple[str, float, float | None]]) -> dict[str, Line]:
    """Merge order lines with the same normalised name: units add up, price is the weighted mean.

    A line without price (NULL) leaves the merged price unknown only when no line has one.
    """
    rows = list(rows)
    merged = {key: Line(quantity, price) for key, quantity, price in rows}
    if len(merged) == len(rows):  # the usual case: each product once
        return merged
    units: dict[str, float] = {}
    spend: dict[str, float] = {}
    priced: dict[str, float] = {}
    for key, quantity, price in rows:
        units[key] = units.get(key, 0.0) + quantity
        if price is not None:
            spend[key] = spend.get(key, 0.0) + price * quantity
            priced[key] = priced.get(key, 0.0) + quantity
    return {
        key: Line(total, spend[key] / priced[key] if priced.get(key) else None)
        for key, total in units.items()
    }


class OrderLines(Mapping[str, Line]):
    """An order's lines by normalised name: first only the names, the lines once it is picked.

    Matching compares each candidate order by the names of its lines alone; only the order an
    invoice picks is read line by line (`load`), and merged by normalised name on first lookup.
    Reading every candidate's lines was most of /api/invoices' time.
    """

    __slots__ = ("_names", "_rows", "_merged")

    def __init__(
        self, names: Iterable[str], rows: Iterable[tuple[str, float, float | None]] | None = None
    ) -> None:
        self._names = frozenset(names)
        self._rows = None if rows is None else list(rows)
        self._merged: dict[str, Line] | None = None

    @classmethod
    def of(cls, rows: Iterable[tuple[str, float, float | None]]) -> OrderLines:
        """Lines already read: (normalised name, units, unit price) each."""
        rows = list(rows)
        return cls((key for key, _, _ in rows), rows)

    def load(self, rows: Iterable[tuple[str, float, float | None]]) -> None:
        """Give the lines of an order built from its names alone."""
        self._rows, self._merged = list(rows), None

    def keys(self) -> frozenset[str]:  # type: ignore[override]
        return self._names

    def _lines(self) -> dict[str, Line]:
        if self._merged is None:
            if self._rows is None:
                raise LookupError("order lines were never loaded")
            self._merged = merge_lines(self._rows)
        return self._merged

    def __getitem__(self, key: str) -> Line:
        return self._lines()[key]

    def get(self, key: str, default: Line | None = None) -> Line | None:
        return self._lines().get(key, default)  # Mapping's get raises and catches on a miss

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines())

    def __len__(self) -> int:
        return len(self._lines())


def pick_order(
    invoice: Invoice, by_day: Mapping[tuple[int, date], list[Order]], taken: set[int]
) -> Order | None:
    """Return the free delivered order that is most likely the invoice's (README § Facturas).

    Among the provider's free orders delivered within MATCH_DAYS that share a name with the
    invoice: the most shared names; then the fewest order names absent from the invoice; then
    the smallest |order total − invoice total| (unknown after any known one); then the closest
    delivery; then the lower id.

    `by_day` holds the candidate orders by (provider, delivery day): only the 7 days around the
    invoice are looked at, each with its distance already known (this loop runs ~9,000 times
    per request of /api/invoices).
    """
    if invoice.proveedor_id is None or not invoice.items or invoice.fecha_factura is None:
        return None
    best: tuple | None = None
    chosen: Order | None = None
    names = frozenset(item.clave for item in invoice.items)
    provider, day = invoice.proveedor_id, invoice.fecha_factura
    billed = known_total(invoice.total)
    for gap, shift in _SHIFTS:
        for order in by_day.get((provider, day + shift), ()):
            if order.id in taken:
                continue
            keys = order.lines.keys()
            shared = len(names & keys)
            if not shared:
                continue
            ordered = known_total(order.total)
            apart = (
                (0, abs(ordered - billed))
                if billed is not None and ordered is not None
                else (_UNKNOWN)
            )
            rank = (-shared, len(keys) - shared, apart, gap, order.id)
            if best is None or rank < best:
                best, chosen = rank, order
    return chosen


_UNKNOWN = (1, 0.0)  # a total difference that cannot be known ranks after every known one


def known_total(total: object) -> float | None:
    """A total as a finite float, or None (NULL, or a value that is not a number)."""
    if total is None or isinstance(total, bool):
        return None
    try:
        value = float(total)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# (distance in days, shift) for every delivery day within MATCH_DAYS of an invoice.
_SHIFTS = tuple((abs(days), timedelta(days=days)) for days in range(-MATCH_DAYS, MATCH_DAYS + 1))


def price_above(invoiced: float, ordered: float | None, tolerancia: float) -> bool:
    """True when the invoiced unit price exceeds the ordered one by more than tolerancia %."""
    if ordered is None:
        return False
    return (invoiced - ordered) * 100 > tolerancia * ordered + _EPSILON


def _item_flags(items: list[Item], order: Order, tolerancia: float) -> tuple[set[str], float]:
    """Flags from comparing items with the order's lines, and the money charged above price."""
    flags: set[str] = set()
    extra = 0.0
    invoiced_units: dict[str, float] = {}
    for item in items:
        line = order.lines.get(item.clave)
        if line is None:
            flags.add("no_pedido")
            continue
        invoiced_units[item.clave] = invoiced_units.get(item.clave, 0.0) + item.cantidad
        if price_above(item.precio_unitario, line.precio, tolerancia):
            flags.add("precio_mayor")
            extra += (item.precio_unitario - line.precio) * item.cantidad
    for key, units in invoiced_units.items():
        if abs(units - order.lines[key].cantidad) > _EPSILON:
            flags.add("cantidad_distinta")
    return flags, extra


def check_one(invoice: Invoice, order: Order | None, duplicate: bool, tolerancia: float) -> Checked:
    """Return the flags and the overcharge of one invoice given its order (or None)."""
    found: set[str] = set()
    extra = 0.0
    if order is None:
        found.add("sin_pedido")
    else:
        found, extra = _item_flags(invoice.items or [], order, tolerancia)
    if invoice.proveedor_id is None:
        found.add("sin_proveedor")
    if invoice.items is None:
        found.add("ilegible")
    if not invoice.procesado:
        found.add("pendiente")
    if duplicate:
        found.add("duplicada")
    flags = [name for name in FLAGS if name in found] or [OK]
    return Checked(invoice, order, flags, round(extra, 2))


def match_orders(
    invoices: Iterable[Invoice], orders: Iterable[Order]
) -> list[tuple[Invoice, Order | None]]:
    """Pair each invoice (by fecha_factura then id) with its order; an order is taken once.

    Only the names of the orders' lines are looked at (Order.lines.keys()).
    """
    everything = list(orders)
    return match_orders_read(invoices, lambda first, last: everything, None)


def match_orders_read(
    invoices: Iterable[Invoice],
    read: Callable[[date, date], Iterable[Order]],
    read_days: int | None,
    taken: set[int] | None = None,
) -> list[tuple[Invoice, Order | None]]:
    """match_orders, reading the candidates as the invoices' dates advance.

    read(first, last) returns the candidate orders delivered from `first` to `last` (both
    included); it is called with ascending ranges that do not overlap, each reaching
    `read_days` beyond what the next invoice needs (None: one call for everything). Orders
    delivered more than MATCH_DAYS before the invoice at hand are forgotten: no later invoice
    can take them. So only a few weeks of candidates are held at once, not the whole window's
    (~90,000 orders, +212 MB, for 90 days of the 10M-line demo). `taken`: ids of orders that
    earlier invoices, not in this list, already took (the store's, queries/invoice_matches.py).
    """
    by_day: dict[tuple[int, date], list[Order]] = {}
    taken = set(taken or ())
    pairs = []
    read_until: date | None = None
    for invoice in sorted(invoices, key=matching_key):
        day = invoice.fecha_factura
        if (
            day is not None
            and invoice.proveedor_id is not None
            and invoice.items
            and (read_until is None or day + _GAP > read_until)
        ):
            first = day - _GAP if read_until is None else max(read_until + _ONE_DAY, day - _GAP)
            read_until = date.max if read_days is None else (day + _GAP + timedelta(days=read_days))
            for key in [key for key in by_day if key[1] < day - _GAP]:
                del by_day[key]
            for order in read(first, read_until):
                by_day.setdefault((order.proveedor_id, order.entrega), []).append(order)
        order = pick_order(invoice, by_day, taken)
        if order is not None:
            taken.add(order.id)
        pairs.append((invoice, order))
    return pairs


def matching_key(invoice: Invoice) -> tuple:
    """By fecha_factura then id; an invoice without a date (never matched) goes last."""
    return (invoice.fecha_factura is None, invoice.fecha_factura or date.min, invoice.id)


_GAP = timedelta(days=MATCH_DAYS)
_ONE_DAY = timedelta(days=1)


def check_matched(
    pairs: Iterable[tuple[Invoice, Order | None]],
    tolerancia: float,
    seen_before: Iterable[tuple[int, str]] = (),
) -> list[Checked]:
    """Flag each matched pair in order; `seen_before` as in check_invoices."""
    seen = set(seen_before)
    results = []
    for invoice, order in pairs:
        key = (invoice.proveedor_id, invoice.numero_factura)
        duplicate = (
            invoice.proveedor_id is not None and bool(invoice.numero_factura) and (key in seen)
        )
        seen.add(key)
        results.append(check_one(invoice, order, duplicate, tolerancia))
    return results


def check_invoices(
    invoices: Iterable[Invoice],
    orders: Iterable[Order],
    tolerancia: float,
    seen_before: Iterable[tuple[int, str]] = (),
) -> list[Checked]:
    """Check invoices in order of fecha_factura then id; an order is matched at most once.

    `seen_before` holds (provider, numero_factura) of earlier invoices outside the list, so a
    repeat of an older invoice is `duplicada` too.
    """
    return check_matched(match_orders(invoices, orders), tolerancia, seen_before)
