"""Cross-check the API on ~20,000 seeded order lines against plain SQL written independently."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from tests.api.helpers import SEEDED_LINES, SEEDED_NOW, get_json


def rows(engine: Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def stamp(value) -> datetime:
    """SQLite gives text, PostgreSQL a datetime: normalise both."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def test_seed_is_big_enough_to_mean_something(seeded):
    _, engine = seeded
    ((lines, orders, kinds),) = rows(
        engine,
        "SELECT (SELECT COUNT(*) FROM detalle_pedidos), (SELECT COUNT(*) FROM pedidos),"
        " (SELECT COUNT(DISTINCT tipo_movimiento) FROM movimientos_stock)",
    )
    assert lines == SEEDED_LINES and orders > 1000 and kinds == 3


def expected_top_products(engine, start=None, end=None, provider_ids=None, limit=100):
    where, params = ["1 = 1"], {}
    if start:
        where.append("p.fecha_pedido >= :start")
        params["start"] = datetime.combine(start, datetime.min.time())
    if end:
        where.append("p.fecha_pedido < :end")
        params["end"] = datetime.combine(end + timedelta(days=1), datetime.min.time())
    found = rows(
        engine,
        "SELECT d.producto_nombre, pr.nombre, SUM(d.cantidad), p.proveedor_id, d.pedido_id"
        " FROM detalle_pedidos d JOIN pedidos p ON p.id = d.pedido_id"
        " LEFT JOIN proveedores pr ON pr.id = p.proveedor_id"
        f" WHERE {' AND '.join(where)}"
        " GROUP BY d.producto_nombre, pr.nombre, p.proveedor_id, d.pedido_id",
        **params,
    )
    units, orders = defaultdict(int), defaultdict(set)
    by_provider = defaultdict(lambda: defaultdict(int))
    for product, provider, quantity, provider_id, order in found:
        if provider_ids is not None and provider_id not in provider_ids:
            continue
        units[product] += quantity
        orders[product].add(order)
        by_provider[product][provider] += quantity
    ranked = sorted(units, key=lambda name: (-units[name], name))[:limit]
    return [
        {
            "producto": name,
            "cantidad_total": units[name],
            "pedidos": len(orders[name]),
            "proveedor": min(by_provider[name].items(), key=lambda kv: (-kv[1], kv[0]))[0],
        }
        for name in ranked
    ]


def test_top_products_all_time(seeded):
    client, engine = seeded
    assert get_json(client, "/api/top-products?limit=100") == expected_top_products(engine)


def test_top_products_with_dates_and_provider(seeded):
    client, engine = seeded
    providers = rows(engine, "SELECT id, nombre FROM proveedores ORDER BY id")
    word = max(providers[0][1].split(), key=len)  # a word of the first provider's name
    needle = fold(word)
    ids = {pid for pid, name in providers if needle in fold(name)}
    query = f"?limit=100&start_date=2025-09-01&end_date=2026-02-28&proveedor={word.upper()}"
    expected = expected_top_products(engine, date(2025, 9, 1), date(2026, 2, 28), ids)
    assert expected, "the chosen provider should have orders in the range"
    assert get_json(client, f"/api/top-products{query}") == expected


def test_providers(seeded):
    client, engine = seeded
    found = rows(
        engine,
        "SELECT pr.codigo, pr.nombre,"
        " (SELECT COUNT(*) FROM pedidos p WHERE p.proveedor_id = pr.id),"
        " (SELECT COALESCE(SUM(d.cantidad), 0) FROM detalle_pedidos d"
        "    JOIN pedidos p ON p.id = d.pedido_id WHERE p.proveedor_id = pr.id),"
        " (SELECT COUNT(*) FROM pedidos p WHERE p.proveedor_id = pr.id"
        "    AND p.fecha_pedido >= :week AND p.fecha_pedido <= :now),"
        " (SELECT COUNT(*) FROM pedidos p WHERE p.proveedor_id = pr.id"
        "    AND p.fecha_pedido >= :month AND p.fecha_pedido <= :now)"
        " FROM proveedores pr WHERE pr.activo = 1",
        week=SEEDED_NOW - timedelta(days=7),
        month=SEEDED_NOW - timedelta(days=30),
        now=SEEDED_NOW,
    )
    keys = ("codigo", "nombre", "total_pedidos", "total_productos", "pedidos_semana", "pedidos_mes")
    expected = [
        dict(zip(keys, row, strict=True)) for row in sorted(found, key=lambda r: (-r[2], r[1]))
    ]
    assert get_json(client, "/api/providers") == expected
    assert sum(row["pedidos_semana"] for row in expected) > 0


def test_stock_by_provider(seeded):
    client, engine = seeded
    found = rows(
        engine,
        "SELECT pr.codigo, pr.nombre, COALESCE(SUM(CASE m.tipo_movimiento"
        "   WHEN 'entrada' THEN m.cantidad WHEN 'salida' THEN -m.cantidad"
        "   WHEN 'ajuste' THEN m.cantidad ELSE 0 END), 0)"
        " FROM proveedores pr LEFT JOIN movimientos_stock m ON m.proveedor_id = pr.id"
        " WHERE pr.activo = 1 GROUP BY pr.id, pr.codigo, pr.nombre",
    )
    expected = [
        {"codigo": c, "nombre": n, "stock_total": s}
        for c, n, s in sorted(found, key=lambda r: (-r[2], r[1]))
    ]
    assert get_json(client, "/api/stock-by-provider?limit=100") == expected
    assert get_json(client, "/api/stock-by-provider?limit=3") == expected[:3]
    assert len({row["stock_total"] for row in expected}) > 1


@pytest.mark.parametrize("weeks", [8, 52])
def test_weekly_sales(seeded, weeks):
    client, engine = seeded
    monday = SEEDED_NOW.date() - timedelta(days=SEEDED_NOW.weekday())
    start = datetime.combine(monday - timedelta(weeks=weeks - 1), datetime.min.time())
    found = rows(
        engine,
        "SELECT p.id, p.fecha_pedido, COALESCE(SUM(d.cantidad), 0) FROM pedidos p"
        " LEFT JOIN detalle_pedidos d ON d.pedido_id = p.id"
        " WHERE p.fecha_pedido >= :start AND p.fecha_pedido <= :now"
        " GROUP BY p.id, p.fecha_pedido",
        start=start,
        now=SEEDED_NOW,
    )
    orders, units = defaultdict(int), defaultdict(int)
    for _, when, quantity in found:
        iso = stamp(when).isocalendar()
        week = f"{iso.year}-W{iso.week:02d}"
        orders[week] += 1
        units[week] += quantity
    expected = [{"semana": w, "pedidos": orders[w], "productos": units[w]} for w in sorted(orders)]
    assert get_json(client, f"/api/weekly-sales?weeks={weeks}") == expected
    assert len(expected) >= weeks - 1
