"""Money ordered: Σ cantidad × precio_unitario of orders not cancelled, per month and provider."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, func, literal, or_, select

from ..db import detalle_pedidos as lines
from ..db import pedidos, proveedores
from ..filters import Filters
from ..metric import INT, MONEY, MONTH, NULLABLE_TEXT, Field, Metric, names
from ..sqlparts import grouped, stored_label
from ..summaries import mm_importe_dia, mm_importe_mes, mm_importe_pedido, month_key, split_months
from ._common import (
    filtered_window,
    frame,
    has_table,
    month_window_start,
    narrower,
    provider_condition,
    provider_ids,
    stored_and_live,
    summary_state,
    window,
)

CANCELLED = "cancelado"
SPENDING_MONTHS = 12
IMPORTE = Field(
    "importe", MONEY, "Σ cantidad × precio_unitario de pedidos no cancelados (2 decimales)."
)
PEDIDOS = Field("pedidos", INT, "Pedidos no cancelados.")
PER_MONTH = (Field("mes", MONTH, "Mes calendario, AAAA-MM."), IMPORTE, PEDIDOS)
PER_PROVIDER = (
    Field("proveedor_id", {"type": "integer", "nullable": True}, "Id del proveedor."),
    Field("proveedor", NULLABLE_TEXT, "Nombre del proveedor."),
    IMPORTE,
    PEDIDOS,
)
MONTH_FIELDS = names(PER_MONTH)
PROVIDER_FIELDS = names(PER_PROVIDER)
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


def spending_cells(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return importe and orders per (month, provider) in the window, aggregated in SQL.

    Orders are counted once each even without lines (their importe is 0); a line without
    precio_unitario adds nothing. Closed days come from the store, whole months from
    `mm_importe_mes` and the other days from `mm_importe_dia` (every order, whatever its
    estado), minus the orders cancelled now, read live with their money from
    `mm_importe_pedido`; today is read live. The two listings of /api/spending roll these
    cells up.
    """
    start, end = spending_window(filters, now)
    ids = provider_ids(conn, filters.proveedor)
    found = summary_state(conn, use_summaries)
    state = found if found is not None and has_table(conn, mm_importe_mes, found) else None
    daily = state is not None and all(
        has_table(conn, table, state) for table in (mm_importe_pedido, mm_importe_dia)
    )
    dialect = conn.dialect.name
    narrow = narrower(conn, state)

    def stored_days(first, last):
        # Whole summarised days: their whole months from the monthly table, the other days
        # from the daily one; minus the orders of those days cancelled now.
        months, days = split_months(first, last, state.hasta)
        parts = [_stored_money(*months, ids)] if months else []
        parts += [_stored_money_days(*part, ids, dialect) for part in days]
        return [*parts, *_cancelled_money(first, last, ids, dialect, narrow)]

    def stored_months(first, last):
        # A store built before the daily tables: months only, the cancelled orders' lines
        # summed live.
        cancelled = pedidos.c.estado == CANCELLED
        return [
            _stored_money(first, last, ids),
            *_live_money(first, last, ids, dialect, cancelled, -1, narrow),
        ]

    cells = stored_and_live(
        state,
        start,
        end,
        "day" if daily else "month",
        lambda first, last: _live_money(first, last, ids, dialect, not_cancelled(), 1, narrow),
        stored_days if daily else stored_months,
    )
    statement = (
        select(
            cells.c.mes,
            cells.c.proveedor_id,
            proveedores.c.nombre,
            func.sum(cells.c.importe).label("importe"),
            func.sum(cells.c.pedidos).label("pedidos"),
        )
        .outerjoin(proveedores, proveedores.c.id == cells.c.proveedor_id)
        .group_by(cells.c.mes, cells.c.proveedor_id, proveedores.c.nombre)
        .having(func.sum(cells.c.pedidos) > 0)
    )
    return frame(conn, statement, _CELL_COLUMNS)


def _cancelled_money(first, last, ids, dialect: str, narrow) -> list:
    """The orders of the summarised days [first, last) cancelled now, per month and provider,
    negated: their count, and their money from mm_importe_pedido (one primary-key lookup per
    cancelled order, not a pass over the months' lines)."""
    month, label = grouped(pedidos.c.fecha_pedido, "month", dialect)
    stored = mm_importe_pedido.c
    return [
        select(
            label.label("mes"),
            pedidos.c.proveedor_id,
            (-func.count()).label("pedidos"),
            (-func.coalesce(func.sum(stored.importe), 0.0)).label("importe"),
        )
        .select_from(pedidos.outerjoin(mm_importe_pedido, stored.pedido_id == pedidos.c.id))
        .where(
            *window(pedidos.c.fecha_pedido, first, last),
            pedidos.c.estado == CANCELLED,
            *provider_condition(pedidos.c.proveedor_id, ids),
            *narrow(pedidos, first, last),
        )
        .group_by(month, pedidos.c.proveedor_id)
    ]


def _live_money(start, end, ids, dialect: str, condition, sign: int, narrow) -> list:
    """Orders matching condition in the range, per month and provider, times sign: their
    count, and apart the money of their lines.

    The lines are reached by their own ids and joined to their orders by primary key: a
    subquery or an outer join per order would look lines up by pedido_id, which a database
    as found does not index.
    """
    month, label = grouped(pedidos.c.fecha_pedido, "month", dialect)
    in_range = [
        *window(pedidos.c.fecha_pedido, start, end),
        condition,
        *provider_condition(pedidos.c.proveedor_id, ids),
        *narrow(pedidos, start, end),
    ]
    orders = (
        select(
            label.label("mes"),
            pedidos.c.proveedor_id,
            (func.count() * sign).label("pedidos"),
            literal(0.0).label("importe"),
        )
        .where(*in_range)
        .group_by(month, pedidos.c.proveedor_id)
    )
    amount = func.sum(lines.c.cantidad * lines.c.precio_unitario)
    money = (
        select(
            label.label("mes"),
            pedidos.c.proveedor_id,
            literal(0).label("pedidos"),
            (func.coalesce(amount, 0.0) * sign).label("importe"),
        )
        .join(pedidos, pedidos.c.id == lines.c.pedido_id)
        .where(*in_range, *narrow(lines, start, end))
        .group_by(month, pedidos.c.proveedor_id)
    )
    return [orders, money]


def _stored_money_days(first, last, ids, dialect: str):
    table = mm_importe_dia
    month = stored_label(table.c.dia, "month", dialect)
    return (
        select(
            month.label("mes"),
            table.c.proveedor_id,
            func.sum(table.c.pedidos).label("pedidos"),
            func.sum(table.c.importe).label("importe"),
        )
        .where(
            table.c.dia >= first.date(),
            table.c.dia < last.date(),
            *provider_condition(table.c.proveedor_id, ids),
        )
        .group_by(month, table.c.proveedor_id)
    )


def _stored_money(first, last, ids):
    table = mm_importe_mes
    return select(table.c.mes, table.c.proveedor_id, table.c.pedidos, table.c.importe).where(
        table.c.mes >= month_key(first),
        table.c.mes < month_key(last),
        *provider_condition(table.c.proveedor_id, ids),
    )


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
    totals = keyed.groupby(
        ["proveedor_id", "proveedor", "sin_nombre"], as_index=False, dropna=False
    ).agg(importe=("importe", "sum"), pedidos=("pedidos", "sum"))
    totals = _money(totals)
    ordered = totals.sort_values(
        ["importe", "sin_nombre", "proveedor", "proveedor_id"],
        ascending=[False, True, True, True],
        na_position="last",
        kind="stable",
    )
    return ordered[list(PROVIDER_FIELDS)]


def _money(data: pd.DataFrame) -> pd.DataFrame:
    """Round importe to cents and make pedidos a plain integer."""
    # + 0.0 turns the -0.0 that summary minus cancelled orders can leave into 0.0.
    data["importe"] = pd.to_numeric(data["importe"]).astype("float64").round(2) + 0.0
    data["pedidos"] = data["pedidos"].astype("int64")
    return data.reset_index(drop=True)


# ---- Declaration (docs/architecture.md): /api/spending rolls SPENDING's cells up per month
# (PER_MONTH fields) and per provider (PER_PROVIDER fields).
SPENDING = Metric("spending", spending_cells)
