"""A tiny hand-made database whose every aggregate was computed by hand (see test_queries.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from minimarket_dash.db import (
    categorias,
    detalle_pedidos,
    facturas_ocr,
    movimientos_stock,
    pedidos,
    productos,
    proveedores,
)

NOW = datetime(2026, 3, 15, 12, 0, 0)  # a Sunday: the last day of ISO week 2026-W11


def ts(text: str) -> datetime:
    """Parse 'YYYY-MM-DD HH:MM:SS'."""
    return datetime.fromisoformat(text)


PROVIDERS = [
    # id, codigo, nombre, activo
    (1, "P01", "Lácteos del Sur", 1),
    (2, "P02", "Bebidas Norte", 1),
    (3, "P03", "Almacén Central", 1),
    (4, "P04", "Viejo Proveedor", 0),
]

PRODUCTS = [
    # id, nombre, proveedor_id, stock_actual, stock_minimo
    (1, "Leche entera 1 L", 1, 2, 10),
    (2, "Yogur frutilla", 1, 0, 5),
    (3, "Agua mineral 2 L", 2, 50, 10),
    (4, "Gaseosa cola", 2, 4, 5),
]

ORDERS = [
    # id, proveedor_id, fecha_pedido
    (1, 1, "2026-03-15 10:00:00"),
    (2, 1, "2026-03-10 09:00:00"),
    (3, 2, "2026-03-08 11:59:59"),  # one second before "now - 7 days"
    (4, 2, "2026-02-20 08:00:00"),
    (5, 1, "2026-01-31 23:59:59"),
    (6, 4, "2026-03-01 10:00:00"),  # inactive provider
    (7, 2, "2026-03-14 15:00:00"),  # an order with no lines
    (8, 1, "2026-03-15 13:00:00"),  # after "now"
]

LINES = [
    # pedido_id, producto_nombre, cantidad
    (1, "Leche entera 1 L", 10),
    (1, "Yogur frutilla", 5),
    (2, "Leche entera 1 L", 4),
    (3, "Agua mineral 2 L", 12),
    (3, "Leche entera 1 L", 3),
    (4, "Agua mineral 2 L", 6),
    (5, "Yogur frutilla", 7),
    (6, "Agua mineral 2 L", 2),
    (8, "Leche entera 1 L", 1),
]

MOVEMENTS = [
    # producto_id, tipo, cantidad, proveedor_id, fecha
    (1, "entrada", 20, 1, "2026-03-15 09:00:00"),
    (1, "salida", 5, 1, "2026-03-15 11:00:00"),
    (2, "ajuste", -2, 1, "2026-03-14 10:00:00"),
    (3, "entrada", 30, 2, "2026-03-09 10:00:00"),
    (3, "salida", 10, 2, "2026-03-08 12:00:00"),  # exactly "now - 7 days": inside
    (1, "entrada", 7, 4, "2026-02-01 10:00:00"),
    (4, "ajuste", 3, 2, "2026-01-15 10:00:00"),
]

INVOICES = [(1, 1), (2, 1), (3, 0)]  # id, procesado


def insert_all(conn: Connection) -> None:
    """Insert every fixture row."""
    conn.execute(
        proveedores.insert(),
        [
            {
                "id": i,
                "codigo": c,
                "nombre": n,
                "activo": a,
                "fecha_registro": ts("2024-01-01 00:00:00"),
            }
            for i, c, n, a in PROVIDERS
        ],
    )
    conn.execute(categorias.insert(), [{"id": 1, "nombre": "Almacén", "activo": 1}])
    conn.execute(
        productos.insert(),
        [
            {
                "id": i,
                "nombre": n,
                "categoria_id": 1,
                "proveedor_id": p,
                "stock_actual": s,
                "stock_minimo": m,
                "activo": 1,
                "precio_compra": 100.0,
                "precio_venta": 150.0,
            }
            for i, n, p, s, m in PRODUCTS
        ],
    )
    conn.execute(
        pedidos.insert(),
        [
            {
                "id": i,
                "proveedor_id": p,
                "numero_pedido": f"PED-{i}",
                "fecha_pedido": ts(f),
                "estado": "recibido",
                "total": 0.0,
                "fecha_entrega_esperada": date(2026, 3, 20),
            }
            for i, p, f in ORDERS
        ],
    )
    conn.execute(
        detalle_pedidos.insert(),
        [
            {
                "id": k + 1,
                "pedido_id": o,
                "producto_nombre": n,
                "cantidad": q,
                "precio_unitario": 100.0,
                "subtotal": 100.0 * q,
            }
            for k, (o, n, q) in enumerate(LINES)
        ],
    )
    conn.execute(
        movimientos_stock.insert(),
        [
            {
                "id": k + 1,
                "producto_id": p,
                "producto_nombre": PRODUCTS[p - 1][1],
                "tipo_movimiento": t,
                "cantidad": q,
                "proveedor_id": v,
                "fecha_movimiento": ts(f),
                "usuario": "test",
            }
            for k, (p, t, q, v, f) in enumerate(MOVEMENTS)
        ],
    )
    conn.execute(
        facturas_ocr.insert(),
        [{"id": i, "numero_factura": f"F-{i}", "procesado": p, "total": 10.0} for i, p in INVOICES],
    )
