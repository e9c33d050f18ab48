"""Helper summary tables for closed months, built by `optimize`, read beside the live tail.

Every table covers orders and movements strictly before the watermark `hasta` (the first day
of the month in which `optimize` last ran). Queries read the summary for whole covered periods
and the minimarket's own tables for the rest, so new data is always visible at once; only
rows changed retroactively in a closed month wait for the next `optimize`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    inspect,
    select,
)

from .db import LocalDate, detalle_pedidos, lift_statement_timeout, movimientos_stock, pedidos
from .sqlparts import day_value, month_bucket

helper_metadata = MetaData()

mm_estado = Table(
    "mm_estado",
    helper_metadata,
    Column("clave", String(40), primary_key=True),
    Column("valor", String(40), nullable=False),
)

mm_pedidos_dia = Table(
    "mm_pedidos_dia",
    helper_metadata,
    Column("dia", LocalDate, nullable=False),
    Column("proveedor_id", Integer),
    Column("pedidos", Integer, nullable=False),
    Column("pedidos_con_lineas", Integer, nullable=False),
    Column("unidades", BigInteger, nullable=False),
    # Covering indexes: a query reads its months or days from the index alone.
    Index("ix_mm_pedidos_dia", "dia", "proveedor_id", "pedidos", "pedidos_con_lineas", "unidades"),
)

mm_producto_mes = Table(
    "mm_producto_mes",
    helper_metadata,
    Column("mes", String(7), nullable=False),
    Column("producto_nombre", String(160), nullable=False),
    Column("proveedor_id", Integer),
    Column("unidades", BigInteger, nullable=False),
    Column("ordenes", Integer, nullable=False),
    Index("ix_mm_producto_mes", "mes", "producto_nombre", "proveedor_id", "unidades", "ordenes"),
)

mm_movimientos_mes = Table(
    "mm_movimientos_mes",
    helper_metadata,
    Column("mes", String(7), nullable=False),
    Column("proveedor_id", Integer),
    Column("tipo_movimiento", String(20), nullable=False),
    Column("movimientos", Integer, nullable=False),
    Column("unidades", BigInteger, nullable=False),
    Index(
        "ix_mm_movimientos_mes", "mes", "proveedor_id", "tipo_movimiento", "movimientos", "unidades"
    ),
)

SUMMARY_TABLES = (mm_pedidos_dia, mm_producto_mes, mm_movimientos_mes)
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(9999, 12, 31)


@dataclass(frozen=True)
class SummaryState:
    """The watermark: summaries hold everything before `hasta`, built at `actualizado`."""

    hasta: datetime
    actualizado: datetime


def read_state(conn: Connection) -> SummaryState | None:
    """Return the summaries' watermark, or None when `optimize` never built them."""
    if not inspect(conn).has_table("mm_estado"):
        return None
    values = dict(conn.execute(select(mm_estado.c.clave, mm_estado.c.valor)).all())
    if "hasta" not in values or "actualizado" not in values:
        return None
    return SummaryState(
        hasta=datetime.fromisoformat(values["hasta"]),
        actualizado=datetime.fromisoformat(values["actualizado"]),
    )


def first_of_month(moment: datetime) -> datetime:
    """Return 00:00 of the first day of moment's month."""
    return datetime(moment.year, moment.month, 1)


def _next_month(moment: datetime) -> datetime:
    return first_of_month(first_of_month(moment) + timedelta(days=32))


def split_months(
    start: datetime | None, end: datetime | None, hasta: datetime
) -> tuple[tuple[datetime, datetime] | None, list[tuple[datetime, datetime]]]:
    """Split [start, end) into whole summarised months and the raw ranges around them.

    Raw ranges keep explicit bounds (never open) so SQLite's planner, which cannot see bound
    values, still estimates them as narrow and reads them through the date index.
    """
    start, end = start or EARLIEST, end or LATEST
    covered_start = start if start == first_of_month(start) else _next_month(start)
    covered_end = min(first_of_month(end), hasta)
    return _split(start, end, covered_start, covered_end)


def split_days(
    start: datetime | None, end: datetime | None, hasta: datetime
) -> tuple[tuple[datetime, datetime] | None, list[tuple[datetime, datetime]]]:
    """Split [start, end) into whole summarised days and the raw ranges around them."""
    start, end = start or EARLIEST, end or LATEST
    midnight = datetime.combine(start.date(), datetime.min.time())
    covered_start = start if start == midnight else midnight + timedelta(days=1)
    covered_end = min(datetime.combine(end.date(), datetime.min.time()), hasta)
    return _split(start, end, covered_start, covered_end)


def _split(start, end, covered_start, covered_end):
    if covered_start >= covered_end:
        return None, [(start, end)]
    raw = [(start, covered_start)] if start < covered_start else []
    if covered_end < end:
        raw.append((covered_end, end))
    return (covered_start, covered_end), raw


def month_key(moment: datetime) -> str:
    """Return the `YYYY-MM` key of the summaries' month columns."""
    return moment.strftime("%Y-%m")


def build(engine: Engine, now: datetime, *, full: bool = False) -> tuple[datetime, datetime]:
    """Create or extend the summaries up to the first day of now's month; return the range."""
    helper_metadata.create_all(engine)
    hasta = first_of_month(now)
    with engine.begin() as conn:
        lift_statement_timeout(conn)
        state = read_state(conn)
        start = EARLIEST if full or state is None or state.hasta > hasta else state.hasta
        _clear(conn, start)
        dialect = conn.dialect.name
        if start < hasta:
            conn.execute(_orders_per_day(start, hasta, dialect))
            conn.execute(_products_per_month(start, hasta, dialect))
            conn.execute(_movements_per_month(start, hasta, dialect))
        _save_state(conn, hasta, now)
    return start, hasta


def _clear(conn: Connection, start: datetime) -> None:
    conn.execute(delete(mm_pedidos_dia).where(mm_pedidos_dia.c.dia >= start.date()))
    conn.execute(delete(mm_producto_mes).where(mm_producto_mes.c.mes >= month_key(start)))
    conn.execute(delete(mm_movimientos_mes).where(mm_movimientos_mes.c.mes >= month_key(start)))


def _save_state(conn: Connection, hasta: datetime, now: datetime) -> None:
    conn.execute(delete(mm_estado))
    conn.execute(
        insert(mm_estado),
        [
            {"clave": "hasta", "valor": hasta.isoformat(sep=" ")},
            {"clave": "actualizado", "valor": now.replace(microsecond=0).isoformat(sep=" ")},
        ],
    )


def _in_range(column, start: datetime, end: datetime):
    return (column >= start) & (column < end)


def _orders_per_day(start: datetime, end: datetime, dialect: str):
    day = day_value(pedidos.c.fecha_pedido, dialect)
    source = (
        select(
            day,
            pedidos.c.proveedor_id,
            func.count(func.distinct(pedidos.c.id)),
            func.count(func.distinct(detalle_pedidos.c.pedido_id)),
            func.coalesce(func.sum(detalle_pedidos.c.cantidad), 0),
        )
        .select_from(
            pedidos.outerjoin(detalle_pedidos, detalle_pedidos.c.pedido_id == pedidos.c.id)
        )
        .where(_in_range(pedidos.c.fecha_pedido, start, end))
        .group_by(day, pedidos.c.proveedor_id)
    )
    columns = ["dia", "proveedor_id", "pedidos", "pedidos_con_lineas", "unidades"]
    return insert(mm_pedidos_dia).from_select(columns, source)


def _products_per_month(start: datetime, end: datetime, dialect: str):
    mes = month_bucket(pedidos.c.fecha_pedido, dialect)
    source = (
        select(
            mes,
            detalle_pedidos.c.producto_nombre,
            pedidos.c.proveedor_id,
            func.sum(detalle_pedidos.c.cantidad),
            func.count(func.distinct(detalle_pedidos.c.pedido_id)),
        )
        .join(pedidos, pedidos.c.id == detalle_pedidos.c.pedido_id)
        .where(_in_range(pedidos.c.fecha_pedido, start, end))
        .group_by(mes, detalle_pedidos.c.producto_nombre, pedidos.c.proveedor_id)
    )
    columns = ["mes", "producto_nombre", "proveedor_id", "unidades", "ordenes"]
    return insert(mm_producto_mes).from_select(columns, source)


def _movements_per_month(start: datetime, end: datetime, dialect: str):
    mes = month_bucket(movimientos_stock.c.fecha_movimiento, dialect)
    source = (
        select(
            mes,
            movimientos_stock.c.proveedor_id,
            movimientos_stock.c.tipo_movimiento,
            func.count(),
            func.coalesce(func.sum(movimientos_stock.c.cantidad), 0),
        )
        .where(_in_range(movimientos_stock.c.fecha_movimiento, start, end))
        .group_by(mes, movimientos_stock.c.proveedor_id, movimientos_stock.c.tipo_movimiento)
    )
    columns = ["mes", "proveedor_id", "tipo_movimiento", "movimientos", "unidades"]
    return insert(mm_movimientos_mes).from_select(columns, source)
