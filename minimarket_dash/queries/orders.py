"""Order metrics: summary, providers, top products, monthly and weekly orders."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, case, func, literal, select

from ..db import detalle_pedidos as lines
from ..db import facturas_ocr, movimientos_stock, pedidos, proveedores
from ..filters import Filters
from ..metric import INT, NULLABLE_TEXT, TEXT, WEEK, Field, Metric
from ..sqlparts import day_value, grouped, is_true, iso_week_bucket, sort_text
from ..summaries import (
    SummaryState,
    mm_movimientos_mes,
    mm_pedidos_dia,
    mm_producto_dia,
    mm_producto_mes,
    month_key,
)
from . import fields
from ._common import (
    days_or_dates,
    filtered_window,
    frame,
    ints,
    last_days,
    month_window_start,
    narrower,
    provider_condition,
    provider_ids,
    regrouped,
    stored_and_live,
    summary_state,
    week_window_start,
    window,
)


def summary(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return the one-row summary of /api/summary (top provider as two columns)."""
    state = summary_state(conn, use_summaries)
    narrow = narrower(conn, state)
    month_start, month_end = last_days(now, 30)
    week_start, week_end = last_days(now, 7)
    lines_total = _line_totals(state, narrow)
    counts = [
        select(func.count())
        .where(is_true(proveedores.c.activo))
        .scalar_subquery()
        .label("total_proveedores"),
        func.coalesce(lines_total.c.pedidos, 0).label("total_pedidos"),
        func.coalesce(lines_total.c.unidades, 0).label("total_productos_pedidos"),
        _movement_count(state, narrow).label("total_movimientos"),
        select(func.count())
        .where(is_true(facturas_ocr.c.procesado))
        .scalar_subquery()
        .label("facturas_procesadas"),
        select(func.count())
        .where(
            *window(pedidos.c.fecha_pedido, month_start, month_end),
            *narrow(pedidos, month_start, month_end),
        )
        .scalar_subquery()
        .label("pedidos_mes"),
        select(func.count())
        .where(
            *window(movimientos_stock.c.fecha_movimiento, week_start, week_end),
            *narrow(movimientos_stock, week_start, week_end),
        )
        .scalar_subquery()
        .label("movimientos_semana"),
    ]
    data = dict(conn.execute(select(*counts).select_from(lines_total)).one()._mapping)
    top = _orders_by_provider(conn, month_start, month_end, 1, narrow)
    data["proveedor_top_nombre"] = str(top.iloc[0]["nombre"]) if len(top) else "N/A"
    data["proveedor_top_pedidos"] = int(top.iloc[0]["pedidos"]) if len(top) else 0
    columns = ["total_pedidos", "total_productos_pedidos", "total_movimientos"]
    return ints(pd.DataFrame([data]), columns)


def _line_totals(state: SummaryState | None, narrow):
    """One row: distinct orders with lines and their units (daily summary + live tail)."""

    def live(start, end):
        return (
            select(
                func.count(func.distinct(lines.c.pedido_id)).label("pedidos"),
                func.sum(lines.c.cantidad).label("unidades"),
            )
            .join(pedidos, pedidos.c.id == lines.c.pedido_id)
            .where(
                *window(pedidos.c.fecha_pedido, start, end),
                *narrow(lines, start, end),
                *narrow(pedidos, start, end),
            )
        )

    def stored(first, last):
        return select(
            func.sum(mm_pedidos_dia.c.pedidos_con_lineas).label("pedidos"),
            func.sum(mm_pedidos_dia.c.unidades).label("unidades"),
        ).where(*_stored_day_range(first, last))

    both = stored_and_live(state, None, None, "day", live, stored)
    return select(
        func.sum(both.c.pedidos).label("pedidos"), func.sum(both.c.unidades).label("unidades")
    ).subquery()


def _stored_day_range(first: datetime, last: datetime) -> list:
    return [mm_pedidos_dia.c.dia >= first.date(), mm_pedidos_dia.c.dia < last.date()]


def _movement_count(state: SummaryState | None, narrow):
    """All stock movements: the monthly summary plus the live tail."""

    def live(start, end):
        return (
            select(func.count().label("movimientos"))
            .select_from(movimientos_stock)
            .where(
                *window(movimientos_stock.c.fecha_movimiento, start, end),
                *narrow(movimientos_stock, start, end),
            )
        )

    def stored(first, last):
        table = mm_movimientos_mes
        return select(func.coalesce(func.sum(table.c.movimientos), 0).label("movimientos")).where(
            table.c.mes >= month_key(first), table.c.mes < month_key(last)
        )

    both = stored_and_live(state, None, None, "month", live, stored)
    return select(func.sum(both.c.movimientos)).scalar_subquery()


def orders_by_provider(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return the `limit` active providers with most orders in the filter's dates, or in the
    last `days` days (a rolling window ending now) when it names none."""
    narrow = narrower(conn, summary_state(conn, True))
    return _orders_by_provider(conn, *days_or_dates(filters, now), filters.limit, narrow)


def _orders_by_provider(
    conn: Connection, start: datetime | None, end: datetime | None, limit: int, narrow
) -> pd.DataFrame:
    """Return active providers with orders in [start, end), most orders first."""
    dialect = conn.dialect.name
    count = func.count(pedidos.c.id).label("pedidos")
    statement = (
        select(proveedores.c.nombre, proveedores.c.codigo, count)
        .join(pedidos, pedidos.c.proveedor_id == proveedores.c.id)
        .where(
            is_true(proveedores.c.activo),
            *window(pedidos.c.fecha_pedido, start, end),
            *narrow(pedidos, start, end),
        )
        .group_by(proveedores.c.id, proveedores.c.nombre, proveedores.c.codigo)
        .order_by(count.desc(), sort_text(proveedores.c.nombre, dialect))
        .limit(limit)
    )
    return ints(frame(conn, statement, ["nombre", "codigo", "pedidos"]), ["pedidos"])


def providers(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return one row per active provider with its order KPIs (GET /api/providers)."""
    dialect = conn.dialect.name
    state = summary_state(conn, use_summaries)
    narrow = narrower(conn, state)
    totals = _provider_totals(state, narrow)
    recent = _recent_orders(now, narrow)
    total_pedidos = func.coalesce(totals.c.total_pedidos, 0)
    statement = (
        select(
            proveedores.c.codigo,
            proveedores.c.nombre,
            total_pedidos.label("total_pedidos"),
            func.coalesce(totals.c.total_productos, 0).label("total_productos"),
            func.coalesce(recent.c.pedidos_semana, 0).label("pedidos_semana"),
            func.coalesce(recent.c.pedidos_mes, 0).label("pedidos_mes"),
        )
        .outerjoin(totals, totals.c.proveedor_id == proveedores.c.id)
        .outerjoin(recent, recent.c.proveedor_id == proveedores.c.id)
        .where(is_true(proveedores.c.activo))
        .order_by(total_pedidos.desc(), sort_text(proveedores.c.nombre, dialect))
    )
    columns = [
        "codigo",
        "nombre",
        "total_pedidos",
        "total_productos",
        "pedidos_semana",
        "pedidos_mes",
    ]
    return ints(frame(conn, statement, columns), columns[2:])


def _provider_totals(state: SummaryState | None, narrow):
    """All-time orders and ordered units per provider (summary + live tail)."""

    def live(start, end):
        # Orders and units apart: lines are reached by their own ids (an outer join from the
        # orders would look them up by pedido_id, unindexed in a database as found).
        orders = (
            select(
                pedidos.c.proveedor_id,
                func.count().label("total_pedidos"),
                literal(0).label("total_productos"),
            )
            .where(*window(pedidos.c.fecha_pedido, start, end), *narrow(pedidos, start, end))
            .group_by(pedidos.c.proveedor_id)
        )
        units = (
            select(
                pedidos.c.proveedor_id,
                literal(0).label("total_pedidos"),
                func.coalesce(func.sum(lines.c.cantidad), 0).label("total_productos"),
            )
            .join(pedidos, pedidos.c.id == lines.c.pedido_id)
            .where(
                *window(pedidos.c.fecha_pedido, start, end),
                *narrow(lines, start, end),
                *narrow(pedidos, start, end),
            )
            .group_by(pedidos.c.proveedor_id)
        )
        return [orders, units]

    def stored(first, last):
        return (
            select(
                mm_pedidos_dia.c.proveedor_id,
                func.sum(mm_pedidos_dia.c.pedidos).label("total_pedidos"),
                func.sum(mm_pedidos_dia.c.unidades).label("total_productos"),
            )
            .where(*_stored_day_range(first, last))
            .group_by(mm_pedidos_dia.c.proveedor_id)
        )

    both = stored_and_live(state, None, None, "day", live, stored)
    return regrouped(both, ["proveedor_id"], ["total_pedidos", "total_productos"]).subquery()


def _recent_orders(now: datetime, narrow):
    """Orders per provider in the last 7 and 30 days, read through the date index (or the
    store's id ranges)."""
    week_start, end = last_days(now, 7)
    month_start, _ = last_days(now, 30)
    in_week = pedidos.c.fecha_pedido >= week_start
    return (
        select(
            pedidos.c.proveedor_id,
            func.sum(case((in_week, 1), else_=0)).label("pedidos_semana"),
            func.count().label("pedidos_mes"),
        )
        .where(
            *window(pedidos.c.fecha_pedido, month_start, end), *narrow(pedidos, month_start, end)
        )
        .group_by(pedidos.c.proveedor_id)
        .subquery()
    )


def top_products(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return the most ordered products in the filter, with the provider of most of their units."""
    dialect = conn.dialect.name
    ids = provider_ids(conn, filters.proveedor)
    per_provider = _units_per_product_provider(conn, filters, ids, use_summaries)
    rank = func.row_number().over(
        partition_by=per_provider.c.producto,
        order_by=(per_provider.c.unidades.desc(), sort_text(proveedores.c.nombre, dialect)),
    )
    ranked = (
        select(per_provider, proveedores.c.nombre.label("proveedor"), rank.label("puesto"))
        .outerjoin(proveedores, proveedores.c.id == per_provider.c.proveedor_id)
        .subquery()
    )
    total = func.sum(ranked.c.unidades).label("cantidad_total")
    statement = (
        select(
            ranked.c.producto,
            total,
            func.sum(ranked.c.ordenes).label("pedidos"),
            func.max(case((ranked.c.puesto == 1, ranked.c.proveedor))).label("proveedor"),
        )
        .group_by(ranked.c.producto)
        .order_by(total.desc(), sort_text(ranked.c.producto, dialect))
        .limit(filters.limit)
    )
    columns = ["producto", "cantidad_total", "pedidos", "proveedor"]
    return ints(frame(conn, statement, columns), ["cantidad_total", "pedidos"])


def _units_per_product_provider(conn, filters: Filters, ids, use_summaries: bool):
    """Units and distinct orders per (product, provider) in the filter.

    Each order has one provider and one month, so distinct orders per (product, provider,
    month) add up exactly; whole closed months come from the summary, the rest live.
    """
    state = summary_state(conn, use_summaries)
    narrow = narrower(conn, state)

    def days(start, end):
        # The parts of the window that are not whole months: whole days from the daily
        # summary, the rest (a partial first day, today) from the lines.
        within = stored_and_live(
            state,
            start,
            end,
            "day",
            lambda first, last: _live_units(first, last, ids, narrow),
            lambda first, last: _stored_unit_days(first, last, ids),
        )
        return select(within.c.producto, within.c.proveedor_id, within.c.unidades, within.c.ordenes)

    both = stored_and_live(
        state,
        *filters.date_bounds(),
        "month",
        days,
        lambda first, last: _stored_units(first, last, ids),
    )
    return regrouped(both, ["producto", "proveedor_id"], ["unidades", "ordenes"]).subquery()


def _live_units(start, end, ids, narrow):
    return (
        select(
            lines.c.producto_nombre.label("producto"),
            pedidos.c.proveedor_id,
            func.sum(lines.c.cantidad).label("unidades"),
            func.count(func.distinct(lines.c.pedido_id)).label("ordenes"),
        )
        .join(pedidos, pedidos.c.id == lines.c.pedido_id)
        .where(
            *window(pedidos.c.fecha_pedido, start, end),
            *provider_condition(pedidos.c.proveedor_id, ids),
            *narrow(lines, start, end),
            *narrow(pedidos, start, end),
        )
        .group_by(lines.c.producto_nombre, pedidos.c.proveedor_id)
    )


def _stored_unit_days(first, last, ids):
    daily = mm_producto_dia.c
    return (
        select(
            daily.producto_nombre.label("producto"),
            daily.proveedor_id,
            func.sum(daily.unidades).label("unidades"),
            func.sum(daily.ordenes).label("ordenes"),
        )
        .where(
            daily.dia >= first.date(),
            daily.dia < last.date(),
            *provider_condition(daily.proveedor_id, ids),
        )
        .group_by(daily.producto_nombre, daily.proveedor_id)
    )


def _stored_units(first, last, ids):
    return (
        select(
            mm_producto_mes.c.producto_nombre.label("producto"),
            mm_producto_mes.c.proveedor_id,
            func.sum(mm_producto_mes.c.unidades).label("unidades"),
            func.sum(mm_producto_mes.c.ordenes).label("ordenes"),
        )
        .where(
            mm_producto_mes.c.mes >= month_key(first),
            mm_producto_mes.c.mes < month_key(last),
            *provider_condition(mm_producto_mes.c.proveedor_id, ids),
        )
        .group_by(mm_producto_mes.c.producto_nombre, mm_producto_mes.c.proveedor_id)
    )


def monthly_orders(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return orders and distinct ordering providers per month (trends' pedidos_mensuales).

    Orders per (month, provider): closed days from the store's daily summary, the rest live;
    the providers of a month are then the distinct ones among those rows.
    """
    dialect = conn.dialect.name
    start, end = filtered_window(filters, month_window_start(now, filters.months), now)
    ids = provider_ids(conn, filters.proveedor)
    state = summary_state(conn, use_summaries)
    narrow = narrower(conn, state)

    def live(first, last):
        month, label = grouped(pedidos.c.fecha_pedido, "month", dialect)
        return (
            select(label.label("mes"), pedidos.c.proveedor_id, func.count().label("pedidos"))
            .where(
                *window(pedidos.c.fecha_pedido, first, last),
                *provider_condition(pedidos.c.proveedor_id, ids),
                *narrow(pedidos, first, last),
            )
            .group_by(month, pedidos.c.proveedor_id)
        )

    def stored(first, last):
        daily = mm_pedidos_dia.c
        month, label = grouped(daily.dia, "month", dialect)
        return (
            select(label.label("mes"), daily.proveedor_id, func.sum(daily.pedidos).label("pedidos"))
            .where(*_stored_day_range(first, last), *provider_condition(daily.proveedor_id, ids))
            .group_by(month, daily.proveedor_id)
        )

    parts = stored_and_live(state, start, end, "day", live, stored)
    statement = (
        select(
            parts.c.mes,
            func.sum(parts.c.pedidos).label("pedidos"),
            func.count(func.distinct(parts.c.proveedor_id)).label("proveedores_activos"),
        )
        .group_by(parts.c.mes)
        .order_by(parts.c.mes)
    )
    columns = ["mes", "pedidos", "proveedores_activos"]
    return ints(frame(conn, statement, columns), columns[1:])


def weekly_sales(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return orders and units per ISO week, oldest first.

    The window is the last `weeks` weeks, or the filter's dates when it has them (the pages);
    the provider text narrows it to matching providers.
    """
    dialect = conn.dialect.name
    start, end = filtered_window(filters, week_window_start(now, filters.weeks), now)
    ids = provider_ids(conn, filters.proveedor)
    state = summary_state(conn, use_summaries)
    narrow = narrower(conn, state)
    days = stored_and_live(
        state,
        start,
        end,
        "day",
        lambda first, last: _live_days(first, last, ids, dialect, narrow),
        lambda first, last: _stored_days(first, last, ids),
    )
    # Days first, weeks after: the ISO-week expression then runs once per day, not per order.
    semana = iso_week_bucket(days.c.dia, dialect).label("semana")
    statement = (
        select(
            semana,
            func.sum(days.c.pedidos).label("pedidos"),
            func.sum(days.c.productos).label("productos"),
        )
        .group_by(semana)
        .order_by(semana)
    )
    columns = ["semana", "pedidos", "productos"]
    return ints(frame(conn, statement, columns), ["pedidos", "productos"])


def _live_days(start, end, ids, dialect: str, narrow):
    """Orders and units per day, apart (lines reached by their own ids, see _provider_totals)."""
    dia = day_value(pedidos.c.fecha_pedido, dialect).label("dia")
    in_range = [
        *window(pedidos.c.fecha_pedido, start, end),
        *provider_condition(pedidos.c.proveedor_id, ids),
        *narrow(pedidos, start, end),
    ]
    orders = (
        select(dia, func.count().label("pedidos"), literal(0).label("productos"))
        .where(*in_range)
        .group_by(dia)
    )
    units = (
        select(
            dia,
            literal(0).label("pedidos"),
            func.coalesce(func.sum(lines.c.cantidad), 0).label("productos"),
        )
        .join(pedidos, pedidos.c.id == lines.c.pedido_id)
        .where(*in_range, *narrow(lines, start, end))
        .group_by(dia)
    )
    return [orders, units]


def _stored_days(first, last, ids):
    return (
        select(
            mm_pedidos_dia.c.dia,
            func.sum(mm_pedidos_dia.c.pedidos).label("pedidos"),
            func.sum(mm_pedidos_dia.c.unidades).label("productos"),
        )
        .where(
            *_stored_day_range(first, last), *provider_condition(mm_pedidos_dia.c.proveedor_id, ids)
        )
        .group_by(mm_pedidos_dia.c.dia)
    )


def activity_counts(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return the orders and stock movements of the last `days` days (rolling, ending now) as
    one row; a KPI's previous window is the difference of two of these."""
    start, end = last_days(now, filters.days)
    narrow = narrower(conn, summary_state(conn, True))
    statement = select(
        select(func.count())
        .where(*window(pedidos.c.fecha_pedido, start, end), *narrow(pedidos, start, end))
        .scalar_subquery()
        .label("pedidos"),
        select(func.count())
        .where(
            *window(movimientos_stock.c.fecha_movimiento, start, end),
            *narrow(movimientos_stock, start, end),
        )
        .scalar_subquery()
        .label("movimientos"),
    )
    return ints(frame(conn, statement, ["pedidos", "movimientos"]), ["pedidos", "movimientos"])


# ---- Declarations: each metric above with its published fields (docs/architecture.md).

SUMMARY = Metric(
    "summary",
    summary,
    (
        Field("total_proveedores", INT, "Proveedores activos."),
        Field("total_pedidos", INT, "Pedidos con al menos una línea, desde el principio."),
        Field("total_productos_pedidos", INT, "Unidades pedidas, desde el principio."),
        Field("total_movimientos", INT, "Movimientos de stock, desde el principio."),
        Field("facturas_procesadas", INT, "Facturas con procesado = 1."),
        Field("pedidos_mes", INT, "Pedidos de los últimos 30 días (ventana móvil hasta ahora)."),
        Field("movimientos_semana", INT, "Movimientos de los últimos 7 días (ventana móvil)."),
        Field("proveedor_top_nombre", TEXT, "Proveedor activo con más pedidos en 30 días (N/A)."),
        Field("proveedor_top_pedidos", INT, "Sus pedidos en esos 30 días (0 sin proveedor)."),
    ),
)
PROVIDERS = Metric(
    "providers",
    providers,
    (
        *fields.PROVIDER,
        Field("total_pedidos", INT, "Pedidos desde el principio."),
        Field("total_productos", INT, "Unidades pedidas desde el principio."),
        Field("pedidos_semana", INT, "Pedidos de los últimos 7 días (ventana móvil)."),
        Field("pedidos_mes", INT, "Pedidos de los últimos 30 días (ventana móvil)."),
    ),
)
TOP_PRODUCTS = Metric(
    "top_products",
    top_products,
    (
        Field("producto", TEXT, "Nombre del producto en la línea de pedido."),
        Field("cantidad_total", INT, "Unidades pedidas en el período."),
        Field("pedidos", INT, "Pedidos distintos que lo incluyen."),
        Field("proveedor", NULLABLE_TEXT, "Proveedor de la mayoría de sus unidades."),
    ),
)
MONTHLY_ORDERS = Metric(
    "monthly_orders",
    monthly_orders,
    (
        fields.MES,
        Field("pedidos", INT, "Pedidos del mes (incluye cancelados)."),
        Field("proveedores_activos", INT, "Proveedores con al menos un pedido en el mes."),
    ),
)
WEEKLY_SALES = Metric(
    "weekly_sales",
    weekly_sales,
    (
        Field("semana", WEEK, "Semana ISO (lunes a domingo), AAAA-Www."),
        Field("pedidos", INT, "Pedidos de la semana."),
        Field("productos", INT, "Unidades pedidas en la semana."),
    ),
)
ORDERS_BY_PROVIDER = Metric(
    "orders_by_provider",
    orders_by_provider,
    (
        fields.NOMBRE,
        fields.CODIGO,
        Field("pedidos", INT, "Pedidos en la ventana."),
    ),
    Filters(days=30),
)
ACTIVITY = Metric(
    "activity_counts",
    activity_counts,
    (
        Field("pedidos", INT, "Pedidos de los últimos `days` días."),
        Field("movimientos", INT, "Movimientos de stock de los últimos `days` días."),
    ),
)
