"""Demo unit prices that rise with inflation, and OCR invoices tied to delivered orders.

Prices: each provider raises its prices at its own pace (baseline ~2,5 % a month, some faster,
some slower, some by steps every few months); a line's unit price is the product's current cost
deflated to its order's date. Invoices: most copy a delivered order (dated around its delivery)
and a few carry what the Facturas page must find: prices 3–10 % above the order, quantity
differences, an item not ordered, invoices with no order, unassigned providers with OCR-noisy
names, repeated numbers, unreadable `productos_json`, every key variant and es-AR numbers; and
the orders of demo/plants.py (near names, same-day orders, an exact order beside a superset).
An invoice's total is the sum of its items, as an order's.

Every invoice gets its own order on the page or none: an invoice copying an order always has a
name that no other candidate order has with all its other names, and the items of an invoice
of no order are in no candidate. So the page's «Te cobraron de más» is exactly the money
planted (Planted.overcharge).
"""

from __future__ import annotations

import json
import math
import unicodedata
import zlib
from dataclasses import dataclass, field

import numpy as np

from .catalogue import ESTADOS, PROVIDER_ACTIVE, PROVIDER_NAMES, PROVIDERS
from .generate import (
    Columns,
    _Calendar,
    _format_days,
    _format_timestamps,
    _OrderInfo,
    _Products,
    _ProductSampler,
    _with_nulls,
)
from .plants import Book, PlantedOrders

DELIVERED = int(np.flatnonzero(ESTADOS == "entregado")[0])
BASE_MONTHLY = 0.025
# provider index % 6 -> monthly rise; None: by steps of STEP every STEP_MONTHS months.
PACES = (0.045, 0.010, None, 0.022, 0.028, 0.025)
STEP, STEP_MONTHS = 0.12, 4
DAYS_PER_MONTH = 30.44
FROM_ORDERS = 0.85
# Draws of another product for an invoice of no order whose items were all in candidates.
FREE_TRIES = 20
# The last days (today included) that always hold an invoice billed above its order.
RECENT_DAYS = 7
# The OCR variant of a provider's name that may not resolve (ocr_variants: the misread one).
MISREAD = 5
ILLEGIBLE = ("{texto ilegible", '{"items": []}', "[]", "FACTURA A 0001 ???", "null")


def price_factor(provider_idx: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """Return price / today's price for a provider's purchase `age_days` ago."""
    months = age_days / DAYS_PER_MONTH
    pace = provider_idx % len(PACES)
    rates = np.array([BASE_MONTHLY if rate is None else rate for rate in PACES])[pace]
    smooth = (1.0 + rates) ** (-months)
    steps = (1.0 + STEP) ** (-np.floor((months + provider_idx % STEP_MONTHS) / STEP_MONTHS))
    return np.where(pace == PACES.index(None), steps, smooth)


def drift_prices(
    calendar: _Calendar, products: _Products, orders: Columns, lines: Columns, info: _OrderInfo
) -> None:
    """Set each line's unit price for its order's date; subtotals and order totals follow."""
    days = orders["fecha_pedido"].astype("<U10").astype("datetime64[D]")
    age = (calendar.today - days).astype(np.int64)[info.line_order]
    factor = price_factor(info.provider_idx[info.line_order], age.astype(float))
    unit = np.round(products.cost[info.line_product] * factor, 2)
    lines["precio_unitario"] = unit
    lines["subtotal"] = np.round(lines["cantidad"] * unit, 2)
    orders["total"] = np.round(
        np.bincount(info.line_order, weights=lines["subtotal"], minlength=len(days)), 2
    )


def ocr_variants(name: str) -> list[str]:
    """The name as read by OCR: exact, upper case, without accents, misread, with noise."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    misread = plain.replace("o", "0", 1).replace("l", "1", 1).replace("rn", "m")
    noisy = f"DISTRIB. {plain.upper()} S A"
    return [name, name, name, name.upper(), plain, misread, name.replace(" ", "  ", 1), noisy]


def es_ar(value: float, money: bool = False) -> str:
    """Write 1234.5 as `1.234,50` (or `$ 1.234,50`)."""
    text = f"{value:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"$ {text}" if money else text


def item_entry(style: int, name: str, quantity: int, price: float) -> dict:
    """One item in one of the OCR's four spellings (keys and number formats)."""
    if style == 0:
        return {"producto": name, "cantidad": quantity, "precio_unitario": price}
    if style == 1:
        return {
            "descripcion": name,
            "cantidad": quantity,
            "precio_unitario": es_ar(price, True),
            "importe": es_ar(quantity * price, True),
        }
    if style == 2:
        return {"nombre": name, "cantidad": str(quantity), "precio": f"{price:.2f}"}
    return {
        "descripcion": name,
        "codigo": f"{zlib.crc32(name.encode()) % 10**6:06d}",
        "raw_line": f"{quantity} x {name.upper()} {es_ar(price)}",
        "cantidad": quantity,
        "precio": es_ar(price),
    }


def _invoice_numbers(rng: np.random.Generator, providers: np.ndarray) -> list[str]:
    """Argentine style numbers: type A or B, point of sale per provider, increasing serial."""
    kind = np.where(rng.random(len(providers)) < 0.8, "A", "B").tolist()
    point = (providers % 12 + 1).tolist()
    serial = (np.arange(len(providers)) * 7 + rng.integers(1, 7, len(providers)) + 1000).tolist()
    return [f"{k}-{p:04d}-{s:08d}" for k, p, s in zip(kind, point, serial, strict=True)]


def _repeat_numbers(
    rng: np.random.Generator, numbers: list[str], providers: np.ndarray, clean: np.ndarray
) -> None:
    """Give a few invoices (at least three) the number of an earlier one of the same provider;
    never those marked `clean`."""
    for index in rng.choice(
        np.arange(1, len(numbers)), size=max(3, len(numbers) // 100), replace=False
    ).tolist():
        earlier = np.flatnonzero(providers[:index] == providers[index])
        if len(earlier) and not clean[index]:
            numbers[index] = numbers[int(earlier[-1])]


def _order_items(order: int, lines: Columns, info: _OrderInfo) -> list[list]:
    start = np.searchsorted(info.line_order, order)
    end = np.searchsorted(info.line_order, order, side="right")
    return [
        [
            str(lines["producto_nombre"][i]),
            int(lines["cantidad"][i]),
            float(lines["precio_unitario"][i]),
        ]
        for i in range(start, end)
    ]


def _plant(
    rng: np.random.Generator,
    items: list[list],
    other: tuple[str, float],
    others: list[frozenset[str]],
) -> tuple[list[list], float]:
    """Maybe read part of the invoice, and plant one difference with the order; return the
    items and the money billed above the order's prices on purpose.

    `others`: the names of the provider's other orders the invoice could be matched to. What is
    read always has a name that none of them has with all the others, and an item not ordered
    is in none of them: no other order shares as many names, so the invoice gets its own.
    """
    ordered = {item[0] for item in items}
    if len(items) > 1 and rng.random() < 0.1:  # the OCR read only part of it
        read = int(rng.integers(1, len(items)))
        while read < len(items) and _inside({item[0] for item in items[:read]}, others):
            read += 1
        items = items[:read]
    draw, target = rng.random(), int(rng.integers(0, len(items)))
    if draw < 0.05:  # billed 3–10 % above the order
        price = items[target][2]
        items[target][2] = round(price * rng.uniform(1.03, 1.10), 2)
        return items, (items[target][2] - price) * items[target][1]
    if draw < 0.09:  # a different quantity
        items[target][1] += int(rng.integers(1, 4))
    elif draw < 0.12 and other[0] not in ordered and not _inside({other[0]}, others):
        items.append([other[0], int(rng.integers(1, 6)), other[1]])  # an item not ordered
    return items, 0.0


def _inside(names: set[str], others: list[frozenset[str]]) -> bool:
    return any(names <= names_of_other for names_of_other in others)


def _random_items(
    rng, sampler: _ProductSampler, products: _Products, provider: int, age: int
) -> list[list]:
    picked = sampler.sample(rng, np.full(int(rng.integers(1, 5)), provider))
    factor = float(price_factor(np.array([provider]), np.array([float(age)]))[0])
    return [
        [
            str(products.names[p]),
            int(rng.geometric(0.15)),
            round(float(products.cost[p]) * factor, 2),
        ]
        for p in dict.fromkeys(picked.tolist())
    ]


@dataclass
class _Drafts:
    """Invoices being built: provider, day and items of each, the order each copies (its id)
    and the money billed above it on purpose."""

    providers: list[int] = field(default_factory=list)
    days: list[np.datetime64] = field(default_factory=list)
    items: list[list[list]] = field(default_factory=list)
    sources: list[int | None] = field(default_factory=list)
    extra: list[float] = field(default_factory=list)

    def add(
        self, provider: int, day, items: list[list], source: int | None, extra: float = 0.0
    ) -> None:
        self.providers.append(provider)
        self.days.append(day)
        self.items.append(items)
        self.sources.append(source)
        self.extra.append(extra)

    def __add__(self, other: _Drafts) -> _Drafts:
        return _Drafts(
            *(
                getattr(self, name) + getattr(other, name)
                for name in ("providers", "days", "items", "sources", "extra")
            )
        )

    def __len__(self) -> int:
        return len(self.days)


def _day_number(day: np.datetime64) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _others(book: Book, provider: int, day, order: int | None = None) -> list[frozenset[str]]:
    """Names of the provider's delivered orders (but `order`) an invoice of `day` could get."""
    return [book.names(other) for other in book.near(provider, _day_number(day)) if other != order]


def _planted_drafts(book: Book, planted: PlantedOrders, lines, info) -> _Drafts:
    """The invoices of the planted orders (demo/plants.py): exact copies, on the delivery day."""
    drafts = _Drafts()
    for order in planted.invoiced():
        drafts.add(
            int(info.provider_idx[order]),
            info.delivered[order],
            _order_items(order, lines, info),
            order + 1,
        )
    return drafts


def _from_orders(
    rng, calendar: _Calendar, products, sampler, book: Book, planted: PlantedOrders, size: int
) -> _Drafts:
    """Invoices copying random delivered orders (but the planted ones), with a few planted
    differences. An order that another candidate holds all the names of is left uninvoiced:
    the invoice could not tell them apart."""
    lines, info = book.lines, book.info
    delivered = np.flatnonzero(info.state == DELIVERED)
    delivered = delivered[~np.isin(delivered, list(planted.involved()))]
    picked = np.sort(rng.choice(delivered, size=min(size, len(delivered)), replace=False))
    shift = rng.choice(np.array([-1, 0, 0, 0, 1, 2, 3]), size=len(picked))
    days = np.minimum(info.delivered[picked] + shift.astype("timedelta64[D]"), calendar.today)
    drafts = _Drafts()
    for order, day in zip(picked.tolist(), days, strict=True):
        provider = int(info.provider_idx[order])
        other = _random_items(rng, sampler, products, provider, 0)[0]
        others = _others(book, provider, day, order)
        if _inside(set(book.names(order)), others):
            continue
        items, extra = _plant(rng, _order_items(order, lines, info), (other[0], other[2]), others)
        drafts.add(provider, day, items, order + 1, extra)
    _overcharge_last_week(rng, calendar, drafts)
    return drafts


def _overcharge_last_week(rng, calendar: _Calendar, drafts: _Drafts) -> None:
    """Make sure the last RECENT_DAYS have an invoice billed above its order (the morning
    report's «cobrado de más»): if none has, the latest of them has its first item's price
    raised 3–10 %."""
    recent = [
        k
        for k, day in enumerate(drafts.days)
        if day > calendar.today - np.timedelta64(RECENT_DAYS, "D")
    ]
    if not recent or any(drafts.extra[k] for k in recent):
        return
    latest = max(recent, key=lambda k: (drafts.days[k], k))
    item = drafts.items[latest][0]
    price = item[2]
    item[2] = round(price * rng.uniform(1.03, 1.10), 2)
    drafts.extra[latest] = (item[2] - price) * item[1]


def _without_orders(rng, calendar: _Calendar, products, sampler, book: Book, size: int) -> _Drafts:
    """Invoices of no order: their items are in no order the page could match them to."""
    active = PROVIDER_ACTIVE & (sampler.counts > 0)
    weight = np.where(active, sampler.provider_weight, 0.0)
    providers = rng.choice(len(PROVIDERS), size=size, p=weight / weight.sum()).tolist()
    days = list(calendar.sample_days(rng, size))
    drafts = _Drafts()
    for provider, day in zip(providers, days, strict=True):
        near = set().union(*_others(book, provider, day))
        items = _random_items(
            rng, sampler, products, provider, int((calendar.today - day).astype(int))
        )
        items = [item for item in items if item[0] not in near]
        for _ in range(FREE_TRIES):
            if items:
                break
            product = int(sampler.sample_uniform(rng, np.array([provider]))[0])
            if products.names[product] not in near:
                factor = price_factor(
                    np.array([provider]), np.array([float((calendar.today - day).astype(int))])
                )
                items = [
                    [
                        str(products.names[product]),
                        int(rng.geometric(0.15)),
                        round(float(products.cost[product] * factor[0]), 2),
                    ]
                ]
        if items:
            drafts.add(provider, day, items, None)
    return drafts


def _productos_json(
    rng: np.random.Generator, items: list[list[list]], keep: np.ndarray
) -> list[str]:
    """The items as the OCR wrote them; about 1 % unreadable, never those marked `keep`."""
    styles = rng.choice(4, size=len(items), p=[0.5, 0.2, 0.15, 0.15]).tolist()
    unreadable = (rng.random(len(items)) < 0.01) & ~keep
    return [
        ILLEGIBLE[index % len(ILLEGIBLE)]
        if bad
        else json.dumps([item_entry(style, *item) for item in entry], ensure_ascii=False)
        for index, (style, bad, entry) in enumerate(zip(styles, unreadable, items, strict=True))
    ]


@dataclass(frozen=True)
class Planted:
    """What the generator put in facturas_ocr on purpose, by invoice id (for tests).

    Every invoice of `source` gets that order on the Facturas page, unless it is unreadable or
    its provider cannot be told: no other candidate order shares as many of its names.
    """

    source: dict[int, int]  # invoice id -> id of the delivered order it copies
    overcharge: dict[int, float]  # invoice id -> money billed above that order's prices
    near_names: int | None = None  # invoice id of the order with the NEAR_NAMES products
    same_day: tuple[int, int] | None = None  # the two invoices of same-day orders
    exact: tuple[int, int] | None = None  # (invoice id, id of the superset order beside)

    @property
    def total_overcharge(self) -> float:
        """The planted «Te cobraron de más» of every invoice, to the cent."""
        return round(sum(self.overcharge.values()), 2)


def make_invoices(
    rng,
    calendar: _Calendar,
    products: _Products,
    sampler: _ProductSampler,
    tables: tuple[Columns, Columns, _OrderInfo],
    lines: int,
    planted: PlantedOrders | None = None,
    every_delivery: bool = False,
) -> tuple[Columns, Planted]:
    """Build facturas_ocr: most invoices copy a delivered order, a few plant differences.

    The planted orders' invoices (demo/plants.py) come first, as exact copies, readable,
    processed and with numbers of their own. An invoice billed above its order stays readable
    and keeps a provider the page can tell, so the money planted is the money the page shows.
    """
    _orders, order_lines, info = tables
    planted = planted or PlantedOrders()
    book = Book(products, order_lines, info)
    # One invoice per fifth delivered order by default; `every_delivery`: one per delivery, as
    # a shop that files every invoice (the benchmark's size, bench/bench_invoices.py).
    n = max(50, lines // 300)
    if every_delivery:
        n = max(n, math.ceil(int(np.count_nonzero(info.state == DELIVERED)) / FROM_ORDERS))
    special = _planted_drafts(book, planted, order_lines, info)
    tied = _from_orders(rng, calendar, products, sampler, book, planted, int(n * FROM_ORDERS))
    free = _without_orders(rng, calendar, products, sampler, book, n - len(tied))
    drafts = special + tied + free
    days = np.array(drafts.days, dtype="datetime64[D]")
    order = np.argsort(days, kind="stable")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))  # draft -> row
    extra = np.array(drafts.extra)[order]
    clean = np.zeros(len(order), dtype=bool)
    clean[position[: len(special)]] = True
    columns = _columns(
        rng,
        calendar,
        days[order],
        np.array(drafts.providers)[order],
        [drafts.items[i] for i in order.tolist()],
        extra > 0,
        clean,
    )
    ids = (position + 1).tolist()  # invoice id of each draft
    kept = _cases(planted, ids)
    return columns, Planted(
        source={ids[k]: source for k, source in enumerate(drafts.sources) if source is not None},
        overcharge={
            ids[k]: round(float(money), 2) for k, money in enumerate(drafts.extra) if money
        },
        **kept,
    )


def _cases(planted: PlantedOrders, ids: list[int]) -> dict:
    """Invoice ids of the planted cases (their drafts come first, in PlantedOrders.invoiced)."""
    cases: dict = {}
    at = 0
    if planted.near_names is not None:
        cases["near_names"], at = ids[0], 1
    if planted.same_day is not None:
        cases["same_day"], at = (ids[at], ids[at + 1]), at + 2
    if planted.exact is not None:
        cases["exact"] = (ids[at], planted.exact[1] + 1)
    return cases


def _columns(
    rng,
    calendar: _Calendar,
    days,
    providers: np.ndarray,
    items,
    keep: np.ndarray,
    clean: np.ndarray,
) -> Columns:
    """The facturas_ocr columns. `keep`: invoices that stay readable with a provider the page
    can tell; `clean`: those also processed and with a number of their own."""
    n = len(days)
    keep = keep | clean
    totals = np.round(np.array([sum(q * p for _, q, p in entry) for entry in items]), 2)
    numbers = _invoice_numbers(rng, providers)
    _repeat_numbers(rng, numbers, providers, clean)
    variants = [ocr_variants(name) for name in PROVIDER_NAMES]
    pick = rng.integers(0, len(variants[0]), n)
    pick[keep & (pick == MISREAD)] = 0
    pick = pick.tolist()
    original = [variants[p][v] for p, v in zip(providers.tolist(), pick, strict=True)]
    shown = [day.strftime("%d/%m/%Y") for day in days.astype(object)]
    content = [
        f"FACTURA {num[0]} N° {num[2:]}\n{name}\nFecha: {day}\nTotal: $ {total:.2f}"
        for num, name, day, total in zip(numbers, original, shown, totals.tolist(), strict=True)
    ]
    processed = (rng.random(n) < 0.85) | clean
    delay = rng.integers(0, 5, n).astype("timedelta64[D]")
    processing = _format_timestamps(
        calendar.business_times(rng, np.minimum(days + delay, calendar.today))
    )
    return {
        "id": np.arange(1, n + 1),
        "numero_factura": np.array(numbers, dtype=object),
        "proveedor_original": np.array(original, dtype=object),
        "proveedor_asignado_id": _with_nulls((providers + 1).astype(object), processed),
        "fecha_factura": _format_days(days).astype(object),
        "total": totals,
        "contenido_ocr": np.array(content, dtype=object),
        "productos_json": np.array(_productos_json(rng, items, keep), dtype=object),
        "procesado": processed.astype(np.int64),
        "fecha_procesamiento": _with_nulls(processing.astype(object), processed),
    }
