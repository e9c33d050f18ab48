"""Stock metrics: movement timeline, monthly movements, net stock per provider, alerts."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, case, func, literal, select

from ..db import movimientos_stock as moves
from ..db import productos, proveedores
from ..filters import Filters
from ..metric import INT, Field, Metric
from ..sqlparts import grouped, is_true, sort_text, stored_label
from ..summaries import mm_movimientos_dia, mm_movimientos_mes, month_key
from . import fields
from ._common import (
    days_or_dates,
    filtered_window,
    frame,
    has_table,
    ints,
    month_window_start,
    narrower,
    provider_condition,
    provider_ids,
    regrouped,
    stored_and_live,
    summary_state,
    window,
)


def stock_timeline(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return movements per day and kind, newest day first.

    The window is the last `days` days, or the filter's dates when it has them (the pages);
    the provider text narrows it to matching providers. Closed days come from the store's
    daily summary (mm_movimientos_dia), today's from the movements themselves.
    """
    dialect = conn.dialect.name
    start, end = days_or_dates(filters, now)
    ids = provider_ids(conn, filters.proveedor)
    found = summary_state(conn, True)
    narrow = narrower(conn, found)  # the live part by id ranges, whatever the store holds
    state = found if use_summaries and has_table(conn, mm_movimientos_dia, found) else None

    def live(first, last):
        day, label = grouped(moves.c.fecha_movimiento, "day", dialect)
        return (
            select(
                label.label("fecha"),
                moves.c.tipo_movimiento.label("tipo"),
                func.count().label("movimientos"),
                func.coalesce(func.sum(moves.c.cantidad), 0).label("productos"),
            )
            .where(
                *window(moves.c.fecha_movimiento, first, last),
                *provider_condition(moves.c.proveedor_id, ids),
                *narrow(moves, first, last),
            )
            .group_by(day, moves.c.tipo_movimiento)
        )

    def stored(first, last):
        daily = mm_movimientos_dia.c
        return (
            select(
                stored_label(daily.dia, "day", dialect).label("fecha"),
                daily.tipo_movimiento.label("tipo"),
                func.sum(daily.movimientos).label("movimientos"),
                func.sum(daily.unidades).label("productos"),
            )
            .where(
                daily.dia >= first.date(),
                daily.dia < last.date(),
                *provider_condition(daily.proveedor_id, ids),
            )
            .group_by(daily.dia, daily.tipo_movimiento)
        )

    both = stored_and_live(state, start, end, "day", live, stored)
    statement = regrouped(both, ["fecha", "tipo"], ["movimientos", "productos"]).order_by(
        both.c.fecha.desc(), sort_text(both.c.tipo, dialect)
    )
    columns = ["fecha", "tipo", "movimientos", "productos"]
    return ints(frame(conn, statement, columns), ["movimientos", "productos"])


def monthly_movements(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return movements and units per month and kind (trends' movimientos_mensuales)."""
    dialect = conn.dialect.name
    start, end = filtered_window(filters, month_window_start(now, filters.months), now)
    ids = provider_ids(conn, filters.proveedor)
    both = _movements(conn, start, end, ids, use_summaries, by_month=True)
    statement = regrouped(both, ["mes", "tipo"], ["movimientos", "productos"]).order_by(
        both.c.mes, sort_text(both.c.tipo, dialect)
    )
    columns = ["mes", "tipo", "movimientos", "productos"]
    return ints(frame(conn, statement, columns), ["movimientos", "productos"])


def stock_by_provider(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return net stock (entradas - salidas + ajustes) per active provider, highest first."""
    dialect = conn.dialect.name
    both = _movements(conn, None, None, None, use_summaries, by_month=False)
    kind = func.lower(both.c.tipo)
    signed = case(
        (kind == "entrada", both.c.productos),
        (kind == "salida", -both.c.productos),
        (kind == "ajuste", both.c.productos),
        else_=literal(0),
    )
    per_provider = (
        select(both.c.proveedor_id, func.sum(signed).label("neto"))
        .group_by(both.c.proveedor_id)
        .subquery()
    )
    stock_total = func.coalesce(per_provider.c.neto, 0).label("stock_total")
    statement = (
        select(proveedores.c.codigo, proveedores.c.nombre, stock_total)
        .outerjoin(per_provider, per_provider.c.proveedor_id == proveedores.c.id)
        .where(is_true(proveedores.c.activo))
        .order_by(stock_total.desc(), sort_text(proveedores.c.nombre, dialect))
        .limit(filters.limit)
    )
    return ints(frame(conn, statement, ["codigo", "nombre", "stock_total"]), ["stock_total"])


def _movements(conn, start, end, ids, use_summaries: bool, *, by_month: bool):
    """Movements per (month or provider, kind): closed months stored, the rest live."""
    state = summary_state(conn, use_summaries)
    narrow = narrower(conn, state)
    return stored_and_live(
        state,
        start,
        end,
        "month",
        lambda first, last: _live_moves(first, last, ids, conn.dialect.name, by_month, narrow),
        lambda first, last: _stored_moves(first, last, ids, by_month),
    )


def _live_moves(start, end, ids, dialect: str, by_month: bool, narrow):
    if by_month:
        key, label = grouped(moves.c.fecha_movimiento, "month", dialect)
        shown = label.label("mes")
    else:
        key = shown = moves.c.proveedor_id
    tipo = moves.c.tipo_movimiento
    return (
        select(
            shown,
            tipo.label("tipo"),
            func.count().label("movimientos"),
            func.coalesce(func.sum(moves.c.cantidad), 0).label("productos"),
        )
        .where(
            *window(moves.c.fecha_movimiento, start, end),
            *provider_condition(moves.c.proveedor_id, ids),
            *narrow(moves, start, end),
        )
        .group_by(key, tipo)
    )


def _stored_moves(first, last, ids, by_month: bool):
    table = mm_movimientos_mes
    key = table.c.mes.label("mes") if by_month else table.c.proveedor_id.label("proveedor_id")
    tipo = table.c.tipo_movimiento.label("tipo")
    return (
        select(
            key,
            tipo,
            func.sum(table.c.movimientos).label("movimientos"),
            func.sum(table.c.unidades).label("productos"),
        )
        .where(
            table.c.mes >= month_key(first),
            table.c.mes < month_key(last),
            *provider_condition(table.c.proveedor_id, ids),
        )
        .group_by(key, tipo)
    )


def low_stock(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return the `limit` active products below their minimum stock, emptiest (relative to
    minimum) first."""
    dialect = conn.dialect.name
    ratio = (productos.c.stock_actual * 1.0) / func.nullif(productos.c.stock_minimo, 0)
    shortfall = productos.c.stock_minimo - productos.c.stock_actual
    statement = (
        select(
            productos.c.nombre.label("producto"),
            proveedores.c.nombre.label("proveedor"),
            productos.c.stock_actual,
            productos.c.stock_minimo,
            shortfall.label("faltante"),
        )
        .outerjoin(proveedores, proveedores.c.id == productos.c.proveedor_id)
        .where(productos.c.stock_actual < productos.c.stock_minimo, is_true(productos.c.activo))
        .order_by(ratio.asc(), shortfall.desc(), sort_text(productos.c.nombre, dialect))
        .limit(filters.limit)
    )
    columns = ["producto", "proveedor", "stock_actual", "stock_minimo", "faltante"]
    return ints(frame(conn, statement, columns), columns[2:])


def provider_names(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return codigo and nombre of every active provider, by name (filter drop-downs)."""
    statement = (
        select(proveedores.c.codigo, proveedores.c.nombre)
        .where(is_true(proveedores.c.activo))
        .order_by(sort_text(proveedores.c.nombre, conn.dialect.name))
    )
    return frame(conn, statement, ["codigo", "nombre"])


# ---- Declarations: each metric above with its published fields (docs/architecture.md).

STOCK_TIMELINE = Metric(
    "stock_timeline",
    stock_timeline,
    (
        fields.DIA,
        fields.TIPO,
        Field("movimientos", INT, "Movimientos de ese día y tipo."),
        fields.UNIDADES_MOVIDAS,
    ),
)
MONTHLY_MOVEMENTS = Metric(
    "monthly_movements",
    monthly_movements,
    (
        fields.MES,
        fields.TIPO,
        Field("movimientos", INT, "Movimientos del mes y tipo."),
        fields.UNIDADES_MOVIDAS,
    ),
)
STOCK_BY_PROVIDER = Metric(
    "stock_by_provider",
    stock_by_provider,
    (
        *fields.PROVIDER,
        Field("stock_total", INT, "Entradas − salidas + ajustes, desde el principio."),
    ),
)
LOW_STOCK = Metric(
    "low_stock",
    low_stock,
    (
        fields.PRODUCTO,
        fields.PROVEEDOR_NOMBRE,
        *fields.STOCK,
        Field("faltante", INT, "stock_minimo − stock_actual."),
    ),
    Filters(limit=50),
)
PROVIDER_NAMES = Metric("provider_names", provider_names, fields.PROVIDER)
