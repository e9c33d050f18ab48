"""One function per metric: (connection, Filters, now) -> DataFrame, aggregated in the database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import (
    Connection,
    and_,
    case,
    false,
    func,
    literal,
    select,
)

from .db import detalle_pedidos as lines
from .db import facturas_ocr, movimientos_stock, pedidos, productos, proveedores
from .filters import Filters, fold_text
from .sqlparts import day_bucket, is_true, iso_week_bucket, month_bucket, sort_text

MOVEMENT_KINDS = ("entrada", "salida", "ajuste")


def _frame(conn: Connection, statement, columns: list[str]) -> pd.DataFrame:
    result = conn.execute(statement)
    return pd.DataFrame(result.fetchall(), columns=columns)


def _dialect(conn: Connection) -> str:
    return conn.dialect.name


def provider_ids(conn: Connection, text: str | None) -> list[int] | None:
    """Return ids of providers whose name or code contains `text` (accent- and case-blind).

    None means "no provider filter". The provider table is small, so folding accents in Python
    works the same on SQLite and PostgreSQL without extensions.
    """
    if not text:
        return None
    needle = fold_text(text)
    rows = conn.execute(select(proveedores.c.id, proveedores.c.nombre, proveedores.c.codigo))
    return [
        row.id
        for row in rows
        if needle in fold_text(row.nombre or "") or needle in fold_text(row.codigo or "")
    ]


def _provider_condition(column, ids: list[int] | None):
    if ids is None:
        return None
    if not ids:
        return false()
    return column.in_(ids)


def _window_conditions(column, start: datetime | None, end: datetime | None) -> list:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def _last_days(now: datetime, days: int) -> tuple[datetime, datetime]:
    """Return [now - days, now] as a half-open window ending one second after now."""
    return now - timedelta(days=days), now + timedelta(seconds=1)


def month_window_start(now: datetime, months: int) -> datetime:
    """Return the first day of the month `months - 1` months before now's month."""
    index = now.year * 12 + (now.month - 1) - (months - 1)
    return datetime(index // 12, index % 12 + 1, 1)


def _filtered_window(
    filters: Filters, default_start: datetime, now: datetime
) -> tuple[datetime, datetime]:
    start, end = filters.date_bounds()
    if start is None and end is None:
        return default_start, now + timedelta(seconds=1)
    return start or datetime(1900, 1, 1), end or now + timedelta(seconds=1)


def summary(conn: Connection, now: datetime) -> pd.DataFrame:
    """Return the one-row summary of /api/summary (top provider as two columns)."""
    month_start, month_end = _last_days(now, 30)
    week_start, week_end = _last_days(now, 7)
    scalar = _scalar_subqueries(month_start, month_end, week_start, week_end)
    row = conn.execute(select(*scalar)).one()
    top = _top_provider(conn, month_start, month_end)
    data = dict(row._mapping)
    data["proveedor_top_nombre"] = top[0]
    data["proveedor_top_pedidos"] = top[1]
    return pd.DataFrame([data])


def _scalar_subqueries(month_start, month_end, week_start, week_end) -> list:
    return [
        select(func.count())
        .where(is_true(proveedores.c.activo))
        .scalar_subquery()
        .label("total_proveedores"),
        select(func.count(func.distinct(lines.c.pedido_id)))
        .scalar_subquery()
        .label("total_pedidos"),
        select(func.coalesce(func.sum(lines.c.cantidad), 0))
        .scalar_subquery()
        .label("total_productos_pedidos"),
        select(func.count()).select_from(movimientos_stock).scalar_subquery()
        .label("total_movimientos"),
        select(func.count())
        .where(is_true(facturas_ocr.c.procesado))
        .scalar_subquery()
        .label("facturas_procesadas"),
        select(func.count())
        .where(*_window_conditions(pedidos.c.fecha_pedido, month_start, month_end))
        .scalar_subquery()
        .label("pedidos_mes"),
        select(func.count())
        .where(*_window_conditions(movimientos_stock.c.fecha_movimiento, week_start, week_end))
        .scalar_subquery()
        .label("movimientos_semana"),
    ]


def _top_provider(conn: Connection, start: datetime, end: datetime) -> tuple[str, int]:
    ranked = orders_by_provider(conn, start, end, limit=1)
    if ranked.empty:
        return "N/A", 0
    return str(ranked.iloc[0]["nombre"]), int(ranked.iloc[0]["pedidos"])


def orders_by_provider(
    conn: Connection, start: datetime, end: datetime, limit: int = 10
) -> pd.DataFrame:
    """Return active providers with orders in [start, end), most orders first."""
    dialect = _dialect(conn)
    count = func.count(pedidos.c.id).label("pedidos")
    statement = (
        select(proveedores.c.nombre, proveedores.c.codigo, count)
        .join(pedidos, pedidos.c.proveedor_id == proveedores.c.id)
        .where(
            is_true(proveedores.c.activo),
            *_window_conditions(pedidos.c.fecha_pedido, start, end),
        )
        .group_by(proveedores.c.id, proveedores.c.nombre, proveedores.c.codigo)
        .order_by(count.desc(), sort_text(proveedores.c.nombre, dialect))
        .limit(limit)
    )
    return _frame(conn, statement, ["nombre", "codigo", "pedidos"])


def providers(conn: Connection, now: datetime) -> pd.DataFrame:
    """Return one row per active provider with its order KPIs (GET /api/providers)."""
    dialect = _dialect(conn)
    week_start, _ = _last_days(now, 7)
    month_start, end = _last_days(now, 30)
    in_week = and_(pedidos.c.fecha_pedido >= week_start, pedidos.c.fecha_pedido < end)
    in_month = and_(pedidos.c.fecha_pedido >= month_start, pedidos.c.fecha_pedido < end)
    orders = (
        select(
            pedidos.c.proveedor_id,
            func.count().label("total_pedidos"),
            func.sum(case((in_week, 1), else_=0)).label("pedidos_semana"),
            func.sum(case((in_month, 1), else_=0)).label("pedidos_mes"),
        )
        .group_by(pedidos.c.proveedor_id)
        .subquery()
    )
    units = (
        select(pedidos.c.proveedor_id, func.sum(lines.c.cantidad).label("total_productos"))
        .join(lines, lines.c.pedido_id == pedidos.c.id)
        .group_by(pedidos.c.proveedor_id)
        .subquery()
    )
    total_pedidos = func.coalesce(orders.c.total_pedidos, 0)
    statement = (
        select(
            proveedores.c.codigo,
            proveedores.c.nombre,
            total_pedidos.label("total_pedidos"),
            func.coalesce(units.c.total_productos, 0).label("total_productos"),
            func.coalesce(orders.c.pedidos_semana, 0).label("pedidos_semana"),
            func.coalesce(orders.c.pedidos_mes, 0).label("pedidos_mes"),
        )
        .outerjoin(orders, orders.c.proveedor_id == proveedores.c.id)
        .outerjoin(units, units.c.proveedor_id == proveedores.c.id)
        .where(is_true(proveedores.c.activo))
        .order_by(total_pedidos.desc(), sort_text(proveedores.c.nombre, dialect))
    )
    columns = ["codigo", "nombre", "total_pedidos", "total_productos", "pedidos_semana",
               "pedidos_mes"]
    return _ints(_frame(conn, statement, columns), columns[2:])


def stock_timeline(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return movements per day and kind over the last `days` days, newest day first."""
    dialect = _dialect(conn)
    start, end = _last_days(now, filters.days)
    day = day_bucket(movimientos_stock.c.fecha_movimiento, dialect).label("fecha")
    tipo = movimientos_stock.c.tipo_movimiento.label("tipo")
    statement = (
        select(
            day,
            tipo,
            func.count().label("movimientos"),
            func.coalesce(func.sum(movimientos_stock.c.cantidad), 0).label("productos"),
        )
        .where(*_window_conditions(movimientos_stock.c.fecha_movimiento, start, end))
        .group_by(day, tipo)
        .order_by(day.desc(), sort_text(tipo, dialect))
    )
    columns = ["fecha", "tipo", "movimientos", "productos"]
    return _ints(_frame(conn, statement, columns), ["movimientos", "productos"])


def top_products(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Return the most ordered products in the filter, with the provider of most of their units."""
    dialect = _dialect(conn)
    start, end = filters.date_bounds()
    conditions = _window_conditions(pedidos.c.fecha_pedido, start, end)
    provider_filter = _provider_condition(
        pedidos.c.proveedor_id, provider_ids(conn, filters.proveedor)
    )
    if provider_filter is not None:
        conditions.append(provider_filter)
    # Each order has one provider, so distinct orders per (product, provider) add up exactly.
    per_provider = (
        select(
            lines.c.producto_nombre.label("producto"),
            pedidos.c.proveedor_id,
            func.sum(lines.c.cantidad).label("unidades"),
            func.count(func.distinct(lines.c.pedido_id)).label("ordenes"),
        )
        .join(pedidos, pedidos.c.id == lines.c.pedido_id)
        .where(*conditions)
        .group_by(lines.c.producto_nombre, pedidos.c.proveedor_id)
        .subquery()
    )
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
    return _ints(_frame(conn, statement, columns), ["cantidad_total", "pedidos"])


def monthly_orders(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return orders and distinct ordering providers per month (trends' pedidos_mensuales)."""
    dialect = _dialect(conn)
    start, end = _filtered_window(filters, month_window_start(now, filters.months), now)
    conditions = _window_conditions(pedidos.c.fecha_pedido, start, end)
    provider_filter = _provider_condition(
        pedidos.c.proveedor_id, provider_ids(conn, filters.proveedor)
    )
    if provider_filter is not None:
        conditions.append(provider_filter)
    mes = month_bucket(pedidos.c.fecha_pedido, dialect).label("mes")
    statement = (
        select(
            mes,
            func.count().label("pedidos"),
            func.count(func.distinct(pedidos.c.proveedor_id)).label("proveedores_activos"),
        )
        .where(*conditions)
        .group_by(mes)
        .order_by(mes)
    )
    columns = ["mes", "pedidos", "proveedores_activos"]
    return _ints(_frame(conn, statement, columns), columns[1:])


def monthly_movements(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return movements and units per month and kind (trends' movimientos_mensuales)."""
    dialect = _dialect(conn)
    start, end = _filtered_window(filters, month_window_start(now, filters.months), now)
    conditions = _window_conditions(movimientos_stock.c.fecha_movimiento, start, end)
    provider_filter = _provider_condition(
        movimientos_stock.c.proveedor_id, provider_ids(conn, filters.proveedor)
    )
    if provider_filter is not None:
        conditions.append(provider_filter)
    mes = month_bucket(movimientos_stock.c.fecha_movimiento, dialect).label("mes")
    tipo = movimientos_stock.c.tipo_movimiento.label("tipo")
    statement = (
        select(
            mes,
            tipo,
            func.count().label("movimientos"),
            func.coalesce(func.sum(movimientos_stock.c.cantidad), 0).label("productos"),
        )
        .where(*conditions)
        .group_by(mes, tipo)
        .order_by(mes, sort_text(tipo, dialect))
    )
    columns = ["mes", "tipo", "movimientos", "productos"]
    return _ints(_frame(conn, statement, columns), ["movimientos", "productos"])


def stock_by_provider(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Return net stock (entradas - salidas + ajustes) per active provider, highest first."""
    dialect = _dialect(conn)
    kind = func.lower(movimientos_stock.c.tipo_movimiento)
    signed = case(
        (kind == "entrada", movimientos_stock.c.cantidad),
        (kind == "salida", -movimientos_stock.c.cantidad),
        (kind == "ajuste", movimientos_stock.c.cantidad),
        else_=literal(0),
    )
    per_provider = (
        select(movimientos_stock.c.proveedor_id, func.sum(signed).label("neto"))
        .group_by(movimientos_stock.c.proveedor_id)
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
    return _ints(_frame(conn, statement, ["codigo", "nombre", "stock_total"]), ["stock_total"])


def week_window_start(now: datetime, weeks: int) -> datetime:
    """Return the Monday 00:00 that starts the oldest of the last `weeks` ISO weeks."""
    monday = now.date() - timedelta(days=now.weekday())
    return datetime.combine(monday - timedelta(weeks=weeks - 1), datetime.min.time())


def weekly_sales(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return orders and ordered units per ISO week over the last `weeks` weeks, oldest first."""
    dialect = _dialect(conn)
    start, end = week_window_start(now, filters.weeks), now + timedelta(seconds=1)
    semana = iso_week_bucket(pedidos.c.fecha_pedido, dialect).label("semana")
    statement = (
        select(
            semana,
            func.count(func.distinct(pedidos.c.id)).label("pedidos"),
            func.coalesce(func.sum(lines.c.cantidad), 0).label("productos"),
        )
        .select_from(pedidos.outerjoin(lines, lines.c.pedido_id == pedidos.c.id))
        .where(*_window_conditions(pedidos.c.fecha_pedido, start, end))
        .group_by(semana)
        .order_by(semana)
    )
    columns = ["semana", "pedidos", "productos"]
    return _ints(_frame(conn, statement, columns), ["pedidos", "productos"])


def low_stock(conn: Connection, limit: int = 50) -> pd.DataFrame:
    """Return active products below their minimum stock, emptiest (relative to minimum) first."""
    dialect = _dialect(conn)
    ratio = (productos.c.stock_actual * 1.0) / func.nullif(productos.c.stock_minimo, 0)
    statement = (
        select(
            productos.c.nombre.label("producto"),
            proveedores.c.nombre.label("proveedor"),
            productos.c.stock_actual,
            productos.c.stock_minimo,
            (productos.c.stock_minimo - productos.c.stock_actual).label("faltante"),
        )
        .outerjoin(proveedores, proveedores.c.id == productos.c.proveedor_id)
        .where(productos.c.stock_actual < productos.c.stock_minimo, is_true(productos.c.activo))
        .order_by(
            ratio.asc(),
            (productos.c.stock_minimo - productos.c.stock_actual).desc(),
            sort_text(productos.c.nombre, dialect),
        )
        .limit(limit)
    )
    columns = ["producto", "proveedor", "stock_actual", "stock_minimo", "faltante"]
    return _ints(_frame(conn, statement, columns), columns[2:])


def activity_counts(conn: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Return the orders and stock movements in [start, end) as one row (KPI comparisons)."""
    statement = select(
        select(func.count())
        .where(*_window_conditions(pedidos.c.fecha_pedido, start, end))
        .scalar_subquery()
        .label("pedidos"),
        select(func.count())
        .where(*_window_conditions(movimientos_stock.c.fecha_movimiento, start, end))
        .scalar_subquery()
        .label("movimientos"),
    )
    return _ints(_frame(conn, statement, ["pedidos", "movimientos"]), ["pedidos", "movimientos"])


def provider_names(conn: Connection) -> pd.DataFrame:
    """Return codigo and nombre of every active provider, by name (filter drop-downs)."""
    dialect = _dialect(conn)
    statement = (
        select(proveedores.c.codigo, proveedores.c.nombre)
        .where(is_true(proveedores.c.activo))
        .order_by(sort_text(proveedores.c.nombre, dialect))
    )
    return _frame(conn, statement, ["codigo", "nombre"])


def _ints(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def day_range(start: date, end: date) -> list[date]:
    """Return every calendar day from start to end inclusive (for gap-free charts)."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
