"""A hand-made database for «Qué pedir hoy» whose every figure was computed by hand below.

NOW is Wednesday 2026-03-18 10:30. With dias=28, consumo_diario counts `salida` movements from
2026-02-18 00:00 to 2026-03-18 00:00; orders "of the last N days" start at NOW − N days
(30: 2026-02-16 10:30, 90: 2025-12-18 10:30, 180: 2025-09-19 10:30).

Providers (hand-computed):
- 1 Lácteos Andinos: deliveries in 180 days took 10 (order 101), 2 (102), 3 (103), 1 (104)
  days → plazo median of 1,2,3,10 = 2.5 (order 100 is older than 180 days: excluded).
  Order dates in 90 days: 02-14, 02-17, 02-24, 03-02, 03-10 (105 and cancelled 106), 03-16 →
  gaps 3,7,6,8,6 → ciclo 6. Orders per weekday: martes 4 (102,103,105,106), lunes 2,
  sábado 1 → dia_habitual martes (not today). Phone `011 4567-8901` → 5491145678901.
- 2 Bebidas Cuyo: leads 1,1,2 → plazo 1; dates 03-04, 03-06, 03-11, 03-13 → gaps 2,5,2 →
  ciclo 2; miércoles 2 and viernes 2 tie → miércoles (earliest) = today → pide_hoy.
  Phone `(0341) 15-456-7890` → 5493414567890.
- 3 Almacén Federal: no orders → plazo DASHBOARD_DEFAULT_LEAD_DAYS (2), ciclo 7, día null.
  Phone `4567-8901` has no area code → whatsapp null.
- 4 Proveedor Inactivo: inactive → its products are never listed.
- 5 Limpieza Sur: one delivery 03-05 → 03-09 (4 days) → plazo 4; order 502 says `entregado`
  with no delivery date (not on its way, no lead time); 2 order dates → ciclo 7; jueves.
  Phone `+54 9 351 456-7890` → 5493514567890.

Products (objetivo = consumo × (plazo + ciclo) + mínimo; sugerido up to the pack):
- 1 Leche: sold 30+26 = 56 → 2.0/día; objetivo 2 × 8.5 + 10 = 27; en camino 24 (105; the 48 of
  cancelled 106 do not count); 27 − 0 − 24 = 3 → pack gcd(24,36,12,24,48) = 12 → 12;
  stock 0 → agotado, cobertura 0.0; importe 12 × 900 = 10.800.
- 2 Yogur: 70 → 2.5/día; 2.5 × 8.5 + 5 = 26.25; en camino 4 (105) + 8 (107) = 12 (the 10 of
  order 99, 2026-02-14, are older than 30 days); 26.25 − 10 − 12 = 4.25 → pack gcd(10,6,4,8)
  = 2 → 6; cobertura 10 / 2.5 = 4.0 ≥ 2.5 → reponer; importe 9.000.
- 3 Queso: no sales → consumo 0; objetivo 4; 4 − 2 − 0 = 2 → pack 3 → 3; cobertura null →
  reponer (sorted last); importe 15.000.
- 4 Agua: 84 → 3.0/día; 3 × 3 + 6 = 15; en camino 6 (204); 15 − 2 − 6 = 7 → pack
  gcd(12,18,6) = 6 → 12; cobertura 0.667 < 1 → critico (0.7); importe 4.800.
- 5 Gaseosa cola 1,5 L: 14 → 0.5/día; 0.5 × 3 + 12 = 13.5; the order lines say
  `Gaseosa Cola 1,5 L` (capital C): not the same name, so en camino 0 and pack 1;
  13.5 − 1 = 12.5 → 13; cobertura 2.0 ≥ 1 → reponer; importe 14.300.
- 6 Arroz: 14 → 0.5/día; 0.5 × (2 + 7) + 8 = 12.5; 12.5 − 3 = 9.5 → 10; cobertura 6.0 →
  reponer; importe 12.000. With lead 5: 0.5 × 12 + 8 = 14 → 11; with lead 7 → critico.
- 7 Lavandina: 42 → 1.5/día; 1.5 × 11 + 10 = 26.5; en camino 0; 26.5 − 5 = 21.5 → pack
  gcd(12,24) = 12 → 24; cobertura 3.33 < 4 → critico (3.3); importe 16.800.
- 8 Fideos (inactive provider), 9 Manteca (inactive product): never listed.
- 10 Dulce de leche: 28 → 1/día; 1 × 8.5 + 5 = 13.5 < stock 100 → sugerido 0, not listed.

Order of rows: agotado 1; critico 4 (0.7), 7 (3.3); reponer 5 (2.0), 2 (4.0), 6 (6.0), 3 (null).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from minimarket_dash.db import (
    categorias,
    detalle_pedidos,
    movimientos_stock,
    pedidos,
    productos,
    proveedores,
)

NOW = datetime(2026, 3, 18, 10, 30, 0)  # a Wednesday

PROVIDERS = [
    # id, codigo, nombre, activo, contacto, telefono, email
    (1, "LA01", "Lácteos Andinos", 1, "Marta", "011 4567-8901", "ventas@andinos.com.ar"),
    (2, "BC02", "Bebidas Cuyo", 1, "Raúl", "(0341) 15-456-7890", None),
    (3, "AF03", "Almacén Federal", 1, None, "4567-8901", None),
    (4, "PI04", "Proveedor Inactivo", 0, "Nadie", "011 4000-0000", None),
    (5, "LS05", "Limpieza Sur", 1, "Sofía", "+54 9 351 456-7890", "pedidos@limpiezasur.com.ar"),
]

PRODUCTS = [
    # id, nombre, proveedor_id, stock_actual, stock_minimo, precio_compra, activo
    (1, "Leche entera 1 L", 1, 0, 10, 900.0, 1),
    (2, "Yogur frutilla 1 kg", 1, 10, 5, 1500.0, 1),
    (3, "Queso cremoso", 1, 2, 4, 5000.0, 1),
    (4, "Agua mineral 2 L", 2, 2, 6, 400.0, 1),
    (5, "Gaseosa cola 1,5 L", 2, 1, 12, 1100.0, 1),
    (6, "Arroz largo fino 1 kg", 3, 3, 8, 1200.0, 1),
    (7, "Lavandina 1 L", 5, 5, 10, 700.0, 1),
    (8, "Fideos secos", 4, 0, 10, 800.0, 1),
    (9, "Manteca 200 g", 1, 0, 5, 1300.0, 0),
    (10, "Dulce de leche 400 g", 1, 100, 5, 2000.0, 1),
]

ORDERS = [
    # id, proveedor_id, fecha_pedido, estado, fecha_entrega_real
    (99, 1, "2026-02-14 10:00:00", "pendiente", None),  # open but older than 30 days
    (100, 1, "2025-08-01 09:00:00", "recibido", "2025-08-03"),  # older than 180 days
    (101, 1, "2025-12-10 09:00:00", "recibido", "2025-12-20"),  # 10 days; outside 90
    (102, 1, "2026-02-17 09:00:00", "recibido", "2026-02-19"),
    (103, 1, "2026-02-24 09:00:00", "recibido", "2026-02-27"),
    (104, 1, "2026-03-02 09:00:00", "recibido", "2026-03-03"),
    (105, 1, "2026-03-10 09:00:00", "enviado", None),
    (106, 1, "2026-03-10 16:00:00", "cancelado", None),
    (107, 1, "2026-03-16 11:00:00", "pendiente", None),
    (201, 2, "2026-03-04 10:00:00", "recibido", "2026-03-05"),
    (202, 2, "2026-03-06 10:00:00", "recibido", "2026-03-07"),
    (203, 2, "2026-03-11 10:00:00", "recibido", "2026-03-13"),
    (204, 2, "2026-03-13 10:00:00", "pendiente", None),
    (401, 4, "2026-03-09 10:00:00", "pendiente", None),
    (501, 5, "2026-03-05 10:00:00", "recibido", "2026-03-09"),
    (502, 5, "2026-03-12 10:00:00", "entregado", None),
]

LINES = [
    # pedido_id, producto_nombre, cantidad
    (99, "Yogur frutilla 1 kg", 10),
    (100, "Leche entera 1 L", 5),
    (101, "Leche entera 1 L", 24),
    (102, "Leche entera 1 L", 36),
    (102, "Queso cremoso", 3),
    (103, "Yogur frutilla 1 kg", 6),
    (104, "Leche entera 1 L", 12),
    (105, "Leche entera 1 L", 24),
    (105, "Yogur frutilla 1 kg", 4),
    (106, "Leche entera 1 L", 48),
    (107, "Yogur frutilla 1 kg", 8),
    (201, "Agua mineral 2 L", 12),
    (202, "Agua mineral 2 L", 18),
    (203, "Gaseosa Cola 1,5 L", 24),
    (204, "Agua mineral 2 L", 6),
    (204, "Gaseosa Cola 1,5 L", 12),
    (401, "Fideos secos", 10),
    (501, "Lavandina 1 L", 12),
    (502, "Lavandina 1 L", 24),
]

MOVEMENTS = [
    # producto_id, tipo, cantidad, fecha
    (1, "salida", 30, "2026-02-18 00:00:00"),  # the first second of the window: inside
    (1, "salida", 26, "2026-03-17 23:59:59"),
    (1, "salida", 100, "2026-03-18 08:00:00"),  # today: outside
    (1, "salida", 100, "2026-02-17 23:59:59"),  # before the window
    (1, "entrada", 50, "2026-03-01 10:00:00"),  # not a sale
    (1, "ajuste", -5, "2026-03-02 10:00:00"),  # not a sale
    (2, "salida", 70, "2026-03-05 12:00:00"),
    (4, "salida", 80, "2026-03-10 12:00:00"),
    (4, "salida", 4, "2026-03-11 12:00:00"),
    (5, "salida", 14, "2026-03-12 12:00:00"),
    (6, "salida", 14, "2026-03-01 12:00:00"),
    (7, "salida", 42, "2026-03-03 12:00:00"),
    (8, "salida", 28, "2026-03-03 12:00:00"),
    (10, "salida", 28, "2026-03-04 12:00:00"),
]

# The answer of /api/reorder with the defaults (dias 28, lead 2), computed above by hand.
EXPECTED_PRODUCTS = [
    # producto_id, en_camino, consumo_diario, cobertura_dias, pack, sugerido, urgencia, importe
    (1, 24, 2.0, 0.0, 12, 12, "agotado", 10800.0),
    (4, 6, 3.0, 0.7, 6, 12, "critico", 4800.0),
    (7, 0, 1.5, 3.3, 12, 24, "critico", 16800.0),
    (5, 0, 0.5, 2.0, 1, 13, "reponer", 14300.0),
    (2, 12, 2.5, 4.0, 2, 6, "reponer", 9000.0),
    (6, 0, 0.5, 6.0, 1, 10, "reponer", 12000.0),
    (3, 0, 0.0, None, 3, 3, "reponer", 15000.0),
]
EXPECTED_PROVIDERS = [
    # proveedor_id, plazo, ciclo, dia_habitual, pide_hoy, lineas, importe, whatsapp
    (1, 2.5, 6, "martes", False, 3, 10800.0 + 9000.0 + 15000.0, "5491145678901"),
    (2, 1, 2, "miércoles", True, 2, 4800.0 + 14300.0, "5493414567890"),
    (5, 4, 7, "jueves", False, 1, 16800.0, "5493514567890"),
    (3, 2, 7, None, False, 1, 12000.0, None),
]


def ts(text: str) -> datetime:
    """Parse 'YYYY-MM-DD HH:MM:SS'."""
    return datetime.fromisoformat(text)


def insert_all(conn: Connection) -> None:
    """Insert every row of the reorder fixture."""
    conn.execute(
        proveedores.insert(),
        [
            {
                "id": i,
                "codigo": c,
                "nombre": n,
                "activo": a,
                "contacto": k,
                "telefono": t,
                "email": e,
                "fecha_registro": ts("2024-01-01 00:00:00"),
            }
            for i, c, n, a, k, t, e in PROVIDERS
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
                "precio_compra": c,
                "precio_venta": c * 1.5,
                "activo": a,
            }
            for i, n, p, s, m, c, a in PRODUCTS
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
                "estado": e,
                "total": 0.0,
                "fecha_entrega_esperada": date(2026, 3, 20),
                "fecha_entrega_real": date.fromisoformat(r) if r else None,
            }
            for i, p, f, e, r in ORDERS
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
                "proveedor_id": PRODUCTS[p - 1][2],
                "fecha_movimiento": ts(f),
                "usuario": "test",
            }
            for k, (p, t, q, f) in enumerate(MOVEMENTS)
        ],
    )


def fill(url: str) -> None:
    """Create the schema at url and insert the reorder fixture."""
    from minimarket_dash.config import load_settings
    from minimarket_dash.db import create_schema, make_engine

    engine = make_engine(load_settings({"database_url": url}), writer=True)
    create_schema(engine)
    with engine.begin() as conn:
        insert_all(conn)
    engine.dispose()
