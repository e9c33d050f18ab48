"""Generate every demo table as numpy column arrays, vectorised and deterministic."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from .catalogue import (
    ADJUST_REASONS,
    ADJUST_SIGNS,
    ADJUST_WEIGHTS,
    BRANCHES,
    CATEGORIES,
    CITIES,
    ESTADOS,
    FIRST_NAMES,
    HISTORY_DAYS,
    HOUR_PROBS,
    HOUR_WEIGHTS,
    LAST_NAMES,
    LINE_NOTES,
    MONTH_FACTOR,
    NEAR_NAMES,
    ORDER_NOTES,
    PROVIDER_ACTIVE,
    PROVIDER_NAMES,
    PROVIDERS,
    SALE_DESTINATIONS,
    STATE_AGE_LIMITS,
    STATE_PROBS,
    USERS,
    WEEKDAY_FACTOR,
)
from .purchases import (
    lead_times,
    on_usual_days,
    pack_quantities,
    product_packs,
    settle_stock,
    written_phone,
)

Columns = dict[str, np.ndarray]


def generate_demo_data(
    *, lines: int, seed: int, today: date, every_delivery: bool = False
) -> dict[str, Columns]:
    """Build every table as column arrays, in foreign-key order; deterministic for the inputs.

    `every_delivery`: an invoice for every delivered order, not for every fifth one."""
    return generate_demo_and_plants(
        lines=lines, seed=seed, today=today, every_delivery=every_delivery
    )[0]


def generate_demo_and_plants(*, lines: int, seed: int, today: date, every_delivery: bool = False):
    """generate_demo_data, and what the invoices plant on purpose (demo.invoices.Planted)."""
    streams = iter(np.random.SeedSequence(seed).spawn(6))
    calendar = _Calendar.build(today)
    providers = _make_providers(np.random.default_rng(next(streams)), calendar)
    categories = _make_categories()
    products = _make_products(np.random.default_rng(next(streams)), calendar)
    sampler = _ProductSampler(products)
    orders, order_lines, order_info = _make_orders(
        np.random.default_rng(next(streams)), calendar, products, sampler, lines
    )
    from .invoices import drift_prices, make_invoices  # imports this module's helpers
    from .plants import plant_orders

    planted_orders = plant_orders(calendar.today, products, order_lines, order_info)
    drift_prices(calendar, products, orders, order_lines, order_info)
    movements = _make_movements(
        np.random.default_rng(next(streams)), calendar, products, order_lines, order_info
    )
    invoices, planted = make_invoices(
        np.random.default_rng(next(streams)),
        calendar,
        products,
        sampler,
        (orders, order_lines, order_info),
        lines,
        planted_orders,
        every_delivery,
    )
    settle_stock(np.random.default_rng(next(streams)), products.columns, movements, calendar.today)
    return {
        "proveedores": providers,
        "categorias": categories,
        "productos": products.columns,
        "pedidos": orders,
        "detalle_pedidos": order_lines,
        "movimientos_stock": movements,
        "facturas_ocr": invoices,
    }, planted


# --------------------------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """The two-year window of days with their relative demand (weekday, month, growth)."""

    today: np.datetime64
    days: np.ndarray
    probs: np.ndarray

    @classmethod
    def build(cls, today: date) -> _Calendar:
        last = np.datetime64(today.isoformat(), "D")
        days = last - np.arange(HISTORY_DAYS, -1, -1)
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        month = days.astype("datetime64[M]").astype(np.int64) % 12
        growth = 1.0 + 0.25 * np.linspace(0.0, 1.0, len(days))
        weights = WEEKDAY_FACTOR[weekday] * MONTH_FACTOR[month] * growth
        return cls(today=last, days=days, probs=weights / weights.sum())

    @property
    def first(self) -> np.datetime64:
        return self.days[0]

    def sample_days(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Days drawn with the seasonal weights."""
        return self.days[rng.choice(len(self.days), size=size, p=self.probs)]

    def business_times(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        """Timestamps (datetime64[s]) on the given days between 07:00 and 19:59:59."""
        hours = 7 + rng.choice(len(HOUR_WEIGHTS), size=len(days), p=HOUR_PROBS)
        seconds = hours * 3600 + rng.integers(0, 3600, size=len(days))
        return days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _format_timestamps(values: np.ndarray) -> np.ndarray:
    """datetime64 values -> 'YYYY-MM-DD HH:MM:SS' strings, vectorised."""
    out = np.datetime_as_string(values.astype("datetime64[s]"), unit="s").astype("<U19")
    out.view("<U1").reshape(-1, 19)[:, 10] = " "
    return out


def _format_days(values: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(values.astype("datetime64[D]"), unit="D").astype("<U10")


def _with_nulls(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Object array of `values` with None where `mask` is False."""
    out = np.full(len(values), None, dtype=object)
    out[mask] = values[mask]
    return out


def _sometimes(rng: np.random.Generator, choices: np.ndarray, size: int, rate: float) -> np.ndarray:
    """A random choice from `choices` on a `rate` share of the rows, None elsewhere."""
    picked = choices[rng.integers(0, len(choices), size=size)]
    return _with_nulls(picked, rng.random(size) < rate)


# --------------------------------------------------------------------------------------------
# Providers, categories, products
# --------------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in "".join(c if c.isalnum() else " " for c in plain).split()]
    skip = {"s", "a", "r", "l", "srl", "sa", "y", "del", "de", "la", "el", "ltda", "hnos", "cia"}
    return "".join(w for w in words if w not in skip)[:24]


def _make_providers(rng: np.random.Generator, calendar: _Calendar) -> Columns:
    n = len(PROVIDERS)
    names = np.array([name for name, _, _ in PROVIDERS], dtype=object)
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    city_idx = rng.integers(0, len(CITIES), n)
    number = rng.integers(100, 5000, n)
    phones, addresses = [], []
    for i, city in enumerate(city_idx):
        city_name, area, streets = CITIES[city]
        phones.append(written_phone(rng, i, area))
        addresses.append(f"{streets[number[i] % len(streets)]} {number[i]}, {city_name}")
    registered = calendar.first - rng.integers(60, 3 * 365, n).astype("timedelta64[D]")
    return {
        "id": np.arange(1, n + 1),
        "codigo": np.array([f"PRV{i:03d}" for i in range(1, n + 1)], dtype=object),
        "nombre": names,
        "contacto": first + " " + last,
        "telefono": np.array(phones, dtype=object),
        "email": np.array([f"ventas@{_slug(name)}.com.ar" for name in names], dtype=object),
        "direccion": np.array(addresses, dtype=object),
        "activo": np.array([int(active) for _, _, active in PROVIDERS]),
        "fecha_registro": _format_timestamps(calendar.business_times(rng, registered)),
    }


def _make_categories() -> Columns:
    n = len(CATEGORIES)
    return {
        "id": np.arange(1, n + 1),
        "nombre": np.array([c[0] for c in CATEGORIES], dtype=object),
        "descripcion": np.array([c[1] for c in CATEGORIES], dtype=object),
        "activo": np.ones(n, dtype=np.int64),
    }


@dataclass(frozen=True)
class _Combo:
    name: str
    description: str
    price: float


def _expand_item(category: str, default_brands: str, item: str) -> list[_Combo]:
    parts = [part.strip() for part in item.split(";")] + ["", ""]
    label, price, sizes = parts[0], float(parts[1]), parts[2].split("/")
    brands = (parts[3] or default_brands).split("/")
    variants = parts[4].split("/") if parts[4] else [""]
    combos = []
    for variant in variants:
        product = f"{label} {variant}".strip()
        for brand in brands:
            for position, size in enumerate(sizes):
                combos.append(
                    _Combo(
                        name=f"{product} {brand} {size}",
                        description=f"{category}: {product.lower()} marca {brand}, {size}.",
                        price=price * (1.0 + 0.8 * position),
                    )
                )
    return combos


@cache
def _catalogue() -> tuple[tuple[_Combo, ...], ...]:
    """Every possible product name per category (a few thousand, built once)."""
    result = []
    for name, _, _, brands, items in CATEGORIES:
        combos = [combo for item in items for combo in _expand_item(name, brands, item)]
        result.append(tuple(combos))
    return tuple(result)


@dataclass(frozen=True)
class _Products:
    columns: Columns
    provider_idx: np.ndarray  # 0-based provider of each product
    popularity: np.ndarray  # Zipf-like weight of each product
    names: np.ndarray
    cost: np.ndarray
    price: np.ndarray


def _pick_combos(rng: np.random.Generator) -> tuple[list[_Combo], np.ndarray]:
    chosen: list[_Combo] = []
    category_idx = []
    forced = {name for pair in NEAR_NAMES for name in pair}
    for position, (combos, spec) in enumerate(zip(_catalogue(), CATEGORIES, strict=True)):
        count = min(spec[2], len(combos))
        picked = np.sort(rng.choice(len(combos), size=count, replace=False))
        chosen.extend(combos[i] for i in _with_forced(combos, picked, forced))
        category_idx.extend([position] * count)
    return chosen, np.array(category_idx)


def _with_forced(combos: tuple[_Combo, ...], picked: np.ndarray, forced: set[str]) -> list[int]:
    """The picked combos with every forced name of the category in, in place of the last
    picked ones that are not forced (the count stays)."""
    wanted = [i for i, combo in enumerate(combos) if combo.name in forced]
    missing = [i for i in wanted if i not in set(picked.tolist())]
    kept = [i for i in picked.tolist() if i in wanted]
    others = [i for i in picked.tolist() if i not in wanted]
    others = others[: max(0, len(others) - len(missing))]
    return sorted(others + kept + missing)[: len(picked)]


def _assign_providers(rng: np.random.Generator, category_idx: np.ndarray) -> np.ndarray:
    """Each product goes to a provider of its category; active and specialist ones first."""
    result = np.empty(len(category_idx), dtype=np.int64)
    for position, spec in enumerate(CATEGORIES):
        candidates, weights = [], []
        for provider, (_, cats, active) in enumerate(PROVIDERS):
            cats = cats.split("/")
            if spec[0] in cats:
                candidates.append(provider)
                weights.append((2.0 if cats[0] == spec[0] else 1.0) * (1.0 if active else 0.3))
        members = np.flatnonzero(category_idx == position)
        probs = np.array(weights) / sum(weights)
        result[members] = np.array(candidates)[rng.choice(len(candidates), len(members), p=probs)]
    return result


def _barcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unique EAN-13 codes with the Argentine 779 prefix and a valid check digit."""
    body = 779_000_000_000 + rng.choice(1_000_000_000, size=n, replace=False)
    digits = (body[:, None] // 10 ** np.arange(11, -1, -1)) % 10
    total = (digits * np.tile([1, 3], 6)).sum(axis=1)
    check = (10 - total % 10) % 10
    return (body * 10 + check).astype(str).astype(object)


def _stock(rng: np.random.Generator, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(active)
    minimum = rng.choice(np.array([5, 10, 12, 15, 20, 24, 30, 50]), size=n)
    current = np.rint(minimum * rng.uniform(1.2, 8.0, n)).astype(np.int64)
    low = (active == 1) & (rng.random(n) < 0.08)
    current[low] = rng.integers(0, minimum[low])
    current[low & (rng.random(n) < 0.3)] = 0
    return current, minimum


def _make_products(rng: np.random.Generator, calendar: _Calendar) -> _Products:
    combos, category_idx = _pick_combos(rng)
    n = len(combos)
    provider_idx = _assign_providers(rng, category_idx)
    names = np.array([combo.name for combo in combos], dtype=object)
    # The near-name products all go to the provider of the first (one order holds them all).
    forced = np.flatnonzero(np.isin(names, [name for pair in NEAR_NAMES for name in pair]))
    if len(forced):
        provider_idx[forced] = provider_idx[forced[0]]
    provider_active = PROVIDER_ACTIVE[provider_idx]
    active = np.where(provider_active, rng.random(n) < 0.97, rng.random(n) < 0.4).astype(np.int64)
    base = np.array([combo.price for combo in combos])
    cost = np.round(base * rng.lognormal(0.0, 0.15, n), 2)
    price = np.maximum(np.round(cost * rng.uniform(1.25, 1.65, n), -1), cost + 10.0)
    current, minimum = _stock(rng, active)
    registered = calendar.first - rng.integers(30, 365, n).astype("timedelta64[D]")
    columns = {
        "id": np.arange(1, n + 1),
        "nombre": names,
        "descripcion": np.array([combo.description for combo in combos], dtype=object),
        "categoria_id": category_idx + 1,
        "proveedor_id": provider_idx + 1,
        "codigo_barras": _barcodes(rng, n),
        "precio_compra": cost,
        "precio_venta": price,
        "stock_actual": current,
        "stock_minimo": minimum,
        "activo": active,
        "fecha_registro": _format_timestamps(calendar.business_times(rng, registered)),
    }
    popularity = 1.0 / (1.0 + rng.permutation(n)) ** 1.05
    return _Products(columns, provider_idx, popularity, names, cost, price)


class _ProductSampler:
    """Draw products of given providers, vectorised, proportional to product popularity."""

    def __init__(self, products: _Products) -> None:
        owner = products.provider_idx
        self.order = np.lexsort((np.arange(len(owner)), owner))
        owner_sorted = owner[self.order]
        weights = products.popularity[self.order]
        cumulative = np.cumsum(weights)
        totals = np.bincount(owner_sorted, weights=weights, minlength=len(PROVIDERS))
        starts = np.searchsorted(owner_sorted, np.arange(len(PROVIDERS)))
        ends = np.searchsorted(owner_sorted, np.arange(len(PROVIDERS)), side="right")
        before = np.zeros(len(PROVIDERS))
        has = ends > starts
        before[has] = (cumulative - weights)[starts[has]]
        within = (cumulative - before[owner_sorted]) / totals[owner_sorted]
        within[ends[has] - 1] = 1.0
        # Provider p's products occupy keys (p, p + 1]: searching p + u finds one of them.
        self.keys = owner_sorted + within
        self.counts = ends - starts
        self.starts = starts
        self.provider_weight = totals

    def sample(self, rng: np.random.Generator, providers: np.ndarray) -> np.ndarray:
        """One product index per entry of `providers` (0-based provider indexes)."""
        wanted = providers + rng.random(len(providers))
        return self.order[np.searchsorted(self.keys, wanted, side="right")]

    def sample_uniform(self, rng: np.random.Generator, providers: np.ndarray) -> np.ndarray:
        """One product per entry, each product of the provider equally likely."""
        offset = (rng.random(len(providers)) * self.counts[providers]).astype(np.int64)
        return self.order[self.starts[providers] + offset]


# --------------------------------------------------------------------------------------------
# Orders and order lines
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OrderInfo:
    provider_idx: np.ndarray
    state: np.ndarray  # index into ESTADOS
    delivered: np.ndarray  # datetime64[D], valid where state == entregado
    numbers: np.ndarray
    line_order: np.ndarray  # 0-based order of each line
    line_product: np.ndarray  # 0-based product of each line


@dataclass(frozen=True)
class _OrderMix:
    """Who gets orders: provider weights and the day inactive providers stopped selling."""

    weight: np.ndarray
    active_weight: np.ndarray
    cutoff: np.ndarray

    @classmethod
    def build(cls, rng: np.random.Generator, calendar: _Calendar, sampler: _ProductSampler):
        weight = np.sqrt(sampler.counts) * rng.lognormal(0.0, 0.5, len(PROVIDERS))
        weight[sampler.counts == 0] = 0.0
        active_weight = np.where(PROVIDER_ACTIVE, weight, 0.0)
        span = len(calendar.days)
        offset = rng.integers(int(span * 0.35), int(span * 0.75), len(PROVIDERS))
        return cls(
            weight / weight.sum(), active_weight / active_weight.sum(), calendar.first + offset
        )

    def providers(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        """Providers of orders placed on `days`; after its cutoff an inactive one is replaced."""
        providers = rng.choice(len(PROVIDERS), size=len(days), p=self.weight)
        moved = ~PROVIDER_ACTIVE[providers] & (days > self.cutoff[providers])
        providers[moved] = rng.choice(len(PROVIDERS), size=int(moved.sum()), p=self.active_weight)
        return providers


def _draw_orders(rng, calendar: _Calendar, sampler: _ProductSampler, mix: _OrderMix, size: int):
    """Candidate orders: timestamp, provider and line count (at most half its catalogue)."""
    stamps = calendar.business_times(rng, calendar.sample_days(rng, size))
    providers = mix.providers(rng, stamps.astype("datetime64[D]"))
    cap = np.maximum(1, sampler.counts[providers] // 2)
    counts = np.minimum(1 + np.minimum(rng.poisson(7.5, size=size), 29), cap)
    return stamps, providers, counts


def _order_skeleton(
    rng: np.random.Generator, calendar: _Calendar, sampler: _ProductSampler, lines: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orders sorted by time with their provider and line count, adding up to exactly `lines`."""
    mix = _OrderMix.build(rng, calendar, sampler)
    batches, total = [], 0
    while total < lines:
        batches.append(_draw_orders(rng, calendar, sampler, mix, lines // 6 + 16))
        total += int(batches[-1][2].sum())
    stamps, providers, counts = (np.concatenate(parts) for parts in zip(*batches, strict=True))
    cumulative = np.cumsum(counts)
    n = int(np.searchsorted(cumulative, lines)) + 1
    counts = counts[:n].copy()
    counts[-1] = lines - (cumulative[n - 2] if n > 1 else 0)
    order = np.argsort(stamps[:n], kind="stable")
    return stamps[:n][order], providers[:n][order], counts[order]


def _order_states(
    rng: np.random.Generator, calendar: _Calendar, days: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """State index, expected and real delivery day of each order (recent ones pending)."""
    n = len(days)
    age = (calendar.today - days).astype(np.int64)
    cumulative = STATE_PROBS.cumsum(axis=1)[np.digitize(age, STATE_AGE_LIMITS)]
    state = (rng.random(n)[:, None] > cumulative[:, :-1]).sum(axis=1)
    expected = days + rng.integers(1, 6, n).astype("timedelta64[D]")
    delay = rng.choice(np.array([-1, 0, 0, 0, 1, 2, 3]), size=n).astype("timedelta64[D]")
    real = np.minimum(np.maximum(expected + delay, days), calendar.today)
    return state, expected, real


def _order_numbers(stamps: np.ndarray) -> np.ndarray:
    """PED-YYYY-NNNNNN with a counter restarting every year (stamps are sorted)."""
    years = stamps.astype("datetime64[Y]").astype(np.int64) + 1970
    first_of_year = np.searchsorted(years, years, side="left")
    sequence = np.arange(len(years)) - first_of_year + 1
    numbers = np.char.add(np.char.add("PED-", years.astype(str)), "-")
    return np.char.add(numbers, np.char.zfill(sequence.astype(str), 6)).astype(object)


def _duplicates(order: np.ndarray, product: np.ndarray) -> np.ndarray:
    """Mask of lines repeating a product already present in the same order."""
    key = order * 100_000 + product
    sort = np.argsort(key, kind="stable")
    repeated = key[sort][1:] == key[sort][:-1]
    mask = np.zeros(len(key), dtype=bool)
    mask[sort[1:][repeated]] = True
    return mask


def _line_products(
    rng: np.random.Generator, sampler: _ProductSampler, line_order: np.ndarray, providers
) -> np.ndarray:
    """Popular products first; a repeated product is redrawn uniformly until the order has none.

    Orders have at most half as many lines as their provider has products, so this converges
    in a few rounds over fewer and fewer lines.
    """
    line_provider = providers[line_order]
    product = sampler.sample(rng, line_provider)
    candidates = np.arange(len(line_order))
    for _ in range(64):
        repeated = candidates[_duplicates(line_order[candidates], product[candidates])]
        if len(repeated) == 0:
            break
        product[repeated] = sampler.sample_uniform(rng, line_provider[repeated])
        candidates = candidates[np.isin(line_order[candidates], line_order[repeated])]
    return product


def _make_lines(
    rng: np.random.Generator, products: _Products, sampler, counts: np.ndarray, providers
) -> tuple[Columns, np.ndarray, np.ndarray]:
    line_order = np.repeat(np.arange(len(counts)), counts)
    product = _line_products(rng, sampler, line_order, providers)
    quantity = pack_quantities(rng, product_packs(rng, len(products.names))[product])
    unit = products.cost[product]
    columns = {
        "id": np.arange(1, len(line_order) + 1),
        "pedido_id": line_order + 1,
        "producto_nombre": products.names[product],
        "cantidad": quantity,
        "precio_unitario": unit,
        "subtotal": np.round(quantity * unit, 2),
        "observaciones": _sometimes(rng, LINE_NOTES, len(line_order), 0.01),
    }
    return columns, line_order, product


def _make_orders(
    rng: np.random.Generator,
    calendar: _Calendar,
    products: _Products,
    sampler: _ProductSampler,
    lines: int,
) -> tuple[Columns, Columns, _OrderInfo]:
    stamps, providers, counts = _order_skeleton(rng, calendar, sampler, lines)
    order, stamps = on_usual_days(rng, stamps, providers, calendar.first)
    stamps, providers, counts = stamps[order], providers[order], counts[order]
    n = len(counts)
    days = stamps.astype("datetime64[D]")
    state, expected, real = _order_states(rng, calendar, days)
    expected, real = lead_times(rng, days, providers, calendar.today)
    order_lines, line_order, line_product = _make_lines(rng, products, sampler, counts, providers)
    totals = np.round(np.bincount(line_order, weights=order_lines["subtotal"], minlength=n), 2)
    numbers = _order_numbers(stamps)
    notes = _sometimes(rng, ORDER_NOTES, n, 0.05)
    notes[state == 3] = "Cancelado: sin stock en el proveedor"
    orders = {
        "id": np.arange(1, n + 1),
        "proveedor_id": providers + 1,
        "numero_pedido": numbers,
        "fecha_pedido": _format_timestamps(stamps),
        "estado": ESTADOS[state],
        "total": totals,
        "observaciones": notes,
        "fecha_entrega_esperada": _format_days(expected).astype(object),
        "fecha_entrega_real": _with_nulls(_format_days(real).astype(object), state == 2),
    }
    info = _OrderInfo(providers, state, real, numbers, line_order, line_product)
    return orders, order_lines, info


# --------------------------------------------------------------------------------------------
# Stock movements
# --------------------------------------------------------------------------------------------


def _places(rng: np.random.Generator, n: int, *, depot_share: float) -> np.ndarray:
    """The central warehouse for a share of the rows, a random branch for the others."""
    branch = BRANCHES[rng.integers(0, len(BRANCHES), n)]
    return np.where(rng.random(n) < depot_share, "Depósito central", branch).astype(object)


def _entries(rng, calendar: _Calendar, lines: Columns, info: _OrderInfo):
    """Deliveries: a share of the lines of received orders, dated on the delivery day."""
    received = info.state[info.line_order] == 2
    picked = np.flatnonzero(received & (rng.random(len(info.line_order)) < 0.11))
    order = info.line_order[picked]
    n = len(picked)
    return {
        "producto_id": info.line_product[picked] + 1,
        "tipo_movimiento": np.full(n, "entrada", dtype=object),
        "cantidad": lines["cantidad"][picked],
        "precio_unitario": lines["precio_unitario"][picked],
        "proveedor_id": info.provider_idx[order] + 1,
        "origen": PROVIDER_NAMES[info.provider_idx[order]],
        "destino": _places(rng, n, depot_share=0.7),
        "observaciones": "Recepción pedido " + info.numbers[order],
        "stamp": calendar.business_times(rng, info.delivered[order]),
    }


def _outflows(rng, calendar: _Calendar, products: _Products, n: int):
    """Sales and transfers out of the stores, popular products first."""
    probs = products.popularity / products.popularity.sum()
    product = rng.choice(len(products.names), size=n, p=probs)
    return {
        "producto_id": product + 1,
        "tipo_movimiento": np.full(n, "salida", dtype=object),
        "cantidad": rng.geometric(0.2, size=n).astype(np.int64),
        "precio_unitario": products.price[product],
        "proveedor_id": products.provider_idx[product] + 1,
        "origen": _places(rng, n, depot_share=0.3),
        "destino": SALE_DESTINATIONS[rng.choice(3, size=n, p=[0.8, 0.15, 0.05])],
        "observaciones": np.full(n, None, dtype=object),
        "stamp": calendar.business_times(rng, calendar.sample_days(rng, n)),
    }


def _adjustments(rng, calendar: _Calendar, products: _Products, n: int):
    """Small signed corrections (breakage, expiry, inventory counts, returns)."""
    product = rng.integers(0, len(products.names), size=n)
    reason = rng.choice(len(ADJUST_REASONS), size=n, p=ADJUST_WEIGHTS)
    return {
        "producto_id": product + 1,
        "tipo_movimiento": np.full(n, "ajuste", dtype=object),
        "cantidad": ADJUST_SIGNS[reason] * rng.integers(1, 6, size=n),
        "precio_unitario": products.cost[product],
        "proveedor_id": products.provider_idx[product] + 1,
        "origen": _places(rng, n, depot_share=0.0),
        "destino": np.full(n, None, dtype=object),
        "observaciones": ADJUST_REASONS[reason],
        "stamp": calendar.business_times(rng, calendar.sample_days(rng, n)),
    }


def _make_movements(
    rng: np.random.Generator,
    calendar: _Calendar,
    products: _Products,
    order_lines: Columns,
    info: _OrderInfo,
) -> Columns:
    lines = len(info.line_order)
    parts = [
        _entries(rng, calendar, order_lines, info),
        _outflows(rng, calendar, products, int(lines * 0.13)),
        _adjustments(rng, calendar, products, max(1, int(lines * 0.025))),
    ]
    merged = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    stamps = merged.pop("stamp")
    order = np.argsort(stamps, kind="stable")
    stamps = stamps[order]
    merged = {key: values[order] for key, values in merged.items()}
    n = len(order)
    product = merged["producto_id"] - 1
    return {
        "id": np.arange(1, n + 1),
        "producto_id": merged["producto_id"],
        "producto_nombre": products.names[product],
        "tipo_movimiento": merged["tipo_movimiento"],
        "cantidad": merged["cantidad"],
        "precio_unitario": merged["precio_unitario"],
        "proveedor_id": merged["proveedor_id"],
        "origen": merged["origen"].astype(object),
        "destino": merged["destino"].astype(object),
        "observaciones": merged["observaciones"].astype(object),
        "fecha_movimiento": _format_timestamps(stamps),
        "usuario": USERS[rng.integers(0, len(USERS), n)],
    }
