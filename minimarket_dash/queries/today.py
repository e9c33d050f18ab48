"""Today's operations: deliveries due, late orders, pending orders and invoices to process."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, Integer, cast, func, or_, select

from ..db import facturas_ocr, pedidos, proveedores
from ..sqlparts import day_value, sort_text
from ._common import frame, ints
from .spending import not_cancelled

CLOSED_STATES = ("entregado", "cancelado")
DELIVERY_FIELDS = ("numero_pedido", "proveedor", "fecha_entrega_esperada", "total")
LATE_FIELDS = (*DELIVERY_FIELDS, "dias_atraso")
_ORDER_COLUMNS = ["numero_pedido", "proveedor", "fecha_entrega_esperada", "total"]


def _expected_day(dialect: str):
    """The expected delivery day, comparable with a day parameter on both databases."""
    return day_value(pedidos.c.fecha_entrega_esperada, dialect)


def _day_param(day: date, dialect: str):
    return day.isoformat() if dialect == "sqlite" else day


def undelivered(conn: Connection, today: date, *, late: bool) -> pd.DataFrame:
    """Return orders not cancelled, without fecha_entrega_real, expected today (or before).

    Due today: by provider name, then numero_pedido. Late: most days late first, then the same.
    Late rows carry dias_atraso = today − fecha_entrega_esperada in days.
    """
    dialect = conn.dialect.name
    expected = _expected_day(dialect)
    bound = _day_param(today, dialect)
    condition = expected < bound if late else expected == bound
    statement = (
        select(
            pedidos.c.numero_pedido,
            proveedores.c.nombre.label("proveedor"),
            pedidos.c.fecha_entrega_esperada,
            pedidos.c.total,
        )
        .outerjoin(proveedores, proveedores.c.id == pedidos.c.proveedor_id)
        .where(not_cancelled(), pedidos.c.fecha_entrega_real.is_(None), condition)
        .order_by(
            expected, sort_text(proveedores.c.nombre, dialect).is_(None),
            sort_text(proveedores.c.nombre, dialect),
            sort_text(pedidos.c.numero_pedido, dialect), pedidos.c.id,
        )
    )
    # Plain tuples: pandas probes every SQLAlchemy Row for named fields (10× slower).
    rows = pd.DataFrame([tuple(row) for row in conn.execute(statement)], columns=_ORDER_COLUMNS)
    rows["total"] = pd.to_numeric(rows["total"], errors="coerce").astype("float64").round(2)
    days = [_as_day(value) for value in rows["fecha_entrega_esperada"]]
    rows["fecha_entrega_esperada"] = [day.isoformat() for day in days]
    if late:
        rows["dias_atraso"] = [(today - day).days for day in days]
    return rows


def _as_day(value) -> date:
    """A stored day may come back as a date or a timestamp; keep the calendar day."""
    return value.date() if isinstance(value, datetime) else value


def today_counts(conn: Connection) -> pd.DataFrame:
    """Return one row: pendientes (orders neither entregado nor cancelado) and invoices to do."""
    open_order = or_(pedidos.c.estado.is_(None), pedidos.c.estado.not_in(CLOSED_STATES))
    statement = select(
        select(func.count()).select_from(pedidos).where(open_order)
        .scalar_subquery().label("pendientes"),
        select(func.count()).select_from(facturas_ocr)
        .where(cast(facturas_ocr.c.procesado, Integer) == 0)
        .scalar_subquery().label("facturas_sin_procesar"),
    )
    columns = ["pendientes", "facturas_sin_procesar"]
    return ints(frame(conn, statement, columns), columns)
