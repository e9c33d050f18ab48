"""Orders per state (pendiente, enviado, entregado, cancelado...) for the Análisis filter."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, func, select

from ..db import pedidos
from ..filters import Filters
from ..metric import INT, TEXT, Field, Metric
from ._common import frame, ints, provider_condition, provider_ids, window

NO_STATE = "sin estado"


def order_status(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return orders per estado with fecha_pedido in the filter's days (every date without them).

    Every order counts once, cancelled ones included (they are their own row); a missing
    estado is reported as «sin estado». Most orders first, ties by estado.
    """
    start, end = filters.date_bounds()
    ids = provider_ids(conn, filters.proveedor)
    estado = func.coalesce(pedidos.c.estado, NO_STATE).label("estado")
    count = func.count().label("pedidos")
    statement = (
        select(estado, count)
        .where(
            *window(pedidos.c.fecha_pedido, start, end),
            *provider_condition(pedidos.c.proveedor_id, ids),
        )
        .group_by(estado)
        .order_by(count.desc(), estado)
    )
    return ints(frame(conn, statement, ["estado", "pedidos"]), ["pedidos"])


ORDER_STATUS = Metric(
    "order_status",
    order_status,
    (
        Field("estado", TEXT, "Estado del pedido («sin estado» si falta)."),
        Field("pedidos", INT, "Pedidos con ese estado en el período (cancelados incluidos)."),
    ),
)
