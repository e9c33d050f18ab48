"""Money ordered: Σ cantidad × precio_unitario of orders not cancelled, per month and provider."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, func, or_, select

from ..db import detalle_pedidos as lines
from ..db import pedidos, proveedores
from ..filters import Filters
from ..sqlparts import grouped
from ._common import (
    filtered_window,
    frame,
    month_window_start,
    provider_condition,
    provider_ids,
    window,
)

CANCELLED = "cancelado"
SPENDING_MONTHS = 12
MONTH_FIELDS = ("mes", "importe", "pedidos")
PROVIDER_FIELDS = ("proveedor_id", "proveedor", "importe", "pedidos")
_CELL_COLUMNS = ["mes", "proveedor_id", "proveedor", "importe", "pedidos"]


def not_cancelled():
    """Orders whose estado is not `cancelado` (an order without estado counts)."""
    return or_(pedidos.c.estado.is_(None), pedidos.c.estado != CANCELLED)


def spending_window(filters: Filters, now: datetime) -> tuple[datetime | None, datetime | None]:
    """Return the filter's days, or the last 12 calendar months up to now (as /api/trends).

    "Last 12 months" is the month of now and the 11 before it, from the 1st of the oldest month
    to now inclusive: por_mes has at most 12 months, the current one still running.
    """
    return filtered_window(filters, month_window_start(now, SPENDING_MONTHS), now)


def spending_cells(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return importe and orders per (month, provider) in the window, aggregated in SQL.

    Orders are counted once each even without lines (their importe is 0); a line without
    precio_unitario adds nothing. The two listings of /api/spending roll these cells up.
    """
    dialect = conn.dialect.name
    start, end = spending_window(filters, now)
    ids = provider_ids(conn, filters.proveedor)
    per_order = (
        select(
            pedidos.c.id,
            pedidos.c.proveedor_id,
            pedidos.c.fecha_pedido,
            func.sum(lines.c.cantidad * lines.c.precio_unitario).label("importe"),
        )
        .select_from(pedidos.outerjoin(lines, lines.c.pedido_id == pedidos.c.id))
        .where(*window(pedidos.c.fecha_pedido, start, end), not_cancelled(),
               *provider_condition(pedidos.c.proveedor_id, ids))
        .group_by(pedidos.c.id, pedidos.c.proveedor_id, pedidos.c.fecha_pedido)
        .subquery()
    )
    month, label = grouped(per_order.c.fecha_pedido, "month", dialect)
    statement = (
        select(
            label.label("mes"),
            per_order.c.proveedor_id,
            proveedores.c.nombre,
            func.coalesce(func.sum(per_order.c.importe), 0.0).label("importe"),
            func.count().label("pedidos"),
        )
        .outerjoin(proveedores, proveedores.c.id == per_order.c.proveedor_id)
        .group_by(month, per_order.c.proveedor_id, proveedores.c.nombre)
    )
    return frame(conn, statement, _CELL_COLUMNS)


def by_month(cells: pd.DataFrame) -> pd.DataFrame:
    """Roll the cells up per month, oldest first (months without orders are absent)."""
    totals = cells.groupby("mes", as_index=False).agg(
        importe=("importe", "sum"), pedidos=("pedidos", "sum")
    )
    return _money(totals.sort_values("mes"))[list(MONTH_FIELDS)]


def by_provider(cells: pd.DataFrame) -> pd.DataFrame:
    """Roll the cells up per provider: most money first, ties by name (null last), then id."""
    keyed = cells.assign(
        proveedor_id=cells["proveedor_id"].astype("Int64"), sin_nombre=cells["proveedor"].isna()
    )
    totals = keyed.groupby(["proveedor_id", "proveedor", "sin_nombre"], as_index=False,
                           dropna=False).agg(importe=("importe", "sum"),
                                             pedidos=("pedidos", "sum"))
    totals = _money(totals)
    ordered = totals.sort_values(
        ["importe", "sin_nombre", "proveedor", "proveedor_id"],
        ascending=[False, True, True, True], na_position="last", kind="stable",
    )
    return ordered[list(PROVIDER_FIELDS)]


def _money(data: pd.DataFrame) -> pd.DataFrame:
    """Round importe to cents and make pedidos a plain integer."""
    data["importe"] = pd.to_numeric(data["importe"]).astype("float64").round(2)
    data["pedidos"] = data["pedidos"].astype("int64")
    return data.reset_index(drop=True)
