"""A hand-made database for «Facturas y precios»; every expected value below was worked by hand.

Now is 2026-03-15 12:00 (as tests/fixture_data.py). The invoice window by default is
2025-12-15 … 2026-03-15. Price changes: current month 2026-02, base (meses=3) 2025-11.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Connection

from minimarket_dash.config import load_settings
from minimarket_dash.db import (
    create_schema,
    detalle_pedidos,
    facturas_ocr,
    make_engine,
    pedidos,
    proveedores,
)

NOW = datetime(2026, 3, 15, 12, 0, 0)

PROVIDERS = [
    (1, "L01", "Lácteos del Sur S.A."),
    (2, "B01", "Bebidas Norte"),
    (3, "A01", "Almacén Central SRL"),
    (4, "S01", "Sur"),  # contained in «DISTRIB. LACTEOS DEL SUR S A» too: the longer name wins
    (5, "P01", "Panificadora Oeste"),
]

# Orders an invoice may match: id -> (provider, estado, delivered, lines (name, qty, price)).
AGUA, GASEOSA = "Agua mineral 2 L", "Gaseosa cola"
INVOICE_ORDERS = {
    1: (1, "entregado", "2026-03-02", [("Leche entera 1 L", 10, 100.0), ("Yogur frutilla", 5, 50.0),
                                       ("Queso rallado", 2, 300.0)]),
    2: (1, "entregado", "2026-03-04", [("Leche entera 1 L", 10, 100.0)]),
    3: (1, "entregado", "2026-03-07", [("Queso cremoso", 2, 1200.0),
                                       ("Dulce de leche 400 g", 3, 1000.0)]),
    5: (2, "entregado", "2026-03-08", [(AGUA, 12, 1234.56), (GASEOSA, 6, 1234.0)]),
    6: (2, "entregado", "2026-03-11", [(AGUA, 10, 1200.0), (GASEOSA, 4, 500.0)]),
    7: (2, "entregado", "2026-03-12", [(AGUA, 8, 1200.0), (GASEOSA, 2, 500.0)]),
    8: (3, "enviado", "2026-03-01", [("Arroz largo fino 1 kg", 5, 900.0)]),  # not delivered
    9: (3, "entregado", "2026-02-20", [("Arroz largo fino 1 kg", 5, 900.0)]),  # 9 days earlier
}


def _items(*entries: dict) -> str:
    return json.dumps(list(entries), ensure_ascii=False)


# id -> (numero, proveedor_original, asignado, fecha, total, productos_json, procesado)
INVOICES = {
    # Matches order 1 (2 shared names) over order 2 (1); leche billed 3,5 % above: 35,00.
    1: ("A-0001-00000101", "Lacteos del Sur", 1, "2026-03-03", 1284.0, _items(
        {"descripcion": "LECHE ENTERA 1 L.", "cantidad": "10", "precio_unitario": "$ 103,50"},
        {"descripcion": "Yogur Frutilla", "cantidad": 5, "precio_unitario": 50},
    ), 1),
    # Order 1 is taken (3 days away): order 2; 12 units instead of 10 and butter not ordered.
    2: ("A-0001-00000102", "Lacteos del Sur", 1, "2026-03-05", 1500.0, _items(
        {"descripcion": "Leche entera 1 L", "cantidad": 12, "precio_unitario": 100},
        {"descripcion": "Manteca 200 g", "cantidad": 1, "precio_unitario": 300, "codigo": "M1"},
    ), 1),
    # Orders 5 (2 days), 6 (1 day), 7 (2 days) share 2 names: the closest, 6. Gaseosa at
    # exactly +2 %: not above the tolerance.
    3: ("B-0002-00000500", "Bebidas Norte", 2, "2026-03-10", 14040.0, _items(
        {"descripcion": "Agua mineral 2 L", "cantidad": 10, "precio_unitario": 1200},
        {"descripcion": "Gaseosa cola", "cantidad": 4, "precio_unitario": "510"},
    ), 1),
    # Same day, later id: 5 and 7 are 2 days away with 2 names each: the lower id, 5.
    # Plain "1234.56", the key `producto` and `precio`, es-AR thousands "1.234".
    4: ("B-0002-00000501", "Bebidas Norte", 2, "2026-03-10", 22218.72, _items(
        {"descripcion": "Agua mineral 2 L", "cantidad": "12", "precio_unitario": "1234.56",
         "raw_line": "AGUA 12 x 1234.56"},
        {"producto": "Gaseosa cola", "cantidad": "6", "precio": "1.234"},
    ), 1),
    # Almacén has no delivered order within 3 days (8 is «enviado», 9 is 9 days before).
    5: ("C-0003-00000001", "Almacen Central", 3, "2026-03-01", 4500.0, _items(
        {"nombre": "Arroz largo fino 1 kg", "cantidad": 5, "precio": 900},
    ), 0),
    # Nobody is called like this: no provider, hence no order either.
    6: ("X-0000-00000001", "Distribuidora Desconocida", None, "2026-03-06", 100.0, _items(
        {"descripcion": "Fideos", "cantidad": 1, "precio_unitario": 100},
    ), 1),
    # OCR-noisy, unassigned: «DISTRIB. LACTEOS DEL SUR S A» -> Lácteos (not «Sur»): order 3.
    # descripcion beats producto, precio_unitario beats precio; queso billed 2,88 % above.
    7: ("A-0001-00000103", "DISTRIB. LACTEOS DEL SUR S A", None, "2026-03-07", 5469.12, _items(
        {"descripcion": "Queso cremoso", "cantidad": "2", "precio": "$ 1.234,56"},
        {"descripcion": "Dulce de leche 400 g", "producto": "OTRA COSA", "cantidad": 3,
         "precio_unitario": 1000, "precio": 5000, "proveedor_sugerido": "x"},
    ), 0),
    # Unreadable: broken JSON; an object, not a list; a list with nothing usable (qty 0).
    8: ("B-0002-00000502", "BEBIDAS NORTE S.A.", None, "2026-03-02", 10.0, "{no es json", 0),
    9: ("B-0002-00000503", "Bebidas Norte", 2, "2026-03-09", 10.0, '{"descripcion": "Agua"}', 1),
    10: ("B-0002-00000504", "Bebidas Norte", 2, "2026-03-09", 10.0, _items(
        {"descripcion": "Agua mineral 2 L", "cantidad": 0, "precio_unitario": 1200},
        {"cantidad": 3, "precio_unitario": 10},
    ), 1),
    # The number of invoice 3 again, later: duplicada; it still takes its order (7).
    11: ("B-0002-00000500", "Bebidas Norte", 2, "2026-03-12", 10600.0, _items(
        {"descripcion": "Agua mineral 2 L", "cantidad": 8, "precio_unitario": "$ 1.200,00"},
        {"descripcion": "Gaseosa cola", "cantidad": 2, "precio_unitario": 500.0},
    ), 1),
    # Outside the default window (before 2025-12-15), and its repeat inside it: duplicada.
    12: ("C-0003-00000009", "Almacén Central", 3, "2025-11-01", 50.0, _items(
        {"descripcion": "Sal fina", "cantidad": 1, "precio_unitario": 50},
    ), 1),
    13: ("C-0003-00000009", "ALMACEN CENTRAL S.R.L.", None, "2026-01-10", 50.0, _items(
        {"descripcion": "Sal fina", "cantidad": 1, "precio_unitario": 50},
    ), 1),
}

# What /api/invoices answers by default (tolerancia 2): id -> (proveedor, pedido, flags, extra).
EXPECTED = {
    1: ("Lácteos del Sur S.A.", "PED-1", ["precio_mayor"], 35.0),
    2: ("Lácteos del Sur S.A.", "PED-2", ["cantidad_distinta", "no_pedido"], 0.0),
    3: ("Bebidas Norte", "PED-6", ["ok"], 0.0),
    4: ("Bebidas Norte", "PED-5", ["ok"], 0.0),
    5: ("Almacén Central SRL", None, ["sin_pedido", "pendiente"], 0.0),
    6: (None, None, ["sin_pedido", "sin_proveedor"], 0.0),
    7: ("Lácteos del Sur S.A.", "PED-3", ["precio_mayor", "pendiente"], 69.12),
    8: ("Bebidas Norte", None, ["sin_pedido", "ilegible", "pendiente"], 0.0),
    9: ("Bebidas Norte", None, ["sin_pedido", "ilegible"], 0.0),
    10: ("Bebidas Norte", None, ["sin_pedido", "ilegible"], 0.0),
    11: ("Bebidas Norte", "PED-7", ["duplicada"], 0.0),
    13: ("Almacén Central SRL", None, ["sin_pedido", "duplicada"], 0.0),
}
# Per provider: (id, facturas, con_problemas, cobrado_de_mas), most money first.
EXPECTED_PROVIDERS = [
    (1, "Lácteos del Sur S.A.", 3, 3, 104.12),
    (2, "Bebidas Norte", 6, 4, 0.0),
    (3, "Almacén Central SRL", 2, 2, 0.0),
]

# Price lines: (provider, estado, fecha_pedido, product, qty, unit price).
PRICE_LINES = [
    # Lácteos: A 110 -> 121 (x1.1, spend 2200), B 200 -> 200 (1000), C 50 -> 60 (x1.2, 200):
    # (2200·1.1 + 1000 + 200·1.2) / 3400 − 1 = 7,647 % -> 7.6.
    (1, "recibido", "2025-11-03 10:00:00", "Manteca A", 10, 100.0),
    (1, "recibido", "2025-11-20 10:00:00", "Manteca A", 10, 120.0),
    (1, "entregado", "2025-11-20 10:00:00", "Crema B", 5, 200.0),
    (1, None, "2025-11-30 23:59:59", "Ricota C", 4, 50.0),
    (1, "recibido", "2026-02-01 00:00:00", "Manteca A", 10, 121.0),
    (1, "cancelado", "2026-02-10 10:00:00", "Manteca A", 10, 1000.0),  # cancelled: ignored
    (1, "recibido", "2026-02-15 10:00:00", "Crema B", 5, 200.0),
    (1, "recibido", "2026-02-28 23:59:59", "Ricota C", 2, 60.0),
    (1, "recibido", "2026-03-01 00:00:00", "Manteca A", 10, 500.0),  # current month: ignored
    # Bebidas: D 100 -> 110, E 100 -> 120, F 100 -> 102, equal spend: 10,667 % -> 10.7.
    # Index: 2025-03 100; 04 D 90 -> 99: 110.0; carried to 11; 12 (D, E unchanged) 110.0;
    # 2026-01 D +10 %, E = : ×1.05 -> 115.5; 02 D =, E +20 % weighted 1100/1000: ×23/21 -> 126.5.
    (2, "recibido", "2025-02-10 10:00:00", "Soda D", 10, 10.0),  # base month only for meses=12
    (2, "recibido", "2025-03-10 10:00:00", "Soda D", 10, 90.0),
    (2, "recibido", "2025-04-10 10:00:00", "Soda D", 10, 99.0),
    (2, "recibido", "2025-11-10 10:00:00", "Soda D", 10, 100.0),
    (2, "recibido", "2025-11-10 10:00:00", "Jugo E", 10, 100.0),
    (2, "recibido", "2025-11-10 10:00:00", "Tónica F", 10, 100.0),
    (2, "recibido", "2025-12-10 10:00:00", "Soda D", 10, 100.0),
    (2, "recibido", "2025-12-10 10:00:00", "Jugo E", 10, 100.0),
    (2, "recibido", "2026-01-10 10:00:00", "Soda D", 10, 110.0),
    (2, "recibido", "2026-01-10 10:00:00", "Jugo E", 10, 100.0),
    (2, "recibido", "2026-02-10 10:00:00", "Soda D", 10, 110.0),
    (2, "recibido", "2026-02-10 10:00:00", "Jugo E", 10, 120.0),
    (2, "recibido", "2026-02-10 10:00:00", "Tónica F", 10, 102.0),
    # Almacén: G =, H +10 %, I +30 %, equal spend: 13,333 % -> 13.3.
    (3, "recibido", "2025-11-05 10:00:00", "Harina G", 1, 1000.0),
    (3, "recibido", "2025-11-05 10:00:00", "Polenta H", 1, 1000.0),
    (3, "recibido", "2025-11-05 10:00:00", "Aceite I", 1, 1000.0),
    (3, "recibido", "2026-02-05 10:00:00", "Harina G", 1, 1000.0),
    (3, "recibido", "2026-02-05 10:00:00", "Polenta H", 1, 1100.0),
    (3, "recibido", "2026-02-05 10:00:00", "Aceite I", 1, 1300.0),
    # Panificadora: two products in both months (L only in February): insuficiente.
    (5, "recibido", "2025-11-05 10:00:00", "Pan J", 1, 100.0),
    (5, "recibido", "2025-11-05 10:00:00", "Bizcochos K", 1, 100.0),
    (5, "recibido", "2026-02-05 10:00:00", "Pan J", 1, 110.0),
    (5, "recibido", "2026-02-05 10:00:00", "Bizcochos K", 1, 100.0),
    (5, "recibido", "2026-02-05 10:00:00", "Facturas L", 1, 100.0),
]

# Ranked 13.3, 10.7, 7.6: market median 10.7.
EXPECTED_CHANGES = [
    # (id, cambio_pct, diferencia_pp, productos_comparados, estado)
    (3, 13.3, 2.6, 3, "ranked"),
    (2, 10.7, 0.0, 3, "ranked"),
    (1, 7.6, -3.1, 3, "ranked"),
    (5, None, None, 2, "insuficiente"),
]
EXPECTED_MERCADO = 10.7
EXPECTED_LACTEOS_PRODUCTS = [
    {"producto": "Ricota C", "precio_base": 50.0, "precio_actual": 60.0, "cambio_pct": 20.0},
    {"producto": "Manteca A", "precio_base": 110.0, "precio_actual": 121.0, "cambio_pct": 10.0},
    {"producto": "Crema B", "precio_base": 200.0, "precio_actual": 200.0, "cambio_pct": 0.0},
]
INDEX_MONTHS = [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02"]
EXPECTED_BEBIDAS_INDEX = [100.0] + [110.0] * 9 + [115.5, 126.5]


def fill_database(url: str) -> None:
    """Create the schema at url and insert this fixture."""
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    create_schema(engine)
    with engine.begin() as conn:
        insert_all(conn)
    engine.dispose()


def insert_all(conn: Connection) -> None:
    """Insert every row of this fixture."""
    conn.execute(proveedores.insert(), [
        {"id": i, "codigo": c, "nombre": n, "activo": 1} for i, c, n in PROVIDERS
    ])
    orders, lines = _orders()
    conn.execute(pedidos.insert(), orders)
    conn.execute(detalle_pedidos.insert(), lines)
    conn.execute(facturas_ocr.insert(), [
        {"id": i, "numero_factura": num, "proveedor_original": orig,
         "proveedor_asignado_id": asig, "fecha_factura": date.fromisoformat(day), "total": total,
         "contenido_ocr": "", "productos_json": items, "procesado": done}
        for i, (num, orig, asig, day, total, items, done) in INVOICES.items()
    ])


def _orders() -> tuple[list[dict], list[dict]]:
    orders, lines = [], []
    for order_id, (provider, estado, delivered, order_lines) in INVOICE_ORDERS.items():
        day = date.fromisoformat(delivered)
        orders.append({"id": order_id, "proveedor_id": provider, "numero_pedido": f"PED-{order_id}",
                       "fecha_pedido": datetime(day.year, day.month, 1, 9), "estado": estado,
                       "total": 0.0, "fecha_entrega_real": day})
        lines += [{"pedido_id": order_id, "producto_nombre": n, "cantidad": q,
                   "precio_unitario": p, "subtotal": q * p} for n, q, p in order_lines]
    for offset, (provider, estado, stamp, name, qty, price) in enumerate(PRICE_LINES):
        order_id = 100 + offset
        orders.append({"id": order_id, "proveedor_id": provider, "numero_pedido": f"PP-{order_id}",
                       "fecha_pedido": datetime.fromisoformat(stamp), "estado": estado,
                       "total": qty * price, "fecha_entrega_real": None})
        lines.append({"pedido_id": order_id, "producto_nombre": name, "cantidad": qty,
                      "precio_unitario": price, "subtotal": qty * price})
    for number, line in enumerate(lines, start=1):
        line["id"] = number
    return orders, lines
