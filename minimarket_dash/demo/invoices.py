"""Demo unit prices that rise with inflation, and OCR invoices tied to delivered orders.

Prices: each provider raises its prices at its own pace (baseline ~2,5 % a month, some faster,
some slower, some by steps every few months); a line's unit price is the product's current cost
deflated to its order's date. Invoices: most copy a delivered order (dated around its delivery)
and a few carry what the Facturas page must find: prices 3–10 % above the order, quantity
differences, an item not ordered, invoices with no order, unassigned providers with OCR-noisy
names, repeated numbers, unreadable `productos_json`, every key variant and es-AR numbers.
"""

from __future__ import annotations

import json
import unicodedata
import zlib
from dataclasses import dataclass

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

DELIVERED = int(np.flatnonzero(ESTADOS == "entregado")[0])
BASE_MONTHLY = 0.025
# provider index % 6 -> monthly rise; None: by steps of STEP every STEP_MONTHS months.
PACES = (0.045, 0.010, None, 0.022, 0.028, 0.025)
STEP, STEP_MONTHS = 0.12, 4
DAYS_PER_MONTH = 30.44
FROM_ORDERS = 0.85
ILLEGIBLE = ("{texto ilegible", '{"items": []}', "[]", "FACTURA A 0001 ???", "null")


def price_factor(provider_idx: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """Return price / today's price for a provider's purchase `age_days` ago."""
    months = age_days / DAYS_PER_MONTH
    pace = provider_idx % len(PACES)
    rates = np.array([BASE_MONTHLY if rate is None else rate for rate in PACES])[pace]
    smooth = (1.0 + rates) ** (-months)
    steps = (1.0 + STEP) ** (-np.floor((months + provider_idx % STEP_MONTHS) / STEP_MONTHS))
    return np.where(pace == PACES.index(None), steps, smooth)


def drift_prices(calendar: _Calendar, products: _Products, orders: Columns, lines: Columns,
                 info: _OrderInfo) -> None:
    """Set each line's unit price for its order's date; subtotals and order totals follow."""
    days = orders["fecha_pedido"].astype("<U10").astype("datetime64[D]")
    age = (calendar.today - days).astype(np.int64)[info.line_order]
    factor = price_factor(info.provider_idx[info.line_order], age.astype(float))
    unit = np.round(products.cost[info.line_product] * factor, 2)
    lines["precio_unitario"] = unit
    lines["subtotal"] = np.round(lines["cantidad"] * unit, 2)
    orders["total"] = np.round(
        np.bincount(info.line_order, weights=lines["subtotal"], minlength=len(days)), 2)


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
        return {"descripcion": name, "cantidad": quantity, "precio_unitario": es_ar(price, True),
                "importe": es_ar(quantity * price, True)}
    if style == 2:
        return {"nombre": name, "cantidad": str(quantity), "precio": f"{price:.2f}"}
    return {"descripcion": name, "codigo": f"{zlib.crc32(name.encode()) % 10**6:06d}",
            "raw_line": f"{quantity} x {name.upper()} {es_ar(price)}",
            "cantidad": quantity, "precio": es_ar(price)}


def _invoice_numbers(rng: np.random.Generator, providers: np.ndarray) -> list[str]:
    """Argentine style numbers: type A or B, point of sale per provider, increasing serial."""
    kind = np.where(rng.random(len(providers)) < 0.8, "A", "B").tolist()
    point = (providers % 12 + 1).tolist()
    serial = (np.arange(len(providers)) * 7 + rng.integers(1, 7, len(providers)) + 1000).tolist()
    return [f"{k}-{p:04d}-{s:08d}" for k, p, s in zip(kind, point, serial, strict=True)]


def _repeat_numbers(rng: np.random.Generator, numbers: list[str], providers: np.ndarray) -> None:
    """Give a few invoices (at least three) the number of an earlier one of the same provider."""
    for index in rng.choice(np.arange(1, len(numbers)), size=max(3, len(numbers) // 100),
                            replace=False).tolist():
        earlier = np.flatnonzero(providers[:index] == providers[index])
        if len(earlier):
            numbers[index] = numbers[int(earlier[-1])]


def _order_items(order: int, lines: Columns, info: _OrderInfo) -> list[list]:
    start = np.searchsorted(info.line_order, order)
    end = np.searchsorted(info.line_order, order, side="right")
    return [[str(lines["producto_nombre"][i]), int(lines["cantidad"][i]),
             float(lines["precio_unitario"][i])] for i in range(start, end)]


def _plant(rng: np.random.Generator, items: list[list], other: tuple[str, float]) -> list[list]:
    """Maybe read part of the invoice, and plant one difference with the order."""
    if len(items) > 1 and rng.random() < 0.1:
        items = items[: int(rng.integers(1, len(items)))]  # the OCR read only part of it
    draw, target = rng.random(), int(rng.integers(0, len(items)))
    if draw < 0.05:  # billed 3–10 % above the order
        items[target][2] = round(items[target][2] * rng.uniform(1.03, 1.10), 2)
    elif draw < 0.09:  # a different quantity
        items[target][1] += int(rng.integers(1, 4))
    elif draw < 0.12 and other[0] not in {item[0] for item in items}:  # an item not ordered
        items.append([other[0], int(rng.integers(1, 6)), other[1]])
    return items


def _random_items(rng, sampler: _ProductSampler, products: _Products, provider: int,
                  age: int) -> list[list]:
    picked = sampler.sample(rng, np.full(int(rng.integers(1, 5)), provider))
    factor = float(price_factor(np.array([provider]), np.array([float(age)]))[0])
    return [[str(products.names[p]), int(rng.geometric(0.15)),
             round(float(products.cost[p]) * factor, 2)] for p in dict.fromkeys(picked.tolist())]


@dataclass
class _Drafts:
    """Invoices being built: provider, day and items of each."""

    providers: list[int]
    days: list[np.datetime64]
    items: list[list[list]]


def _from_orders(rng, calendar: _Calendar, products, sampler, lines, info, size: int) -> _Drafts:
    delivered = np.flatnonzero(info.state == DELIVERED)
    picked = np.sort(rng.choice(delivered, size=min(size, len(delivered)), replace=False))
    shift = rng.choice(np.array([-1, 0, 0, 0, 1, 2, 3]), size=len(picked))
    days = np.minimum(info.delivered[picked] + shift.astype("timedelta64[D]"), calendar.today)
    drafts = _Drafts([], [], [])
    for order, day in zip(picked.tolist(), days, strict=True):
        provider = int(info.provider_idx[order])
        other = _random_items(rng, sampler, products, provider, 0)[0]
        drafts.providers.append(provider)
        drafts.days.append(day)
        drafts.items.append(_plant(rng, _order_items(order, lines, info), (other[0], other[2])))
    return drafts


def _without_orders(rng, calendar: _Calendar, products, sampler, size: int) -> _Drafts:
    active = PROVIDER_ACTIVE & (sampler.counts > 0)
    weight = np.where(active, sampler.provider_weight, 0.0)
    providers = rng.choice(len(PROVIDERS), size=size, p=weight / weight.sum()).tolist()
    days = list(calendar.sample_days(rng, size))
    items = [_random_items(rng, sampler, products, p, int((calendar.today - d).astype(int)))
             for p, d in zip(providers, days, strict=True)]
    return _Drafts(providers, days, items)


def _productos_json(rng: np.random.Generator, items: list[list[list]]) -> list[str]:
    styles = rng.choice(4, size=len(items), p=[0.5, 0.2, 0.15, 0.15]).tolist()
    unreadable = rng.random(len(items)) < 0.01
    return [
        ILLEGIBLE[index % len(ILLEGIBLE)] if bad else json.dumps(
            [item_entry(style, *item) for item in entry], ensure_ascii=False)
        for index, (style, bad, entry) in enumerate(zip(styles, unreadable, items, strict=True))
    ]


def make_invoices(rng, calendar: _Calendar, products: _Products, sampler: _ProductSampler,
                  tables: tuple[Columns, Columns, _OrderInfo], lines: int) -> Columns:
    """Build facturas_ocr: most invoices copy a delivered order, a few plant differences."""
    _orders, order_lines, info = tables
    n = max(50, lines // 300)
    tied = _from_orders(rng, calendar, products, sampler, order_lines, info,
                        int(n * FROM_ORDERS))
    free = _without_orders(rng, calendar, products, sampler, n - len(tied.days))
    days = np.array(tied.days + free.days, dtype="datetime64[D]")
    order = np.argsort(days, kind="stable")
    providers = np.array(tied.providers + free.providers)[order]
    items = [(tied.items + free.items)[i] for i in order.tolist()]
    return _columns(rng, calendar, days[order], providers, items)


def _columns(rng, calendar: _Calendar, days, providers: np.ndarray, items) -> Columns:
    n = len(days)
    totals = np.round(np.array([sum(q * p for _, q, p in entry) for entry in items]) * 1.21, 2)
    numbers = _invoice_numbers(rng, providers)
    _repeat_numbers(rng, numbers, providers)
    variants = [ocr_variants(name) for name in PROVIDER_NAMES]
    pick = rng.integers(0, len(variants[0]), n).tolist()
    original = [variants[p][v] for p, v in zip(providers.tolist(), pick, strict=True)]
    shown = [day.strftime("%d/%m/%Y") for day in days.astype(object)]
    content = [f"FACTURA {num[0]} N° {num[2:]}\n{name}\nFecha: {day}\nTotal: $ {total:.2f}"
               for num, name, day, total in zip(numbers, original, shown, totals.tolist(),
                                                strict=True)]
    processed = rng.random(n) < 0.85
    delay = rng.integers(0, 5, n).astype("timedelta64[D]")
    processing = _format_timestamps(calendar.business_times(
        rng, np.minimum(days + delay, calendar.today)))
    return {
        "id": np.arange(1, n + 1),
        "numero_factura": np.array(numbers, dtype=object),
        "proveedor_original": np.array(original, dtype=object),
        "proveedor_asignado_id": _with_nulls((providers + 1).astype(object), processed),
        "fecha_factura": _format_days(days).astype(object),
        "total": totals,
        "contenido_ocr": np.array(content, dtype=object),
        "productos_json": np.array(_productos_json(rng, items), dtype=object),
        "procesado": processed.astype(np.int64),
        "fecha_procesamiento": _with_nulls(processing.astype(object), processed),
    }
