"""`minimarket-dash optimize`: the indexes (and helper summary tables) that make queries fast.

Serving never writes; only this explicit command adds objects, all named `ix_mm_*` / `mm_*`,
and never touches the minimarket's own tables' columns or rows.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, inspect

from . import summaries
from .db import lift_statement_timeout

log = logging.getLogger("minimarket_dash.optimize")

# (name, table, columns). Kept as plain specs: Index objects would attach to the schema's
# tables and be created by every create_all, hiding what `optimize` adds.
INDEXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ix_mm_pedidos_fecha", "pedidos", ("fecha_pedido", "proveedor_id")),
    ("ix_mm_pedidos_proveedor_fecha", "pedidos", ("proveedor_id", "fecha_pedido")),
    # Covering: top products and units per order read only the index, never the table.
    ("ix_mm_detalle_pedido", "detalle_pedidos", ("pedido_id", "producto_nombre", "cantidad")),
    (
        "ix_mm_movimientos_fecha",
        "movimientos_stock",
        ("fecha_movimiento", "tipo_movimiento", "cantidad", "proveedor_id"),
    ),
    (
        "ix_mm_movimientos_proveedor",
        "movimientos_stock",
        ("proveedor_id", "tipo_movimiento", "cantidad"),
    ),
    # «Qué pedir hoy» (queries/reorder.py): order dates, deliveries and open orders from the
    # index alone; the pack of a product from its own lines; units sold per product.
    # Provider first, like ix_mm_pedidos_proveedor_fecha: SQLite's planner prefers a skip-scan
    # over the few providers, so this one must cover the delivery columns too.
    (
        "ix_mm_pedidos_prov_entregas",
        "pedidos",
        ("proveedor_id", "fecha_pedido", "fecha_entrega_real", "estado"),
    ),
    ("ix_mm_detalle_nombre", "detalle_pedidos", ("producto_nombre", "pedido_id", "cantidad")),
    (
        "ix_mm_movimientos_salidas",
        "movimientos_stock",
        ("tipo_movimiento", "fecha_movimiento", "producto_id", "cantidad"),
    ),
    # «Facturas y precios»: invoices by date and number, delivered orders by delivery day,
    # and order lines with their unit price read from the index alone.
    ("ix_mm_facturas_fecha", "facturas_ocr", ("fecha_factura",)),
    ("ix_mm_facturas_numero", "facturas_ocr", ("numero_factura", "fecha_factura")),
    (
        "ix_mm_pedidos_entrega",
        "pedidos",
        ("estado", "fecha_entrega_real", "proveedor_id", "numero_pedido"),
    ),
    (
        "ix_mm_detalle_precio",
        "detalle_pedidos",
        ("pedido_id", "producto_nombre", "cantidad", "precio_unitario"),
    ),
    # /api/spending: money of an order's lines from the index alone; cancelled orders by date.
    ("ix_mm_detalle_importe", "detalle_pedidos", ("pedido_id", "cantidad", "precio_unitario")),
    ("ix_mm_pedidos_estado", "pedidos", ("estado", "fecha_pedido", "proveedor_id")),
    # /api/today: orders still without delivery, read from the index alone.
    (
        "ix_mm_pedidos_sin_entrega",
        "pedidos",
        (
            "fecha_entrega_real",
            "fecha_entrega_esperada",
            "estado",
            "proveedor_id",
            "numero_pedido",
            "total",
        ),
    ),
)


TABLES_TO_VACUUM = (
    "pedidos",
    "detalle_pedidos",
    "movimientos_stock",
    "productos",
    "proveedores",
    "facturas_ocr",
    *(table.fullname for table in summaries.SUMMARY_TABLES),
)


@dataclass
class OptimizeReport:
    """What one optimize run added."""

    indexes_created: list[str]
    previous: summaries.SummaryState | None  # the watermarks the build started from
    current: summaries.SummaryState | None
    seconds: float


def missing_indexes(engine: Engine) -> list[str]:
    """Return the names of the project's indexes that the database lacks."""
    inspector = inspect(engine)
    present: set[str] = set()
    for table in {table for _, table, _ in INDEXES}:
        present.update(item["name"] for item in inspector.get_indexes(table))
    return [name for name, _, _ in INDEXES if name not in present]


def create_indexes(engine: Engine) -> list[str]:
    """Create the missing indexes; return the names created."""
    missing = set(missing_indexes(engine))
    created = []
    with engine.begin() as conn:
        lift_statement_timeout(conn)
        for name, table, columns in INDEXES:
            if name in missing:
                conn.exec_driver_sql(f"CREATE INDEX {name} ON {table} ({', '.join(columns)})")
                created.append(name)
    return created


def optimize(engine: Engine, now: datetime, *, full: bool = False, with_summaries: bool = True):
    """Add the missing indexes and build or extend the summaries; return what was done."""
    started = time.perf_counter()
    created = create_indexes(engine)
    previous = summaries.build(engine, now, full=full) if with_summaries else None
    refresh_statistics(engine)
    with engine.connect() as conn:
        current = summaries.read_state(conn)
    return OptimizeReport(created, previous, current, time.perf_counter() - started)


def refresh_statistics(engine: Engine) -> None:
    """ANALYZE; on PostgreSQL also VACUUM, so index-only scans skip the table (visibility map)."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        for table in TABLES_TO_VACUUM:
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")


def advice(engine: Engine) -> list[str]:
    """Return what `optimize` would add to this database (empty when nothing).

    Only indexes: the summaries live in the dashboard's own store, which the refresher keeps
    (minimarket_dash/refresher.py) without any right on the minimarket's database."""
    missing = missing_indexes(engine)
    return [f"índices {', '.join(missing)}"] if missing else []
