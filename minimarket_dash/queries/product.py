"""One product's view (pages/productos.py): its card, last orders, monthly prices and movements.

Order lines name their product by text (detalle_pedidos.producto_nombre), so a product's orders
and prices are the lines carrying its exact name, as «Qué pedir hoy» matches them. One query
per panel, aggregated in the database.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, func, select

from ..db import categorias, pedidos, productos, proveedores
from ..db import detalle_pedidos as lines
from ..db import movimientos_stock as moves
from ..filters import INT_RANGES
from ..sqlparts import grouped, sort_text
from ._common import frame, ints, month_window_start, window
from .catalog import _text_or_none
from .spending import not_cancelled

CONSUMPTION_DAYS = INT_RANGES["dias"][0]  # the same default window as «Qué pedir hoy»
HISTORY_MONTHS = 12
ORDERS_SHOWN = 10
DETAIL_FIELDS = (
    "producto_id",
    "nombre",
    "codigo_barras",
    "categoria",
    "proveedor",
    "activo",
    "stock_actual",
    "stock_minimo",
    "precio_compra",
    "precio_venta",
    "vendido",
    "consumo_diario",
)
ORDER_FIELDS = ("numero_pedido", "fecha_pedido", "proveedor", "estado", "cantidad", "precio")
PRICE_FIELDS = ("mes", "precio", "cantidad")
MOVEMENT_FIELDS = ("mes", "tipo", "unidades", "movimientos")


def _name_of(product_id: int):
    """The product's exact name as a scalar subquery (the key of its order lines)."""
    return select(productos.c.nombre).where(productos.c.id == product_id).scalar_subquery()


def product_detail(conn: Connection, product_id: int, now: datetime) -> pd.DataFrame:
    """Return the product's row (no rows when the id does not exist).

    `vendido` is the units out (`salida`) in the last CONSUMPTION_DAYS full days (today
    excluded) and `consumo_diario` that divided by the days, 2 decimals, as «Qué pedir hoy».
    """
    end = datetime.combine(now.date(), time.min)
    sold = (
        select(func.coalesce(func.sum(moves.c.cantidad), 0))
        .where(
            moves.c.producto_id == product_id,
            moves.c.tipo_movimiento == "salida",
            *window(moves.c.fecha_movimiento, end - timedelta(days=CONSUMPTION_DAYS), end),
        )
        .scalar_subquery()
    )
    p = productos.c
    statement = (
        select(
            p.id,
            p.nombre,
            p.codigo_barras,
            categorias.c.nombre,
            proveedores.c.nombre,
            p.activo,
            p.stock_actual,
            p.stock_minimo,
            p.precio_compra,
            p.precio_venta,
            sold,
        )
        .outerjoin(proveedores, proveedores.c.id == p.proveedor_id)
        .outerjoin(categorias, categorias.c.id == p.categoria_id)
        .where(p.id == product_id)
    )
    data = frame(conn, statement, list(DETAIL_FIELDS[:-1]))
    data["codigo_barras"] = [_text_or_none(code) for code in data["codigo_barras"]]
    data = ints(data, ["producto_id", "activo", "stock_actual", "stock_minimo", "vendido"])
    for column in ("precio_compra", "precio_venta"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype("float64").round(2)
    data["consumo_diario"] = (data["vendido"] / CONSUMPTION_DAYS).round(2)
    return data


def product_orders(conn: Connection, product_id: int, limit: int = ORDERS_SHOWN) -> pd.DataFrame:
    """Return the last `limit` orders with the product (any estado), newest first.

    `cantidad` is the units of the product in the order and `precio` their weighted unit price.
    """
    dialect = conn.dialect.name
    units = func.sum(lines.c.cantidad)
    price = func.sum(lines.c.cantidad * lines.c.precio_unitario) / func.nullif(units, 0)
    statement = (
        select(
            pedidos.c.numero_pedido,
            pedidos.c.fecha_pedido,
            proveedores.c.nombre,
            pedidos.c.estado,
            units,
            price,
        )
        .join(lines, lines.c.pedido_id == pedidos.c.id)
        .outerjoin(proveedores, proveedores.c.id == pedidos.c.proveedor_id)
        .where(lines.c.producto_nombre == _name_of(product_id))
        .group_by(
            pedidos.c.id,
            pedidos.c.numero_pedido,
            pedidos.c.fecha_pedido,
            proveedores.c.nombre,
            pedidos.c.estado,
        )
        .order_by(
            pedidos.c.fecha_pedido.desc(),
            pedidos.c.id.desc(),
            sort_text(pedidos.c.numero_pedido, dialect),
        )
        .limit(limit)
    )
    data = ints(frame(conn, statement, list(ORDER_FIELDS)), ["cantidad"])
    data["precio"] = pd.to_numeric(data["precio"], errors="coerce").astype("float64").round(2)
    return data


def product_prices(conn: Connection, product_id: int, now: datetime) -> pd.DataFrame:
    """Return the weighted unit price per month of the last HISTORY_MONTHS calendar months.

    precio = Σ(cantidad × precio_unitario) / Σ cantidad over the product's lines of orders not
    `cancelado`; months without lines (or only zero quantities) are left out.
    """
    key, label = grouped(pedidos.c.fecha_pedido, "month", conn.dialect.name)
    units = func.sum(lines.c.cantidad)
    spend = func.sum(lines.c.cantidad * lines.c.precio_unitario)
    statement = (
        select(label, spend, units)
        .join(lines, lines.c.pedido_id == pedidos.c.id)
        .where(
            lines.c.producto_nombre == _name_of(product_id),
            not_cancelled(),
            lines.c.precio_unitario.is_not(None),
            *window(
                pedidos.c.fecha_pedido,
                month_window_start(now, HISTORY_MONTHS),
                now + timedelta(seconds=1),
            ),
        )
        .group_by(key)
        .having(units > 0)
        .order_by(key)
    )
    data = frame(conn, statement, ["mes", "gasto", "cantidad"])
    data["precio"] = (data["gasto"].astype("float64") / data["cantidad"].astype("float64")).round(2)
    return ints(data[list(PRICE_FIELDS)], ["cantidad"])


def product_movements(conn: Connection, product_id: int, now: datetime) -> pd.DataFrame:
    """Return units and count of the product's stock movements per month and kind (12 months)."""
    key, label = grouped(moves.c.fecha_movimiento, "month", conn.dialect.name)
    kind = func.lower(moves.c.tipo_movimiento)
    statement = (
        select(label, kind, func.sum(moves.c.cantidad), func.count())
        .where(
            moves.c.producto_id == product_id,
            *window(
                moves.c.fecha_movimiento,
                month_window_start(now, HISTORY_MONTHS),
                now + timedelta(seconds=1),
            ),
        )
        .group_by(key, kind)
        .order_by(key, kind)
    )
    return ints(frame(conn, statement, list(MOVEMENT_FIELDS)), ["unidades", "movimientos"])
