"""Summary tables of closed periods, in the dashboard's own store, read beside the live tail.

The tables live in the schema `mm_dashboard`: on SQLite a file of the dashboard's own attached
to every connection under that name, on PostgreSQL a schema of that name in the same database
(minimarket_dash/store.py). The minimarket's own tables are only read.

Monthly tables cover everything before the watermark `hasta` (the first day of the month of the
last refresh); the daily table covers everything before `hasta_dia` (midnight of that day).
Queries read the summaries for whole covered periods and the minimarket's own tables for the
rest, so new data is always visible at once; rows changed retroactively in a covered period wait
for the next full rebuild (the refresher makes one a day, minimarket_dash/refresher.py).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
)

from .db import LocalDate, detalle_pedidos, lift_statement_timeout, movimientos_stock, pedidos
from .sqlparts import day_value, grouped
from .store import STORE_SCHEMA, ensure_schema

helper_metadata = MetaData(schema=STORE_SCHEMA)

mm_estado = Table(
    "mm_estado",
    helper_metadata,
    Column("clave", String(40), primary_key=True),
    Column("valor", String(80), nullable=False),
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

# «Facturas y precios»: spend and units per month, provider and product (orders not cancelled,
# priced lines with units), from which monthly weighted unit prices follow.
mm_precio_mes = Table(
    "mm_precio_mes",
    helper_metadata,
    Column("mes", String(7), nullable=False),
    Column("proveedor_id", Integer),
    Column("producto_nombre", String(160), nullable=False),
    Column("gasto", Float, nullable=False),
    Column("cantidad", BigInteger, nullable=False),
    Index("ix_mm_precio_mes", "mes", "proveedor_id", "producto_nombre", "gasto", "cantidad"),
)

# Money ordered per month and provider, of every order whatever its estado: /api/spending
# subtracts the cancelled ones live, so an order cancelled after a refresh still counts right.
mm_importe_mes = Table(
    "mm_importe_mes",
    helper_metadata,
    Column("mes", String(7), nullable=False),
    Column("proveedor_id", Integer),
    Column("pedidos", Integer, nullable=False),
    Column("importe", Float, nullable=False),
    Index("ix_mm_importe_mes", "mes", "proveedor_id", "pedidos", "importe"),
)

# Money of each order of the summarised months (Σ cantidad × precio_unitario of its lines):
# /api/spending subtracts the orders cancelled since from mm_importe_mes by joining these to
# the live cancelled orders, instead of summing those orders' lines again (10M as found: every
# line of eleven months, ~2 s).
mm_importe_pedido = Table(
    "mm_importe_pedido",
    helper_metadata,
    Column("pedido_id", Integer, primary_key=True, autoincrement=False),
    Column("dia", LocalDate, nullable=False),
    Column("importe", Float),
    Index("ix_mm_importe_pedido_dia", "dia"),
)

# Money ordered per day and provider, of every order whatever its estado (as mm_importe_mes):
# the days of a spending window that are not whole months (the month in course, the last 30
# days) read these instead of the lines.
mm_importe_dia = Table(
    "mm_importe_dia",
    helper_metadata,
    Column("dia", LocalDate, nullable=False),
    Column("proveedor_id", Integer),
    Column("pedidos", Integer, nullable=False),
    Column("importe", Float, nullable=False),
    Index("ix_mm_importe_dia", "dia", "proveedor_id", "pedidos", "importe"),
)

# Units and orders per day, product and provider: the days of a window that are not whole
# months (top products of the last 30 days, the month in course) read these, not the lines.
mm_producto_dia = Table(
    "mm_producto_dia",
    helper_metadata,
    Column("dia", LocalDate, nullable=False),
    Column("producto_nombre", String(160), nullable=False),
    Column("proveedor_id", Integer),
    Column("unidades", BigInteger, nullable=False),
    Column("ordenes", Integer, nullable=False),
    Index("ix_mm_producto_dia", "dia", "producto_nombre", "proveedor_id", "unidades", "ordenes"),
)

# Movements and units per day, provider and kind: the stock timeline's closed days read these,
# not the movements (13 -> 1 ms for 45 days of the 1M demo, bench/NOTES.md).
mm_movimientos_dia = Table(
    "mm_movimientos_dia",
    helper_metadata,
    Column("dia", LocalDate, nullable=False),
    Column("proveedor_id", Integer),
    Column("tipo_movimiento", String(20), nullable=False),
    Column("movimientos", Integer, nullable=False),
    Column("unidades", BigInteger, nullable=False),
    Index(
        "ix_mm_movimientos_dia", "dia", "tipo_movimiento", "proveedor_id", "movimientos", "unidades"
    ),
)

# The first and last id of each day's rows (pedidos by fecha_pedido, their lines by their
# order's day, movements by fecha_movimiento), today's so far included. A database as found
# has no index on those dates; these turn a live date range into a primary-key range
# (queries/_common.id_narrowing), so the live tail never scans a whole table.
mm_ids_dia = Table(
    "mm_ids_dia",
    helper_metadata,
    Column("tabla", String(20), nullable=False),
    Column("dia", LocalDate, nullable=False),
    Column("primero", BigInteger, nullable=False),
    Column("ultimo", BigInteger, nullable=False),
    Index("ix_mm_ids_dia", "tabla", "dia", "primero", "ultimo"),
)

# The orders still open when the store was built: not cancelled and without a delivery day,
# or whose estado is neither of CLOSED_ORDER_STATES. Today's lists and counts read these (and
# every order newer than the build) by primary key instead of scanning pedidos.
CLOSED_ORDER_STATES = ("entregado", "cancelado")
mm_pedidos_abiertos = Table(
    "mm_pedidos_abiertos",
    helper_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
)

# Facturas: each invoice as read (its items) and the order it matched, with that order's line
# for each of the invoice's products (queries/invoice_matches.py keeps them, computed again per
# provider from the first day anything changed). Provider, day and total are what a request
# compares with the invoice as it is now.
mm_factura_cruce = Table(
    "mm_factura_cruce",
    helper_metadata,
    Column("factura_id", BigInteger, primary_key=True, autoincrement=False),
    Column("proveedor_id", Integer),
    Column("fecha_factura", LocalDate),
    Column("total", Float),
    # JSON [[descripcion, clave, cantidad, precio, importe], ...]; null: ilegible.
    Column("items", Text),
    Column("pedido_id", BigInteger),
    Column("numero_pedido", Text),
    Column("lineas", Text),  # JSON {clave: [cantidad, precio]} of the order, the invoice's keys
    # What /api/invoices answers, ready (invoice_matches.render): the number; whether an
    # earlier invoice of the provider has it; the flags no tolerance or state changes; the
    # items billed above the order [[facturado, pedido, cantidad], ...]; the answer's JSON
    # from numero_factura to total, and its items.
    Column("numero_factura", Text),
    Column("origen", Text),  # invoice_matches.origin(): compared with the invoice as it is now
    Column("duplicada", Integer, nullable=False),
    Column("marcas", String(120), nullable=False),
    Column("exceso", Text),
    Column("cabeza", Text, nullable=False),
    Column("detalle", Text, nullable=False),
    Index("ix_mm_factura_cruce_fecha", "fecha_factura"),
    Index("ix_mm_factura_cruce_proveedor", "proveedor_id", "fecha_factura", "pedido_id"),
)

# What the matches were built from: the last invoice and order ids seen (`factura_max`,
# `pedido_max`) — anything newer is read live — and below, the orders that were neither
# delivered nor cancelled then, the ones that may still become an invoice's candidate.
mm_cruce_estado = Table(
    "mm_cruce_estado",
    helper_metadata,
    Column("clave", String(40), primary_key=True),
    Column("valor", BigInteger, nullable=False),
)
mm_cruce_abiertos = Table(
    "mm_cruce_abiertos",
    helper_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
)

SUMMARY_TABLES = (
    mm_pedidos_dia,
    mm_producto_mes,
    mm_movimientos_mes,
    mm_precio_mes,
    mm_importe_mes,
    mm_ids_dia,
    mm_producto_dia,
    mm_movimientos_dia,
    mm_importe_pedido,
    mm_importe_dia,
    mm_pedidos_abiertos,
    mm_factura_cruce,
    mm_cruce_estado,
    mm_cruce_abiertos,
)
EARLIEST = datetime(1900, 1, 1)
STATE_KEYS = ("hasta", "hasta_dia", "actualizado")
LATEST = datetime(9999, 12, 31)


@dataclass(frozen=True)
class SummaryState:
    """The watermarks: monthly summaries end at `hasta`, the daily one at `hasta_dia`.

    `completo` is when the last full rebuild finished (None: not recorded). `generacion` is
    a fresh token every build writes: whatever is derived from the store's rows alone (the id
    ranges, queries/_common.id_narrowing) may be remembered under it until the next build,
    whichever store or clock (tests freeze it) it came from."""

    hasta: datetime
    hasta_dia: datetime
    actualizado: datetime
    completo: datetime | None = None
    generacion: str | None = field(default=None, compare=False)


def _attached(conn: Connection) -> dict[str, str]:
    """SQLite: schema name -> file of every database this connection sees (one PRAGMA)."""
    return {name: path for _, name, path in conn.exec_driver_sql("PRAGMA database_list")}


def source_identity(conn: Connection, attached: dict[str, str] | None = None) -> str:
    """Return what identifies the database the summaries were built from.

    SQLite: the main file's device and inode, so a restored or renamed-in-place file (a new
    inode) is never read through the old file's summaries. PostgreSQL: the oids of the tables
    the summaries come from: a backup leaves the summaries out (`minimarket-dash backup`), and
    `pg_restore --clean` makes those tables anew. `attached`: _attached(conn), when the caller
    already has it.
    """
    if conn.dialect.name != "sqlite":
        oids = conn.exec_driver_sql(
            "SELECT to_regclass('pedidos')::oid, to_regclass('detalle_pedidos')::oid, "
            "to_regclass('movimientos_stock')::oid"
        ).one()
        return "pg:" + ":".join(str(oid) for oid in oids)
    path = (attached if attached is not None else _attached(conn)).get("main")
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return ""
    return f"{stat.st_dev}:{stat.st_ino}" if stat else ""


def store_reachable(conn: Connection, attached: dict[str, str] | None = None) -> bool:
    """True when this connection sees the store (attached on SQLite; the schema on PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        return STORE_SCHEMA in (attached if attached is not None else _attached(conn))
    return inspect(conn).has_schema(STORE_SCHEMA)


def read_state(conn: Connection) -> SummaryState | None:
    """Return the summaries' watermark, or None when the store is empty, unreachable, or was
    built from another database file."""
    # Read on every query of a request: one PRAGMA serves both SQLite checks.
    attached = _attached(conn) if conn.dialect.name == "sqlite" else None
    if not store_reachable(conn, attached):
        return None
    if not _has_state_table(conn):
        return None
    values = dict(conn.execute(select(mm_estado.c.clave, mm_estado.c.valor)).all())
    if not set(STATE_KEYS) <= values.keys():
        return None
    if values.get("origen", "") != source_identity(conn, attached):
        return None
    completo = values.get("completo")
    return SummaryState(
        **{key: datetime.fromisoformat(values[key]) for key in STATE_KEYS},
        completo=datetime.fromisoformat(completo) if completo else None,
        generacion=values.get("generacion"),
    )


def _has_state_table(conn: Connection) -> bool:
    """True when the store has its mm_estado table (read on every request: on SQLite one
    catalogue lookup instead of SQLAlchemy's reflection)."""
    if conn.dialect.name == "sqlite":
        return (
            conn.exec_driver_sql(
                f"SELECT 1 FROM {STORE_SCHEMA}.sqlite_master WHERE type = 'table'"
                " AND name = 'mm_estado'"
            ).first()
            is not None
        )
    return inspect(conn).has_table("mm_estado", STORE_SCHEMA)


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


def build(engine: Engine, now: datetime, *, full: bool = False) -> SummaryState:
    """Create or extend the summaries (months before now's month, days before today); return
    the watermarks the build started from (EARLIEST ones for a full rebuild).

    A summary table that did not exist yet (added by a newer version) or whose columns
    changed forces a full rebuild, so it never lacks the periods the others already cover; so
    does a store built from another database file (source_identity). Tables are created (and
    changed ones dropped) in the build's own transaction: readers see the new tables only
    together with their rows, and meanwhile the old store without them (queries check that a
    table exists before reading it). The engine must reach the store writable
    (minimarket_dash/store.py: store_engine).
    """
    ensure_schema(engine)
    target = SummaryState(
        hasta=first_of_month(now),
        hasta_dia=datetime.combine(now.date(), datetime.min.time()),
        actualizado=now.replace(microsecond=0),
    )
    with engine.begin() as conn:
        lift_statement_timeout(conn)
        lock_store(conn)
        full = _prepare_tables(conn) or full
        state = read_state(conn)
        if full or state is None or _later(state, target):
            state = SummaryState(EARLIEST, EARLIEST, EARLIEST)
            target = SummaryState(
                target.hasta, target.hasta_dia, target.actualizado, completo=target.actualizado
            )
        else:
            target = SummaryState(
                target.hasta, target.hasta_dia, target.actualizado, completo=state.completo
            )
        dialect = conn.dialect.name
        conn.execute(delete(mm_pedidos_dia).where(mm_pedidos_dia.c.dia >= state.hasta_dia.date()))
        conn.execute(_orders_per_day(state.hasta_dia, target.hasta_dia, dialect))
        conn.execute(delete(mm_producto_dia).where(mm_producto_dia.c.dia >= state.hasta_dia.date()))
        conn.execute(_products_per_day(state.hasta_dia, target.hasta_dia, dialect))
        conn.execute(
            delete(mm_movimientos_dia).where(mm_movimientos_dia.c.dia >= state.hasta_dia.date())
        )
        conn.execute(_movements_per_day(state.hasta_dia, target.hasta_dia, dialect))
        for table in (mm_importe_pedido, mm_importe_dia):
            conn.execute(delete(table).where(table.c.dia >= state.hasta_dia.date()))
        conn.execute(_money_per_order(state.hasta_dia, target.hasta_dia, dialect))
        conn.execute(_money_per_day(state.hasta_dia, target.hasta_dia, dialect))
        for table in (mm_producto_mes, mm_movimientos_mes, mm_precio_mes, mm_importe_mes):
            conn.execute(delete(table).where(table.c.mes >= month_key(state.hasta)))
        conn.execute(_products_per_month(state.hasta, target.hasta, dialect))
        conn.execute(_prices_per_month(state.hasta, target.hasta, dialect))
        conn.execute(_movements_per_month(state.hasta, target.hasta, dialect))
        conn.execute(_money_per_month(state.hasta, target.hasta, dialect))
        # Id ranges: every day from the old watermark on, today's partial day included.
        conn.execute(delete(mm_ids_dia).where(mm_ids_dia.c.dia >= state.hasta_dia.date()))
        for statement in _ids_per_day(state.hasta_dia, dialect):
            conn.execute(statement)
        # After the id ranges: an order written in between is then open here or newer than
        # their last id (PostgreSQL reads each statement's own snapshot).
        conn.execute(delete(mm_pedidos_abiertos))
        conn.execute(insert(mm_pedidos_abiertos).from_select(["id"], _open_order_ids()))
        from .queries.invoices import keep_invoice_matches  # queries import this module

        keep_invoice_matches(conn, full=state.hasta == EARLIEST)
        _save_state(conn, target, source_identity(conn))
    return state


def _prepare_tables(conn: Connection) -> bool:
    """Drop the summary tables whose columns differ from this version's, create the missing
    ones; return True when any summary table was (re)created: a full rebuild is due."""
    inspector = inspect(conn)
    existing = set(inspector.get_table_names(STORE_SCHEMA))
    changed = [
        table
        for table in SUMMARY_TABLES
        if table.name in existing
        and {column["name"] for column in inspector.get_columns(table.name, STORE_SCHEMA)}
        != set(table.c.keys())
    ]
    for table in changed:
        table.drop(conn)
    helper_metadata.create_all(conn)
    return bool(changed) or any(table.name not in existing for table in SUMMARY_TABLES)


# Any fixed number: every dashboard process builds under this transaction-level lock.
_ADVISORY_LOCK_KEY = 0x6D6D_6462


def lock_store(conn: Connection) -> None:
    """Serialise builds of one PostgreSQL store across hosts (SQLite's writer lock does it
    for a file); released when the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK_KEY})")


def _later(state: SummaryState, target: SummaryState) -> bool:
    """True when the stored watermarks are ahead of now (a clock moved back): rebuild."""
    return state.hasta > target.hasta or state.hasta_dia > target.hasta_dia


def _save_state(conn: Connection, state: SummaryState, origin: str) -> None:
    conn.execute(delete(mm_estado))
    rows = [{"clave": key, "valor": getattr(state, key).isoformat(sep=" ")} for key in STATE_KEYS]
    if state.completo is not None:
        rows.append({"clave": "completo", "valor": state.completo.isoformat(sep=" ")})
    rows.append({"clave": "origen", "valor": origin})
    rows.append({"clave": "generacion", "valor": uuid.uuid4().hex})
    conn.execute(insert(mm_estado), rows)


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
    month, label = grouped(pedidos.c.fecha_pedido, "month", dialect)
    return _products_per(month, label, mm_producto_mes, "mes", start, end)


def _products_per_day(start: datetime, end: datetime, dialect: str):
    day = day_value(pedidos.c.fecha_pedido, dialect)
    return _products_per(day, day, mm_producto_dia, "dia", start, end)


def _products_per(key, label, table, period: str, start: datetime, end: datetime):
    """Units and orders per period (grouped by `key`, written as `label`), product name and
    provider, of the orders placed in [start, end), into `table`."""
    source = (
        select(
            label,
            detalle_pedidos.c.producto_nombre,
            pedidos.c.proveedor_id,
            func.sum(detalle_pedidos.c.cantidad),
            func.count(func.distinct(detalle_pedidos.c.pedido_id)),
        )
        .join(pedidos, pedidos.c.id == detalle_pedidos.c.pedido_id)
        .where(_in_range(pedidos.c.fecha_pedido, start, end))
        .group_by(key, detalle_pedidos.c.producto_nombre, pedidos.c.proveedor_id)
    )
    columns = [period, "producto_nombre", "proveedor_id", "unidades", "ordenes"]
    return insert(table).from_select(columns, source)


def _movements_per_month(start: datetime, end: datetime, dialect: str):
    month, label = grouped(movimientos_stock.c.fecha_movimiento, "month", dialect)
    return _movements_per(month, label, mm_movimientos_mes, "mes", start, end)


def _movements_per_day(start: datetime, end: datetime, dialect: str):
    day = day_value(movimientos_stock.c.fecha_movimiento, dialect)
    return _movements_per(day, day, mm_movimientos_dia, "dia", start, end)


def _movements_per(key, label, table, period: str, start: datetime, end: datetime):
    """Movements and units per period (grouped by `key`, written as `label`), provider and
    kind, of the movements in [start, end), into `table`."""
    moves = movimientos_stock.c
    source = (
        select(
            label,
            moves.proveedor_id,
            moves.tipo_movimiento,
            func.count(),
            func.coalesce(func.sum(moves.cantidad), 0),
        )
        .where(_in_range(moves.fecha_movimiento, start, end))
        .group_by(key, moves.proveedor_id, moves.tipo_movimiento)
    )
    columns = [period, "proveedor_id", "tipo_movimiento", "movimientos", "unidades"]
    return insert(table).from_select(columns, source)


def price_months(start: datetime, end: datetime, dialect: str):
    """Select spend and units per month, provider and product in [start, end): priced lines
    with units of orders not cancelled (the live part of price changes reads the same)."""
    month, label = grouped(pedidos.c.fecha_pedido, "month", dialect)
    lines = detalle_pedidos.c
    return (
        select(
            label.label("mes"),
            pedidos.c.proveedor_id,
            lines.producto_nombre,
            func.sum(lines.precio_unitario * lines.cantidad).label("gasto"),
            func.sum(lines.cantidad).label("cantidad"),
        )
        .join(pedidos, pedidos.c.id == lines.pedido_id)
        .where(
            _in_range(pedidos.c.fecha_pedido, start, end),
            or_(pedidos.c.estado.is_(None), pedidos.c.estado != "cancelado"),
            lines.precio_unitario.is_not(None),
            lines.cantidad > 0,
        )
        .group_by(month, pedidos.c.proveedor_id, lines.producto_nombre)
    )


def _prices_per_month(start: datetime, end: datetime, dialect: str):
    columns = ["mes", "proveedor_id", "producto_nombre", "gasto", "cantidad"]
    return insert(mm_precio_mes).from_select(columns, price_months(start, end, dialect))


def _money_per_month(start: datetime, end: datetime, dialect: str):
    """Orders and Σ cantidad × precio_unitario per month and provider, any estado.

    The lines are summed per order first and joined once: a subquery per order would scan
    every line per order on a database without an index on detalle_pedidos.pedido_id (the
    store is built from the minimarket's database as found)."""
    month, label = grouped(pedidos.c.fecha_pedido, "month", dialect)
    per_order = (
        select(
            detalle_pedidos.c.pedido_id,
            func.sum(detalle_pedidos.c.cantidad * detalle_pedidos.c.precio_unitario).label(
                "importe"
            ),
        )
        .group_by(detalle_pedidos.c.pedido_id)
        .subquery()
    )
    source = (
        select(
            label,
            pedidos.c.proveedor_id,
            func.count(),
            func.coalesce(func.sum(per_order.c.importe), 0.0),
        )
        .select_from(pedidos.outerjoin(per_order, per_order.c.pedido_id == pedidos.c.id))
        .where(_in_range(pedidos.c.fecha_pedido, start, end))
        .group_by(month, pedidos.c.proveedor_id)
    )
    columns = ["mes", "proveedor_id", "pedidos", "importe"]
    return insert(mm_importe_mes).from_select(columns, source)


def _money_per_order(start: datetime, end: datetime, dialect: str):
    """Σ cantidad × precio_unitario of each order placed in [start, end) that has lines.

    Driven by the lines, their orders joined by primary key (no index on pedido_id needed)."""
    day = day_value(pedidos.c.fecha_pedido, dialect)
    lines = detalle_pedidos.c
    source = (
        select(lines.pedido_id, day, func.sum(lines.cantidad * lines.precio_unitario))
        .join(pedidos, pedidos.c.id == lines.pedido_id)
        .where(_in_range(pedidos.c.fecha_pedido, start, end))
        .group_by(lines.pedido_id, day)
    )
    return insert(mm_importe_pedido).from_select(["pedido_id", "dia", "importe"], source)


def _money_per_day(start: datetime, end: datetime, dialect: str):
    """Orders and money per day and provider in [start, end), any estado, from the per-order
    sums just stored (_money_per_order): the lines are not read a second time."""
    day = day_value(pedidos.c.fecha_pedido, dialect)
    per_order = mm_importe_pedido.c
    source = (
        select(
            day,
            pedidos.c.proveedor_id,
            func.count(),
            func.coalesce(func.sum(per_order.importe), 0.0),
        )
        .select_from(pedidos.outerjoin(mm_importe_pedido, per_order.pedido_id == pedidos.c.id))
        .where(_in_range(pedidos.c.fecha_pedido, start, end))
        .group_by(day, pedidos.c.proveedor_id)
    )
    columns = ["dia", "proveedor_id", "pedidos", "importe"]
    return insert(mm_importe_dia).from_select(columns, source)


def _open_order_ids():
    """SELECT the ids of the orders open now: not cancelled and without fecha_entrega_real,
    or with an estado missing or neither entregado nor cancelado (the whole table: orders
    close in any order)."""
    estado = pedidos.c.estado
    return select(pedidos.c.id).where(
        or_(
            and_(pedidos.c.fecha_entrega_real.is_(None), estado != CLOSED_ORDER_STATES[1]),
            estado.is_(None),
            estado.not_in(CLOSED_ORDER_STATES),
        )
    )


def _ids_per_day(start: datetime, dialect: str) -> list:
    """INSERTs of the first and last id per day from start on, for the three big tables."""
    order_day = day_value(pedidos.c.fecha_pedido, dialect)
    move_day = day_value(movimientos_stock.c.fecha_movimiento, dialect)
    lines = detalle_pedidos.c
    sources = (
        ("pedidos", order_day, pedidos.c.id, pedidos, pedidos.c.fecha_pedido),
        (
            "detalle_pedidos",
            order_day,
            lines.id,
            detalle_pedidos.join(pedidos, pedidos.c.id == lines.pedido_id),
            pedidos.c.fecha_pedido,
        ),
        (
            "movimientos_stock",
            move_day,
            movimientos_stock.c.id,
            movimientos_stock,
            movimientos_stock.c.fecha_movimiento,
        ),
    )
    columns = ["tabla", "dia", "primero", "ultimo"]
    return [
        insert(mm_ids_dia).from_select(
            columns,
            select(literal(name), day, func.min(key), func.max(key))
            .select_from(source)
            .where(date_column >= start, day.is_not(None))
            .group_by(day),
        )
        for name, day, key, source, date_column in sources
    ]
