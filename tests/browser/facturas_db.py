"""The invoices fixture (tests/invoices_fixture.py) plus what the claim, state and phone tests
need; every figure below is worked by hand.

- Lácteos del Sur (provider 1) has no phone and a hostile e-mail: its claims get neither a
  WhatsApp nor an e-mail link.
- Almacén Central (provider 3) has a phone written `(0341) 15-456-7890` (WhatsApp 5493414567890)
  and a plain e-mail; invoice 14 bills its order 9 (delivered 2026-02-20, 5 × $ 900) at
  5 × $ 950: precio_mayor, claim (950 − 900) × 5 = $ 250,00.
- Invoice 15 is unprocessed and dated 2025-06-01, before any default window: Inicio's
  «Facturas por procesar» counts it (5, 7, 8 and 15: 4) and the view it links to lists it.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import update

from minimarket_dash.config import load_settings
from minimarket_dash.db import facturas_ocr, make_engine, proveedores
from tests import invoices_fixture

HOSTILE_EMAIL = "ventas@lacteos.com?bcc=espia@otro.com&body=PAGUEN%0Aya"
ALMACEN_EMAIL = "compras@almacen-central.com.ar"
ALMACEN_PHONE = "(0341) 15-456-7890"
ALMACEN_WHATSAPP = "5493414567890"
EXTRA_INVOICES = [
    {
        "id": 14,
        "numero_factura": "C-0003-00000014",
        "proveedor_original": "Almacen Central",
        "proveedor_asignado_id": 3,
        "fecha_factura": date(2026, 2, 21),
        "total": 5747.5,
        "contenido_ocr": "",
        "procesado": 1,
        "productos_json": json.dumps(
            [{"descripcion": "Arroz largo fino 1 kg", "cantidad": 5, "precio_unitario": 950}]
        ),
    },
    {
        "id": 15,
        "numero_factura": "C-0003-00000015",
        "proveedor_original": "Almacen Central",
        "proveedor_asignado_id": 3,
        "fecha_factura": date(2025, 6, 1),
        "total": 100.0,
        "contenido_ocr": "",
        "procesado": 0,
        "productos_json": json.dumps(
            [{"descripcion": "Sal fina", "cantidad": 2, "precio_unitario": 50}]
        ),
    },
]


def fill(url: str) -> None:
    """Create the fixture at url with the additions above."""
    invoices_fixture.fill_database(url)
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    with engine.begin() as conn:
        conn.execute(
            update(proveedores)
            .where(proveedores.c.id == 1)
            .values(telefono=None, email=HOSTILE_EMAIL, contacto="Marta")
        )
        conn.execute(
            update(proveedores)
            .where(proveedores.c.id == 3)
            .values(telefono=ALMACEN_PHONE, email=ALMACEN_EMAIL, contacto="Raúl")
        )
        conn.execute(facturas_ocr.insert(), EXTRA_INVOICES)
    engine.dispose()
