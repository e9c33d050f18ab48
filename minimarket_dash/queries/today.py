"""Today's operations: deliveries due, late orders, pending orders and invoices to process."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, Integer, String, cast, func, or_, select, type_coerce

from ..db import facturas_ocr, pedidos, proveedores
from ..filters import Filters
from ..metric import DAY, INT, NULLABLE_MONEY, NULLABLE_TEXT, Field, Metric, names
from ..sqlparts import day_value, sort_text
from ..summaries import CLOSED_ORDER_STATES, SummaryState, mm_ids_dia, mm_pedidos_abiertos
from ._common import frame, has_index, has_table, ints, summary_state
from .spending import not_cancelled

STATE_INDEX = "ix_mm_pedidos_estado"  # optimize.INDEXES
UNDELIVERED_INDEX = "ix_mm_pedidos_sin_entrega"  # optimize.INDEXES
DUE = (
    Field("numero_pedido", NULLABLE_TEXT, "Número del pedido."),
    Field("proveedor", NULLABLE_TEXT, "Nombre del proveedor."),
    Field("fecha_entrega_esperada", DAY, "Día de entrega esperado."),
    Field("total", NULLABLE_MONEY, "Total del pedido en pesos (2 decimales)."),
)
LATE = (
    *DUE,
    Field(
        "dias_atraso",
        {"type": "integer", "minimum": 1},
        "Días desde la entrega esperada hasta hoy.",
    ),
)
DELIVERY_FIELDS = names(DUE)
LATE_FIELDS = names(LATE)
_ORDER_COLUMNS = list(DELIVERY_FIELDS)


def _expected_day(dialect: str):
    """The expected delivery day, comparable with a day parameter on both databases."""
    return day_value(pedidos.c.fecha_entrega_esperada, dialect)


def _day_param(day: date, dialect: str):
    return day.isoformat() if dialect == "sqlite" else day


def open_candidates(conn: Connection, state: SummaryState | None) -> list:
    """Return a condition keeping the orders that may be open: those the store found open at
    its last build (summaries.mm_pedidos_abiertos) and every order newer than that build.

    Without it each of today's queries scans pedidos (a database as found has no index for
    them). An order closed at the build and opened again later (a delivery undone) shows
    from the next refresh on. No store, or one built before this table: no condition.
    """
    if state is None or not has_table(conn, mm_pedidos_abiertos, state):
        return []
    newest = (
        select(func.coalesce(func.max(mm_ids_dia.c.ultimo), 0))
        .where(mm_ids_dia.c.tabla == pedidos.name)
        .scalar_subquery()
    )
    return [or_(pedidos.c.id.in_(select(mm_pedidos_abiertos.c.id)), pedidos.c.id > newest)]


def undelivered(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return orders not cancelled, without fecha_entrega_real, expected today or before.

    Most days late first (dias_atraso = today − fecha_entrega_esperada; 0 = due today), then
    provider name (none last) and numero_pedido. /api/today splits due today from late.
    With optimize's index the index alone answers; without it the store's open orders do.
    """
    today = now.date()
    dialect = conn.dialect.name
    candidates = (
        []
        if not use_summaries or has_index(conn, UNDELIVERED_INDEX)
        else (open_candidates(conn, summary_state(conn, True)))
    )
    expected = _expected_day(dialect)
    condition = expected <= _day_param(today, dialect)
    statement = (
        select(
            pedidos.c.numero_pedido,
            proveedores.c.nombre.label("proveedor"),
            # SQLite's text as it is: turned into a day column-wise below, not row by row.
            type_coerce(pedidos.c.fecha_entrega_esperada, String)
            if dialect == "sqlite"
            else pedidos.c.fecha_entrega_esperada,
            pedidos.c.total,
        )
        .outerjoin(proveedores, proveedores.c.id == pedidos.c.proveedor_id)
        .where(not_cancelled(), pedidos.c.fecha_entrega_real.is_(None), condition, *candidates)
        .order_by(
            expected,
            sort_text(proveedores.c.nombre, dialect).is_(None),
            sort_text(proveedores.c.nombre, dialect),
            sort_text(pedidos.c.numero_pedido, dialect),
            pedidos.c.id,
        )
    )
    rows = frame(conn, statement, _ORDER_COLUMNS)
    rows["total"] = pd.to_numeric(rows["total"], errors="coerce").astype("float64").round(2)
    # Column-wise (29,000 late orders on the 10M-line demo): a stored day comes back as a
    # date, a timestamp or `YYYY-MM-DD` text; its first ten characters are the calendar day.
    days = pd.to_datetime(rows["fecha_entrega_esperada"].map(str).str[:10], format="%Y-%m-%d")
    rows["fecha_entrega_esperada"] = days.dt.strftime("%Y-%m-%d")
    rows["dias_atraso"] = (pd.Timestamp(today) - days).dt.days.astype("int64")
    return rows


def _count(*conditions):
    return select(func.count()).select_from(pedidos).where(*conditions).scalar_subquery()


def _open_orders(indexed: bool, candidates: list):
    """Orders whose estado is neither entregado nor cancelado (or is missing).

    With `optimize`'s estado index (ix_mm_pedidos_estado): the ranges around the two closed
    states, each a seek (a NOT IN would read the whole index, mostly delivered orders).
    Without it one pass counts them all, over the store's open orders (`candidates`, see
    open_candidates) when there are some, else over pedidos (10M lines as found: 400 -> 150
    ms).
    """
    estado = pedidos.c.estado
    if not indexed:
        return _count(
            or_(estado.is_(None), estado.not_in(sorted(CLOSED_ORDER_STATES))), *candidates
        )
    low, high = sorted(CLOSED_ORDER_STATES)  # "cancelado" < "entregado" in every collation
    return (
        _count(estado.is_(None))
        + _count(estado < low)
        + _count(estado > low, estado < high)
        + _count(estado > high)
    )


def today_counts(
    conn: Connection, filters: Filters, now: datetime, *, use_summaries: bool = True
) -> pd.DataFrame:
    """Return one row: pendientes (orders neither entregado nor cancelado) and invoices to do."""
    indexed = has_index(conn, STATE_INDEX)
    candidates = (
        [] if indexed or not use_summaries else (open_candidates(conn, summary_state(conn, True)))
    )
    statement = select(
        _open_orders(indexed, candidates).label("pendientes"),
        select(func.count())
        .select_from(facturas_ocr)
        .where(cast(facturas_ocr.c.procesado, Integer) == 0)
        .scalar_subquery()
        .label("facturas_sin_procesar"),
    )
    columns = ["pendientes", "facturas_sin_procesar"]
    return ints(frame(conn, statement, columns), columns)


# ---- Declarations (docs/architecture.md): /api/today's rows are LATE/DUE fields of these.
UNDELIVERED = Metric("undelivered", undelivered, LATE)
TODAY_COUNTS = Metric(
    "today_counts",
    today_counts,
    (
        Field("pendientes", INT, "Pedidos ni entregados ni cancelados."),
        Field("facturas_sin_procesar", INT, "Facturas con procesado = 0."),
    ),
)
