"""Price changes by provider (GET /api/price-changes): monthly weighted prices in SQL, then Python.

The unit price of a product from a provider in a month is Σ(precio_unitario × cantidad) /
Σ cantidad over its order lines (orders not `cancelado`) in that month. SQL returns those sums
per provider, product and month for the last 13 complete months; the weighted change, the
market median and the chained index are computed from them (README § Aumentos de precios).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, select

from ..db import detalle_pedidos, pedidos, proveedores
from ..filters import Filters
from ..metric import Metric
from ..summaries import mm_precio_mes, month_key, price_months
from ._common import (
    narrower,
    provider_condition,
    provider_ids,
    stored_and_live,
    summary_state,
)

INDEX_MONTHS = 12
MIN_COMMON = 3
TOP_PRODUCTS = 5
MONTHLY_COLUMNS = ["proveedor_id", "proveedor", "producto", "mes", "gasto", "cantidad"]

Prices = dict[str, tuple[float, float]]  # product -> (spend, unit price) in one month


def month_label(index: int) -> str:
    """Return `YYYY-MM` of a month counted as year * 12 + month - 1."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def current_month(now: datetime) -> int:
    """Return the last complete calendar month before now (as year * 12 + month - 1)."""
    return now.year * 12 + now.month - 2


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1)


def monthly_prices(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return spend and units per provider, product and month over the last 13 complete months.

    Months the store summarised come from mm_precio_mes, the rest from the order lines.
    """
    current = current_month(now)
    start, end = _month_start(current - INDEX_MONTHS), _month_start(current + 1)
    ids = provider_ids(conn, filters.proveedor)
    state = summary_state(conn, use_summaries)
    narrow = narrower(conn, state)
    months = stored_and_live(
        state,
        start,
        end,
        "month",
        lambda first, last: price_months(first, last, conn.dialect.name).where(
            *provider_condition(pedidos.c.proveedor_id, ids),
            *narrow(detalle_pedidos, first, last),
            *narrow(pedidos, first, last),
        ),
        lambda first, last: _stored(first, last, ids),
    )
    # Each month comes from exactly one part, so the union needs no second GROUP BY.
    rows = conn.execute(select(months)).fetchall()
    names = dict(conn.execute(select(proveedores.c.id, proveedores.c.nombre)).all())
    data = pd.DataFrame(
        [
            (provider, names.get(provider, ""), product, mes, gasto, cantidad)
            for mes, provider, product, gasto, cantidad in rows
            if provider is not None
        ],
        columns=MONTHLY_COLUMNS,
    )
    data["gasto"] = data["gasto"].astype(float)
    data["cantidad"] = data["cantidad"].astype(float)
    return data


def _stored(first: datetime, last: datetime, ids: list[int] | None):
    table = mm_precio_mes.c
    return select(
        table.mes, table.proveedor_id, table.producto_nombre, table.gasto, table.cantidad
    ).where(
        table.mes >= month_key(first),
        table.mes < month_key(last),
        *provider_condition(table.proveedor_id, ids),
    )


# Declaration (docs/architecture.md): /api/price-changes computes its report from these rows.
MONTHLY_PRICES = Metric("monthly_prices", monthly_prices)


@dataclass
class ProviderChange:
    """One provider's price change between the base and the current month."""

    proveedor_id: int
    proveedor: str
    cambio_pct: float | None
    productos_comparados: int
    estado: str
    productos: list[dict]
    diferencia_pp: float | None = None


@dataclass
class PriceReport:
    """The whole answer of /api/price-changes."""

    mes_base: str
    mes_actual: str
    mercado: float | None
    proveedores: list[ProviderChange] = field(default_factory=list)
    indice: list[dict] = field(default_factory=list)


def weighted_ratio(base: Prices, current: Prices) -> tuple[float | None, list[str]]:
    """Return Σ wᵢ·pᵢ,cur/pᵢ,base / Σ wᵢ (wᵢ: base-month spend) and the common products.

    Products whose base price is 0 cannot be compared and are left out.
    """
    common = sorted(name for name in base.keys() & current.keys() if base[name][1] > 0)
    weight = sum(base[name][0] for name in common)
    if not common or weight <= 0:
        return None, common
    total = sum(base[name][0] * current[name][1] / base[name][1] for name in common)
    return total / weight, common


def _by_provider(monthly: pd.DataFrame) -> dict[tuple[int, str], dict[str, Prices]]:
    """Group the monthly rows as provider -> month -> product -> (spend, unit price)."""
    grouped: dict[tuple[int, str], dict[str, Prices]] = {}
    # Plain lists: iterating pandas' string columns value by value is slow.
    columns = [monthly[name].tolist() for name in MONTHLY_COLUMNS]
    for provider, name, product, mes, gasto, cantidad in zip(*columns, strict=True):
        if cantidad > 0:
            months = grouped.setdefault((int(provider), str(name)), {})
            months.setdefault(mes, {})[product] = (gasto, gasto / cantidad)
    return grouped


def _products(base: Prices, current: Prices, common: Iterable[str]) -> list[dict]:
    """Return the provider's products with the largest change (top 5; ties by name)."""
    rows = [
        {
            "producto": name,
            "precio_base": round(base[name][1], 2),
            "precio_actual": round(current[name][1], 2),
            "cambio_pct": round((current[name][1] / base[name][1] - 1) * 100, 1),
        }
        for name in common
    ]
    rows.sort(key=lambda row: (-row["cambio_pct"], row["producto"]))
    return rows[:TOP_PRODUCTS]


def provider_change(key: tuple[int, str], months: dict[str, Prices], base_mes: str, mes: str):
    """Return one provider's change between base_mes and mes (insuficiente under 3 products)."""
    base, current = months.get(base_mes, {}), months.get(mes, {})
    ratio, common = weighted_ratio(base, current)
    ranked = ratio is not None and len(common) >= MIN_COMMON
    return ProviderChange(
        proveedor_id=int(key[0]),
        proveedor=str(key[1]),
        cambio_pct=round((ratio - 1) * 100, 1) if ranked else None,
        productos_comparados=len(common),
        estado="ranked" if ranked else "insuficiente",
        productos=_products(base, current, common),
    )


def chained_index(months: dict[str, Prices], labels: list[str]) -> list[float]:
    """Return the index of each month (100 at the first), chained month to month.

    A month sharing no product with the previous one keeps the previous value.
    """
    values = [100.0]
    for previous, mes in zip(labels, labels[1:], strict=False):
        ratio, _ = weighted_ratio(months.get(previous, {}), months.get(mes, {}))
        values.append(values[-1] * (ratio if ratio is not None else 1.0))
    return values


def _ranked_order(changes: list[ProviderChange]) -> list[ProviderChange]:
    ranked = [c for c in changes if c.estado == "ranked"]
    ranked.sort(key=lambda c: (-c.cambio_pct, c.proveedor, c.proveedor_id))
    rest = sorted(
        (c for c in changes if c.estado != "ranked"), key=lambda c: (c.proveedor, c.proveedor_id)
    )
    return ranked + rest


def price_changes(monthly: pd.DataFrame, now: datetime, meses: int) -> PriceReport:
    """Return the change per provider, the market median and the 12-month chained index."""
    current = current_month(now)
    mes, base_mes = month_label(current), month_label(current - meses)
    labels = [month_label(current - back) for back in range(INDEX_MONTHS - 1, -1, -1)]
    report = PriceReport(mes_base=base_mes, mes_actual=mes, mercado=None)
    per_provider = _by_provider(monthly)
    listed = [
        provider_change(key, months, base_mes, mes)
        for key, months in per_provider.items()
        if base_mes in months or mes in months
    ]
    report.proveedores = _ranked_order(listed)
    ranked = [c.cambio_pct for c in report.proveedores if c.estado == "ranked"]
    if ranked:
        report.mercado = round(statistics.median(ranked), 1)
        for change in report.proveedores[: len(ranked)]:
            change.diferencia_pp = round(change.cambio_pct - report.mercado, 1)
    months_of = {int(key[0]): months for key, months in per_provider.items()}
    report.indice = [
        {"proveedor_id": c.proveedor_id, "mes": label, "indice": round(value, 1)}
        for c in report.proveedores
        for label, value in zip(
            labels, chained_index(months_of[c.proveedor_id], labels), strict=True
        )
    ]
    return report
