"""A hand-made database for the manager's endpoints: states, prices, late orders, barcodes.

"Now" is tests/fixture_data.py's NOW (2026-03-15 12:00). The comments give the hand-computed
answers that tests/api/test_manager.py asserts besides its direct SQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from minimarket_dash.db import detalle_pedidos, facturas_ocr, pedidos, productos, proveedores

PROVIDERS = [
    # id, codigo, nombre, activo
    (1, "P01", "Lácteos del Sur", 1),
    (2, "P02", "Bebidas Norte", 1),
    (3, "P03", "-Almacén Fórmula", 1),
    (4, "P04", "Viejo Proveedor", 0),
]

PRODUCTS = [
    # id, nombre, proveedor_id, codigo_barras, stock_actual, stock_minimo, activo, compra, venta
    (1, "Leche entera 1 L", 1, "7790001000011", 2, 10, 1, 850.5, 1200.0),  # faltan 8
    (2, "Yógur frutilla", 1, "7790001000028", 0, 5, 1, 333.33, 500.0),  # faltan 5
    (3, "Agua mineral 2 L", 2, "7790002000010", 50, 10, 1, 400.0, 650.0),
    (4, "Gaseosa cola", 2, None, 4, 5, 1, 1000.0, None),  # faltan 1
    (5, '=HYPERLINK("x")', None, "7790009000017", 0, 8, 1, None, None),  # faltan 8, no provider
    (6, "Leche descremada", 4, "7790001000035", 1, 6, 1, 700.0, 990.0),  # faltan 5
    (7, "Queso cremoso", 1, "7790001000042", 0, 10, 0, 2000.0, 2800.0),  # inactive
    (8, "leche en polvo", 3, "7790003000019", 10, 10, 1, 3000.0, 4100.0),  # not under
    (9, "Dulce de leche", 1, "7790001000059", 30, 5, 1, 1500.0, 2100.0),
]

ORDERS = [
    # id, proveedor_id, fecha_pedido, estado, total, esperada, real
    (1, 1, "2026-03-10 09:00:00", "pendiente", 9504.99, "2026-03-15", None),  # due today
    (2, 2, "2026-03-12 10:00:00", "enviado", 3.0, "2026-03-15", None),  # due today
    (3, 1, "2026-03-01 10:00:00", "pendiente", None, "2026-03-05", None),  # 10 days late
    (4, 2, "2026-03-09 10:00:00", "enviado", 10800.0, "2026-03-13", None),  # 2 days late
    (5, 2, "2026-03-10 10:00:00", "cancelado", 40000.0, "2026-03-12", None),  # cancelled
    (6, 1, "2026-02-10 10:00:00", "entregado", 1600.0, "2026-02-12", "2026-02-13"),
    (7, 1, "2026-03-14 10:00:00", "pendiente", 333.33, "2026-03-16", None),  # due tomorrow
    (8, None, "2026-03-11 10:00:00", None, 2000.0, "2026-03-14", None),  # 1 day late
    (9, 4, "2025-03-31 23:59:59", "entregado", 100.0, "2025-04-02", "2025-04-02"),
    (10, 4, "2025-04-01 00:00:00", "entregado", 100.0, "2025-04-03", "2025-04-03"),
    (11, 2, "2026-03-15 13:00:00", "pendiente", 400.0, "2026-03-15", None),  # after now
    (12, 1, "2026-01-20 10:00:00", "recibido", 600.0, "2026-01-25", None),  # 49 days late
    (13, 2, "2026-02-20 10:00:00", "entregado", 0.0, "2026-02-22", "2026-02-22"),  # no lines
    (14, 3, "2026-03-15 08:00:00", "entregado", 50.0, "2026-03-15", None),  # due today
]

LINES = [
    # pedido_id, producto_nombre, cantidad, precio_unitario
    (1, "Leche entera 1 L", 10, 850.5),
    (1, "Yógur frutilla", 3, 333.33),
    (2, "Agua mineral 2 L", 24, 0.125),
    (3, "Leche entera 1 L", 5, 850.5),
    (4, "Agua mineral 2 L", 12, 400.0),
    (4, "Gaseosa cola", 6, 1000.0),
    (5, "Agua mineral 2 L", 100, 400.0),
    (6, "Leche entera 1 L", 2, 800.0),
    (7, "Yógur frutilla", 1, 333.33),
    (8, "Gaseosa cola", 2, 1000.0),
    (8, "Agua mineral 2 L", 3, None),  # no price: adds nothing
    (9, "Leche entera 1 L", 1, 100.0),
    (10, "Leche entera 1 L", 1, 100.0),
    (11, "Agua mineral 2 L", 1, 400.0),
    (12, "Yógur frutilla", 2, 300.0),
    (14, "leche en polvo", 1, 50.0),
]

INVOICES = [(1, 1), (2, 0), (3, 0), (4, 1)]  # id, procesado

# Hand-computed answers (default 12-month window: 2025-04-01 00:00 to now).
SPENDING_DEFAULT = {
    "por_mes": [
        {"mes": "2025-04", "importe": 100.0, "pedidos": 1},
        {"mes": "2026-01", "importe": 600.0, "pedidos": 1},
        {"mes": "2026-02", "importe": 1600.0, "pedidos": 2},  # order 13 has no lines
        # 9504.99 + 3.0 + 4252.5 + 10800 + 333.33 + 2000 + 50
        {"mes": "2026-03", "importe": 26943.82, "pedidos": 7},
    ],
    "por_proveedor": [
        {"proveedor_id": 1, "proveedor": "Lácteos del Sur", "importe": 16290.82, "pedidos": 5},
        {"proveedor_id": 2, "proveedor": "Bebidas Norte", "importe": 10803.0, "pedidos": 3},
        {"proveedor_id": None, "proveedor": None, "importe": 2000.0, "pedidos": 1},
        {"proveedor_id": 4, "proveedor": "Viejo Proveedor", "importe": 100.0, "pedidos": 1},
        {"proveedor_id": 3, "proveedor": "-Almacén Fórmula", "importe": 50.0, "pedidos": 1},
    ],
}
LOW_STOCK = [
    {
        "producto_id": 5,
        "producto": '=HYPERLINK("x")',
        "proveedor": None,
        "stock_actual": 0,
        "stock_minimo": 8,
        "faltan": 8,
    },
    {
        "producto_id": 1,
        "producto": "Leche entera 1 L",
        "proveedor": "Lácteos del Sur",
        "stock_actual": 2,
        "stock_minimo": 10,
        "faltan": 8,
    },
    {
        "producto_id": 6,
        "producto": "Leche descremada",
        "proveedor": "Viejo Proveedor",
        "stock_actual": 1,
        "stock_minimo": 6,
        "faltan": 5,
    },
    {
        "producto_id": 2,
        "producto": "Yógur frutilla",
        "proveedor": "Lácteos del Sur",
        "stock_actual": 0,
        "stock_minimo": 5,
        "faltan": 5,
    },
    {
        "producto_id": 4,
        "producto": "Gaseosa cola",
        "proveedor": "Bebidas Norte",
        "stock_actual": 4,
        "stock_minimo": 5,
        "faltan": 1,
    },
]
TODAY = {
    "hoy": "2026-03-15",
    "entregas_hoy": [
        {
            "numero_pedido": "PED-14",
            "proveedor": "-Almacén Fórmula",
            "fecha_entrega_esperada": "2026-03-15",
            "total": 50.0,
        },
        {
            "numero_pedido": "PED-11",
            "proveedor": "Bebidas Norte",
            "fecha_entrega_esperada": "2026-03-15",
            "total": 400.0,
        },
        {
            "numero_pedido": "PED-2",
            "proveedor": "Bebidas Norte",
            "fecha_entrega_esperada": "2026-03-15",
            "total": 3.0,
        },
        {
            "numero_pedido": "PED-1",
            "proveedor": "Lácteos del Sur",
            "fecha_entrega_esperada": "2026-03-15",
            "total": 9504.99,
        },
    ],
    "atrasados": [
        {
            "numero_pedido": "PED-12",
            "proveedor": "Lácteos del Sur",
            "fecha_entrega_esperada": "2026-01-25",
            "total": 600.0,
            "dias_atraso": 49,
        },
        {
            "numero_pedido": "PED-3",
            "proveedor": "Lácteos del Sur",
            "fecha_entrega_esperada": "2026-03-05",
            "total": None,
            "dias_atraso": 10,
        },
        {
            "numero_pedido": "PED-4",
            "proveedor": "Bebidas Norte",
            "fecha_entrega_esperada": "2026-03-13",
            "total": 10800.0,
            "dias_atraso": 2,
        },
        {
            "numero_pedido": "PED-8",
            "proveedor": None,
            "fecha_entrega_esperada": "2026-03-14",
            "total": 2000.0,
            "dias_atraso": 1,
        },
    ],
    "pendientes": 8,  # orders 1, 2, 3, 4, 7, 8 (no estado), 11, 12 (recibido is not entregado)
    "facturas_sin_procesar": 2,
}

# /api/order-status: orders per estado (any date unless given; cancelled and future ones count).
ORDER_STATUS = {
    "": [
        {"estado": "entregado", "pedidos": 5},  # orders 6, 9, 10, 13, 14
        {"estado": "pendiente", "pedidos": 4},  # orders 1, 3, 7, 11 (11 is after now: counts)
        {"estado": "enviado", "pedidos": 2},  # orders 2, 4
        {"estado": "cancelado", "pedidos": 1},  # order 5
        {"estado": "recibido", "pedidos": 1},  # order 12
        {"estado": "sin estado", "pedidos": 1},  # order 8 (estado NULL, no provider)
    ],
    # 2026-03-01 00:00 to 2026-03-14 23:59:59: orders 1-5, 7, 8 (11 and 14 are on the 15th).
    "start_date=2026-03-01&end_date=2026-03-14": [
        {"estado": "pendiente", "pedidos": 3},  # 1, 3, 7
        {"estado": "enviado", "pedidos": 2},  # 2, 4
        {"estado": "cancelado", "pedidos": 1},  # 5
        {"estado": "sin estado", "pedidos": 1},  # 8
    ],
    "start_date=2026-03-01&end_date=2026-03-14&proveedor=lacteos": [
        {"estado": "pendiente", "pedidos": 3},  # 1, 3, 7 (P01)
    ],
    "proveedor=NORTE": [  # P02: orders 2, 4, 5, 11, 13
        {"estado": "enviado", "pedidos": 2},
        {"estado": "cancelado", "pedidos": 1},
        {"estado": "entregado", "pedidos": 1},
        {"estado": "pendiente", "pedidos": 1},
    ],
    "proveedor=viejo": [{"estado": "entregado", "pedidos": 2}],  # inactive P04: orders 9, 10
    "start_date=2026-03-15": [  # no upper bound: 11 (13:00, after now) and 14
        {"estado": "entregado", "pedidos": 1},
        {"estado": "pendiente", "pedidos": 1},
    ],
    "end_date=2025-03-31": [{"estado": "entregado", "pedidos": 1}],  # 9, at 23:59:59
    "start_date=2025-04-01&end_date=2025-04-01": [{"estado": "entregado", "pedidos": 1}],  # 10
    "proveedor=nadie": [],
}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def insert_all(conn: Connection) -> None:
    """Insert every row."""
    conn.execute(
        proveedores.insert(),
        [{"id": i, "codigo": c, "nombre": n, "activo": a} for i, c, n, a in PROVIDERS],
    )
    conn.execute(
        productos.insert(),
        [
            {
                "id": i,
                "nombre": n,
                "proveedor_id": p,
                "codigo_barras": b,
                "stock_actual": s,
                "stock_minimo": m,
                "activo": a,
                "precio_compra": pc,
                "precio_venta": pv,
            }
            for i, n, p, b, s, m, a, pc, pv in PRODUCTS
        ],
    )
    conn.execute(
        pedidos.insert(),
        [
            {
                "id": i,
                "proveedor_id": p,
                "numero_pedido": f"PED-{i}",
                "fecha_pedido": datetime.fromisoformat(f),
                "estado": e,
                "total": t,
                "fecha_entrega_esperada": _day(x),
                "fecha_entrega_real": _day(r),
            }
            for i, p, f, e, t, x, r in ORDERS
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
                "precio_unitario": u,
                "subtotal": None if u is None else q * u,
            }
            for k, (o, n, q, u) in enumerate(LINES)
        ],
    )
    conn.execute(
        facturas_ocr.insert(),
        [{"id": i, "numero_factura": f"F-{i}", "procesado": p, "total": 1.0} for i, p in INVOICES],
    )
