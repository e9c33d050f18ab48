"""The product view's queries (queries/product.py) against the hand fixture, worked by hand."""

from __future__ import annotations

from minimarket_dash.queries.product import (
    product_detail,
    product_movements,
    product_orders,
    product_prices,
)
from tests.fixture_data import NOW


def rows(frame) -> list[dict]:
    return frame.to_dict("records")


def test_detail_of_a_product_with_sales(tiny_engine):
    with tiny_engine.connect() as conn:
        row = rows(product_detail(conn, 3, NOW))[0]
    assert row == {
        "producto_id": 3,
        "nombre": "Agua mineral 2 L",
        "codigo_barras": None,
        "categoria": "Almacén",
        "proveedor": "Bebidas Norte",
        "activo": 1,
        "stock_actual": 50,
        "stock_minimo": 10,
        "precio_compra": 100.0,
        "precio_venta": 150.0,
        "vendido": 10,  # the salida of 08/03; 28 full days end at 15/03 00:00
        "consumo_diario": 0.36,  # 10 / 28
    }


def test_detail_leaves_out_todays_sales(tiny_engine):
    with tiny_engine.connect() as conn:
        row = rows(product_detail(conn, 1, NOW))[0]
    assert (row["vendido"], row["consumo_diario"]) == (0, 0.0)  # its salida is today's


def test_unknown_product_has_no_rows(tiny_engine):
    with tiny_engine.connect() as conn:
        assert product_detail(conn, 99, NOW).empty
        assert product_orders(conn, 99).empty
        assert product_prices(conn, 99, NOW).empty
        assert product_movements(conn, 99, NOW).empty


def test_last_orders_newest_first(tiny_engine):
    with tiny_engine.connect() as conn:
        found = rows(product_orders(conn, 1))
    assert [(r["numero_pedido"], r["proveedor"], r["cantidad"], r["precio"]) for r in found] == [
        ("PED-8", "Lácteos del Sur", 1, 100.0),
        ("PED-1", "Lácteos del Sur", 10, 100.0),
        ("PED-2", "Lácteos del Sur", 4, 100.0),
        ("PED-3", "Bebidas Norte", 3, 100.0),
    ]
    with tiny_engine.connect() as conn:
        assert len(product_orders(conn, 1, limit=2)) == 2


def test_prices_per_month_up_to_now(tiny_engine):
    with tiny_engine.connect() as conn:
        found = rows(product_prices(conn, 3, NOW))
    # Agua: order 4 (6 u., February); orders 3 and 6 (12 + 2 u., March).
    assert found == [
        {"mes": "2026-02", "precio": 100.0, "cantidad": 6},
        {"mes": "2026-03", "precio": 100.0, "cantidad": 14},
    ]
    with tiny_engine.connect() as conn:
        leche = rows(product_prices(conn, 1, NOW))
    assert leche == [{"mes": "2026-03", "precio": 100.0, "cantidad": 17}]  # order 8 is future


def test_movements_per_month_and_kind(tiny_engine):
    with tiny_engine.connect() as conn:
        found = rows(product_movements(conn, 1, NOW))
    assert found == [
        {"mes": "2026-02", "tipo": "entrada", "unidades": 7, "movimientos": 1},
        {"mes": "2026-03", "tipo": "entrada", "unidades": 20, "movimientos": 1},
        {"mes": "2026-03", "tipo": "salida", "unidades": 5, "movimientos": 1},
    ]
